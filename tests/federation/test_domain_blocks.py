"""Domain blocks between two real instances: what an admin's `suspend` and `silence` do to
federation, timelines and notifications, and what lifting a block gives back (as on Mastodon)."""

import pytest
from mastodon import MastodonNotFoundError

from redfed.errors import Forbidden
from redfed.services.social import follows, interactions, posts
from redfed.store.social import follows as follow_store

from ..support import api

ADMIN = "read admin:read:domain_blocks admin:write:domain_blocks"


def _admin(instance):
    instance.create_user("ada", is_admin=True)
    return api.client(instance, "ada", scopes=ADMIN)


def _follow(follower_home, followee_home, follower, followee):
    """`follower` (of follower_home) follows `followee` (of followee_home), accepted."""
    target = follower_home.resolve(followee.uri)
    follower_home.run(follows.follow(follower_home.ctx, follower, target))
    follower_home.drain()
    followee_home.drain()
    follower_home.drain()
    return target


def _follow_exists(instance, follower, followee) -> bool:
    return instance.run(follow_store.find_follow(instance.runtime.db.reader, follower.id, followee.id)) is not None


def _rows(instance, sql: str, *params):
    async def read():
        async with instance.runtime.db.reader.execute(sql, params) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    return instance.run(read())


def _texts(statuses) -> list[str]:
    return [s["content"] for s in statuses]


def test_suspend__severs_follows_both_ways_and_tells_each_local_account(start_instance):
    a, b = start_instance("a"), start_instance("b")
    admin = _admin(a)
    alice, bob = a.create_user("alice").actor, b.create_user("bob").actor
    bob_on_a = _follow(a, b, alice, bob)
    _follow(b, a, bob, alice)
    assert _follow_exists(a, alice, bob_on_a) and _follow_exists(a, bob_on_a, alice)

    admin.admin_create_domain_block(b.domain, severity="suspend", public_comment="spam")

    assert not _follow_exists(a, alice, bob_on_a) and not _follow_exists(a, bob_on_a, alice)
    severed = [n for n in api.client(a, "alice").notifications() if n["type"] == "severed_relationships"]
    assert len(severed) == 1
    event = severed[0]["event"]
    assert event["type"] == "domain_block" and event["target_name"] == b.domain
    assert (event["followers_count"], event["following_count"]) == (1, 1)
    assert set(event) == {"id", "type", "purged", "target_name", "followers_count", "following_count", "created_at"}
    assert severed[0]["account"]["username"] == "alice"
    grouped = api.client(a, "alice").grouped_notifications()["notification_groups"]
    assert [g["event"] for g in grouped if g["type"] == "severed_relationships"] == [event]
    assert [n["type"] for n in api.client(a, "ada").notifications()] == []  # ada followed no one there


def test_suspend__the_inbox_refuses_the_domain_and_nothing_goes_to_it(start_instance):
    a, b = start_instance("a"), start_instance("b")
    admin = _admin(a)
    alice, bob = a.create_user("alice").actor, b.create_user("bob").actor
    bob_on_a = _follow(a, b, alice, bob)
    _follow(b, a, bob, alice)
    b.run(posts.create_local_post(b.ctx, bob, "bob wrote this first"))
    b.drain()
    a.drain()
    [seen] = [s for s in api.client(a, "alice").timeline_home() if "bob wrote this first" in s["content"]]
    api.client(a, "alice").status_reblog(seen["id"])
    # A post of alice's is queued for bob's server, not yet sent, when the block comes.
    a.run(posts.create_local_post(a.ctx, alice, "alice queued this"))

    admin.admin_create_domain_block(b.domain, severity="suspend")
    a.drain()
    b.run(posts.create_local_post(b.ctx, bob, f"after the block @alice@{a.domain}"))
    b.drain()

    # bob's Create was refused before any fetch, with a clear status; his server stops there.
    assert ("failed", 403) in _rows(b, "SELECT state, last_status FROM deliveries WHERE host = ?", a.domain)
    assert "after the block" not in str(_rows(a, "SELECT content FROM posts"))
    # alice's queued post and boost were dropped, never delivered.
    unsent = "SELECT state, last_error FROM deliveries WHERE host = ? AND state != 'sent'"
    assert _rows(a, unsent, b.domain) == [("failed", "domain is suspended")] * 2
    assert "alice queued this" not in str(_rows(b, "SELECT content FROM posts"))
    # Nothing of ours fetches from it.
    with pytest.raises(Forbidden):
        a.run(a.ctx.resolver.actor(bob.uri, refresh=True))
    # Its accounts and posts are gone from timelines, search and lookups.
    reader = api.client(a, "alice")
    assert "bob wrote this first" not in str(reader.timeline_home()) + str(reader.timeline_public())
    assert "bob wrote this first" not in str(reader.account_statuses(alice.id))  # nor alice's boost of it
    with pytest.raises(MastodonNotFoundError):
        reader.account_lookup(f"bob@{b.domain}")
    with pytest.raises(MastodonNotFoundError):
        reader.account(bob_on_a.id)
    with pytest.raises(MastodonNotFoundError):
        reader.status(seen["id"])
    assert reader.search_v2("bob", result_type="accounts")["accounts"] == []


def test_lifting_a_suspension__the_domain_comes_back_but_follows_stay_severed(start_instance):
    a, b = start_instance("a"), start_instance("b")
    admin = _admin(a)
    alice, bob = a.create_user("alice").actor, b.create_user("bob").actor
    bob_on_a = _follow(a, b, alice, bob)
    block = admin.admin_create_domain_block(b.domain, severity="suspend")

    admin.admin_delete_domain_block(block["id"])

    assert a.resolve(bob.uri).suspended_at is None
    assert api.client(a, "alice").account_lookup(f"bob@{b.domain}")["username"] == "bob"
    assert not _follow_exists(a, alice, bob_on_a)
    b.run(posts.create_local_post(b.ctx, bob, f"hello again @alice@{a.domain}"))
    b.drain()
    a.drain()
    assert "hello again" in str(_rows(a, "SELECT content FROM posts"))


def test_silence__posts_reach_followers_only_and_strangers_get_no_notifications(start_instance):
    a, b = start_instance("a"), start_instance("b")
    admin = _admin(a)
    carol, dave = a.create_user("carol").actor, a.create_user("dave").actor
    bob = b.create_user("bob").actor
    _follow(a, b, carol, bob)
    admin.admin_create_domain_block(b.domain, severity="silence")

    b.run(posts.create_local_post(b.ctx, bob, "a quiet post #quiet"))
    b.drain()
    a.drain()

    follower, stranger = api.client(a, "carol"), api.client(a, "dave")
    assert "a quiet post" in str(_texts(follower.timeline_home()))
    assert "a quiet post" in str(_texts(follower.timeline_public()))  # followers still see it everywhere
    assert "a quiet post" not in str(_texts(stranger.timeline_public()))
    assert "a quiet post" not in str(_texts(stranger.timeline_hashtag("quiet")))
    assert "a quiet post" not in str(_texts(api.client(a).timeline_public()))
    assert stranger.search_v2("bob", result_type="accounts")["accounts"] == []
    assert follower.account_lookup(f"bob@{b.domain}")["limited"] is True

    # bob likes a post of each: only carol, who follows him, hears of it.
    for person in (carol, dave):
        mine = a.run(posts.create_local_post(a.ctx, person, f"post by {person.username}"))
        a.drain()
        b.run(interactions.like(b.ctx, bob, b.run(posts.fetch_post(b.ctx, mine.uri))))
        b.drain()
        a.drain()
    assert [n["type"] for n in follower.notifications()] == ["favourite"]
    assert stranger.notifications() == []


def test_silence__new_accounts_of_the_domain_are_silenced_and_lifting_clears_it(start_instance):
    a, b = start_instance("a"), start_instance("b")
    admin = _admin(a)
    bob = b.create_user("bob").actor
    bob_on_a = a.resolve(bob.uri)
    block = admin.admin_create_domain_block(b.domain, severity="silence")
    erin = b.create_user("erin").actor

    assert a.resolve(erin.uri).silenced_at is not None
    assert a.run(a.ctx.resolver.actor(bob.uri, refresh=True)).silenced_at is not None

    admin.admin_delete_domain_block(block["id"])
    assert a.resolve(erin.uri).silenced_at is None and a.resolve(bob_on_a.uri).silenced_at is None
