"""Posts across instances: every visibility reaches exactly the right people; replies thread;
edits and deletes follow the post."""

import pytest

from redfed.errors import Unprocessable
from redfed.services.social import follows, posts
from redfed.store import posts as post_store
from redfed.store.social import timelines


def _connect(a, b, follower_name="alice", followee_name="bob"):
    """`follower_name`@a follows `followee_name`@b, and the follow is accepted."""
    follower = a.actor(follower_name)
    followee_on_a = a.resolve(b.url(f"/users/{followee_name}"))
    a.run(follows.follow(a.ctx, follower, followee_on_a))
    _settle(a, b)


def _settle(*instances):
    """Drain every instance until a full round moves nothing."""
    for _ in range(10):
        if sum(i.drain() for i in instances) == 0:
            return


def _home(instance, username):
    viewer = instance.actor(username)
    return [p.uri for p in instance.run(timelines.home(instance.runtime.db.reader, viewer.id, 40))]


def _stored(instance, uri):
    return instance.run(post_store.find_post_by_uri(instance.runtime.db.reader, uri))


@pytest.fixture
def pair(start_instance):
    """alice and carol on A, bob on B; alice follows bob; carol follows nobody."""
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    a.create_user("carol")
    b.create_user("bob")
    _connect(a, b)
    return a, b


@pytest.mark.parametrize("visibility", ["public", "unlisted", "private"])
def test_posts__reach_followers_for_every_non_direct_visibility(pair, visibility):
    a, b = pair
    post = b.run(posts.create_local_post(b.ctx, b.actor("bob"), f"hello {visibility}", visibility=visibility))
    _settle(a, b)
    received = _stored(a, post.uri)
    assert received is not None and received.visibility == visibility
    assert "hello" in received.content
    assert post.uri in _home(a, "alice")
    assert post.uri not in _home(a, "carol")


def test_direct_post__reaches_only_the_mentioned_account(pair):
    a, b = pair
    text = f"@carol@{a.domain} a secret"
    post = b.run(posts.create_local_post(b.ctx, b.actor("bob"), text, visibility="direct"))
    _settle(a, b)
    received = _stored(a, post.uri)
    assert received.visibility == "direct"
    assert post.uri in _home(a, "carol")
    assert post.uri not in _home(a, "alice")  # a follower, but not addressed


def test_public_post__mentions_render_as_links_and_notify_the_mentioned(pair):
    a, b = pair
    post = b.run(posts.create_local_post(b.ctx, b.actor("bob"), f"hi @carol@{a.domain} #Coffee"))
    _settle(a, b)
    assert f'href="{a.url("/@carol")}"' in post.content
    assert 'class="mention hashtag"' in post.content
    received = _stored(a, post.uri)
    assert post.uri in _home(a, "carol")  # mentioned, though not following
    assert a.run(post_store.list_tags(a.runtime.db.reader, received.id)) == ["coffee"]


def test_replies__thread_across_instances(pair):
    a, b = pair
    original = b.run(posts.create_local_post(b.ctx, b.actor("bob"), "what should I cook?"))
    _settle(a, b)
    on_a = _stored(a, original.uri)
    reply = a.run(posts.create_local_post(a.ctx, a.actor("alice"), f"@bob@{b.domain} dumplings", in_reply_to=on_a))
    _settle(a, b)
    reply_on_b = _stored(b, reply.uri)
    assert reply_on_b is not None
    assert reply_on_b.in_reply_to_id == original.id
    assert [p.uri for p in b.run(timelines.replies_to(b.runtime.db.reader, original.id))] == [reply.uri]


def test_edit__updates_the_remote_copy(pair):
    a, b = pair
    bob = b.actor("bob")
    post = b.run(posts.create_local_post(b.ctx, bob, "first draft"))
    _settle(a, b)
    b.run(posts.edit_local_post(b.ctx, bob, post, "final words", summary="spoilers"))
    _settle(a, b)
    received = _stored(a, post.uri)
    assert "final words" in received.content
    assert received.summary == "spoilers" and received.sensitive
    assert received.edited_at is not None


def test_delete__removes_the_remote_copy_and_a_replay_of_the_create_does_not_restore_it(pair):
    a, b = pair
    bob = b.actor("bob")
    post = b.run(posts.create_local_post(b.ctx, bob, "oops"))
    _settle(a, b)
    b.run(posts.delete_local_post(b.ctx, bob, post))
    _settle(a, b)
    assert _stored(a, post.uri) is None
    assert _stored(b, post.uri) is None
    # The remote's own copy of the Note, if it arrives again, stays out (tombstone).
    note = {"id": post.uri, "type": "Note", "attributedTo": bob.uri, "content": "oops", "to": []}
    bob_on_a = a.resolve(bob.uri)
    assert a.run(posts.store_remote_post(a.ctx, note, bob_on_a, 0)) is None


def test_unfollow__stops_delivery(pair):
    a, b = pair
    bob_on_a = a.resolve(b.url("/users/bob"))
    a.run(follows.unfollow(a.ctx, a.actor("alice"), bob_on_a))
    _settle(a, b)
    post = b.run(posts.create_local_post(b.ctx, b.actor("bob"), "anyone there?", visibility="private"))
    _settle(a, b)
    assert _stored(a, post.uri) is None


def test_create__refuses_text_over_the_limit_before_linkifying_it(instance):
    alice = instance.create_user("alice").actor
    # The shape that makes URL patterns backtrack; linkifying it first would take minutes.
    crafted = "a.a-" * 5_000
    with pytest.raises(Unprocessable, match="longer than 500"):
        instance.run(posts.create_local_post(instance.ctx, alice, crafted))
    with pytest.raises(Unprocessable, match="longer than 500"):
        instance.run(posts.create_local_post(instance.ctx, alice, "x" * 501))
    assert instance.run(post_store.count_posts_by(instance.runtime.db.reader, alice.id)) == 0
