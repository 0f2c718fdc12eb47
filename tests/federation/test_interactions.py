"""Likes, boosts and blocks across instances, and their undos."""

import pytest

from redfed.errors import Forbidden
from redfed.services.social import follows, interactions, posts
from redfed.store import posts as post_store
from redfed.store.social import follows as follow_store
from redfed.store.social import interactions as interaction_store
from redfed.store.social import timelines

from .test_posts import _connect, _home, _settle, _stored


@pytest.fixture
def pair(start_instance):
    """alice and carol on A, bob on B. carol follows alice; alice follows bob."""
    a, b = start_instance("a"), start_instance("b")
    for name in ("alice", "carol"):
        a.create_user(name)
    b.create_user("bob")
    _connect(a, b)
    a.run(follows.follow(a.ctx, a.actor("carol"), a.actor("alice")))
    return a, b


def _bob_post(a, b, text="a photo of my lunch", visibility="public"):
    post = b.run(posts.create_local_post(b.ctx, b.actor("bob"), text, visibility=visibility))
    _settle(a, b)
    return post, _stored(a, post.uri)


def _likes(instance, post):
    return instance.run(interaction_store.count_likes(instance.runtime.db.reader, post.id))


def test_like__reaches_the_author_and_undo_takes_it_back(pair):
    a, b = pair
    post, on_a = _bob_post(a, b)
    a.run(interactions.like(a.ctx, a.actor("alice"), on_a))
    _settle(a, b)
    assert _likes(b, post) == 1
    a.run(interactions.like(a.ctx, a.actor("alice"), on_a))  # liking twice changes nothing
    _settle(a, b)
    assert _likes(b, post) == 1
    a.run(interactions.unlike(a.ctx, a.actor("alice"), on_a))
    _settle(a, b)
    assert _likes(b, post) == 0


def test_boost__reaches_the_author_and_the_boosters_followers(pair, start_instance):
    a, b = pair
    c = start_instance("c")
    c.create_user("dave")
    _connect(c, a, "dave", "alice")  # dave@c follows alice@a
    post, on_a = _bob_post(a, b)
    reblog = a.run(interactions.boost(a.ctx, a.actor("alice"), on_a))
    _settle(a, b, c)
    # bob's server knows of the boost; dave's server got the Announce and fetched bob's post.
    assert b.run(post_store.find_post_by_uri(b.runtime.db.reader, reblog.uri)).reblog_of_id == post.id
    boosted_on_c = _stored(c, post.uri)
    assert boosted_on_c is not None
    assert reblog.uri in _home(c, "dave")
    a.run(interactions.unboost(a.ctx, a.actor("alice"), on_a))
    _settle(a, b, c)
    assert _stored(b, reblog.uri) is None
    assert _stored(c, reblog.uri) is None


def test_boost__followers_only_posts_cannot_be_boosted(pair):
    a, b = pair
    _, on_a = _bob_post(a, b, "just for followers", visibility="private")
    with pytest.raises(Exception, match="cannot be boosted"):
        a.run(interactions.boost(a.ctx, a.actor("alice"), on_a))


def test_block__removes_follows_both_ways_and_stops_delivery(pair):
    a, b = pair
    bob = b.actor("bob")
    alice_on_b = b.resolve(a.url("/users/alice"))
    b.run(interactions.block(b.ctx, bob, alice_on_b))
    _settle(a, b)
    bob_on_a = a.resolve(bob.uri)
    assert a.run(follow_store.find_follow(a.runtime.db.reader, a.actor("alice").id, bob_on_a.id)) is None
    assert a.run(interaction_store.find_block(a.runtime.db.reader, bob_on_a.id, a.actor("alice").id)) is not None
    post = b.run(posts.create_local_post(b.ctx, bob, "not for alice"))
    _settle(a, b)
    assert _stored(a, post.uri) is None
    # While blocked, alice cannot follow again: her server knows of the block.
    with pytest.raises(Forbidden):
        a.run(follows.follow(a.ctx, a.actor("alice"), bob_on_a))
    b.run(interactions.unblock(b.ctx, bob, alice_on_b))
    _settle(a, b)
    assert a.run(interaction_store.find_block(a.runtime.db.reader, bob_on_a.id, a.actor("alice").id)) is None


def test_locked_account__follow_waits_for_approval_then_sees_private_posts(start_instance):
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob")
    b.run(_lock(b, "bob"))
    bob = b.actor("bob")
    bob_on_a = a.resolve(bob.uri)
    a.run(follows.follow(a.ctx, a.actor("alice"), bob_on_a))
    _settle(a, b)
    alice_on_b = b.resolve(a.url("/users/alice"))
    assert b.run(follow_store.find_follow(b.runtime.db.reader, alice_on_b.id, bob.id)).state == "pending"
    secret = b.run(posts.create_local_post(b.ctx, bob, "followers only", visibility="private"))
    _settle(a, b)
    assert _stored(a, secret.uri) is None  # not delivered before Accept
    b.run(follows.accept_request(b.ctx, bob, alice_on_b))
    _settle(a, b)
    assert a.run(follow_store.find_follow(a.runtime.db.reader, a.actor("alice").id, bob_on_a.id)).state == "accepted"
    later = b.run(posts.create_local_post(b.ctx, bob, "welcome", visibility="private"))
    _settle(a, b)
    assert later.uri in _home(a, "alice")


def test_locked_account__rejected_request_leaves_no_follow(start_instance):
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob")
    b.run(_lock(b, "bob"))
    bob = b.actor("bob")
    bob_on_a = a.resolve(bob.uri)
    a.run(follows.follow(a.ctx, a.actor("alice"), bob_on_a))
    _settle(a, b)
    alice_on_b = b.resolve(a.url("/users/alice"))
    b.run(follows.reject_request(b.ctx, bob, alice_on_b))
    _settle(a, b)
    assert a.run(follow_store.find_follow(a.runtime.db.reader, a.actor("alice").id, bob_on_a.id)) is None
    assert b.run(follow_store.find_follow(b.runtime.db.reader, alice_on_b.id, bob.id)) is None


async def _lock(instance, username):
    async with instance.runtime.db.transaction() as conn:
        await conn.execute("UPDATE actors SET manually_approves_followers = 1 WHERE username = ?", (username,))


def test_home_timeline__shows_followed_accounts_boosts(pair):
    a, b = pair
    post, on_a = _bob_post(a, b)
    a.run(interactions.boost(a.ctx, a.actor("alice"), on_a))
    home = a.run(timelines.home(a.runtime.db.reader, a.actor("carol").id, 40))
    assert [p.reblog_of_id for p in home] == [on_a.id]
