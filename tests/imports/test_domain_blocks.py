"""An account's own domain blocks, through Mastodon.py: Mastodon's /api/v1/domain_blocks with Link
pagination, `domain_blocking` in relationships, the domain's posts and notifications hidden from
that account only, and follows both ways with the domain ended and federated."""

import pytest
from mastodon import MastodonAPIError

from redfed.services.social import follows, posts
from redfed.store.social import follows as follow_store

from ..support import api
from ..support.http import get


def _state(instance, follower, followee):
    found = instance.run(follow_store.find_follow(instance.runtime.db.reader, follower.id, followee.id))
    return found.state if found else None


@pytest.fixture
def pair(start_instance):
    """alice on a and bob on b following each other; bob has posted and mentioned alice."""
    a, b = start_instance("a"), start_instance("b")
    alice, bob = a.create_user("alice").actor, b.create_user("bob").actor
    a.create_user("carol")
    bob_on_a = a.resolve(bob.uri)
    a.run(follows.follow(a.ctx, alice, bob_on_a))
    b.run(follows.follow(b.ctx, bob, b.resolve(alice.uri)))
    for _ in range(2):
        a.drain(), b.drain()
    b.run(posts.create_local_post(b.ctx, bob, f"hello from b @alice@{a.domain}"))
    b.drain(), a.drain()
    return a, b, alice, bob, bob_on_a


def _boosted(statuses):
    return [s for s in statuses if s["reblog"] and "hello from b" in s["reblog"]["content"]]


def test_domain_block__hides_the_domain_and_ends_follows_both_ways(pair):
    a, b, alice, bob, bob_on_a = pair
    me, carol = api.client(a, "alice"), api.client(a, "carol")
    # carol, on alice's own server, boosts bob's post; alice follows her.
    [bobs_post] = [s for s in carol.timeline_public() if "hello from b" in s["content"]]
    carol.status_reblog(bobs_post["id"])
    me.account_follow(carol.account_verify_credentials()["id"])
    assert _boosted(me.timeline_home())
    assert any("hello from b" in s["content"] for s in me.timeline_home())
    assert any(n["account"]["acct"] == f"bob@{b.domain}" for n in me.notifications())
    assert _state(a, alice, bob_on_a) == "accepted" and _state(a, bob_on_a, alice) == "accepted"

    me.domain_block(b.domain)

    assert me.domain_blocks() == [b.domain]
    [rel] = me.account_relationships([bob_on_a.id])
    assert rel["domain_blocking"] and not rel["following"] and not rel["followed_by"]
    assert not any("hello from b" in s["content"] for s in me.timeline_home())
    assert not _boosted(me.timeline_home())  # nor boosts of its posts
    assert not any("hello from b" in s["content"] for s in me.timeline_public())
    assert me.notifications() == []
    # Only alice's view changes.
    assert any("hello from b" in s["content"] for s in carol.timeline_public())
    assert not carol.account_relationships([bob_on_a.id])[0]["domain_blocking"]
    # bob's server hears of both: alice's Undo Follow, and the Reject of bob's follow.
    a.drain(), b.drain()
    alice_on_b = b.resolve(alice.uri)
    assert _state(b, alice_on_b, bob) is None and _state(b, bob, alice_on_b) is None


def test_domain_block__no_follows_either_way_while_it_lasts(pair):
    a, b, alice, bob, bob_on_a = pair
    me = api.client(a, "alice")
    me.domain_block(b.domain)
    a.drain(), b.drain(), a.drain()
    with pytest.raises(MastodonAPIError):
        me.account_follow(bob_on_a.id)
    # bob follows again from b: a answers Reject and keeps no follow.
    b.run(follows.follow(b.ctx, bob, b.resolve(alice.uri)))
    b.drain(), a.drain(), b.drain()
    assert _state(a, bob_on_a, alice) is None
    assert _state(b, bob, b.resolve(alice.uri)) is None


def test_domain_block__unblock_and_idempotence(pair):
    a, b, _alice, _bob, bob_on_a = pair
    me = api.client(a, "alice")
    me.domain_block(b.domain)
    me.domain_block(b.domain.upper())  # the same domain, normalised
    assert me.domain_blocks() == [b.domain]
    me.domain_unblock(b.domain)
    assert me.domain_blocks() == []
    assert not me.account_relationships([bob_on_a.id])[0]["domain_blocking"]
    assert any("hello from b" in s["content"] for s in me.timeline_public())


def test_domain_blocks__are_paged_with_link_headers(instance):
    instance.create_user("alice")
    me = api.client(instance, "alice")
    for domain in ("one.example", "two.example", "three.example"):
        me.domain_block(domain)
    first = me.domain_blocks(limit=2)
    assert first == ["three.example", "two.example"]
    assert me.fetch_next(first) == ["one.example"]


@pytest.mark.parametrize("bad", ["", "a/b", "user@host.example", "host .example", "x" * 400])
def test_domain_block__refuses_what_is_not_a_domain(instance, bad):
    instance.create_user("alice")
    me = api.client(instance, "alice")
    with pytest.raises(MastodonAPIError) as refused:
        me.domain_block(bad)
    assert refused.value.args[1] == 422
    assert me.domain_blocks() == []


def test_domain_block__own_domain_is_refused_and_export_lists_blocks(instance):
    instance.create_user("alice")
    me = api.client(instance, "alice")
    with pytest.raises(MastodonAPIError):
        me.domain_block(instance.domain)
    me.domain_block("spam.example")

    token = api.token_for(instance, "alice")
    found = get(instance.url("/api/v1/exports/csv/domain_blocks.csv"), headers={"Authorization": f"Bearer {token}"})
    assert found.body.decode() == "spam.example\n"
