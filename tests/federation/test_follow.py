"""Follows across two redfed instances: follow, accept, locked accounts, reject, undo."""

from redfed.services.social import follows, posts
from redfed.store import posts as post_store
from redfed.store.social import follows as follow_store


def _follow_state(instance, follower, followee):
    found = instance.run(follow_store.find_follow(instance.runtime.db.reader, follower.id, followee.id))
    return found.state if found else None


def test_follow__a_remote_follow_is_accepted_by_an_open_account(start_instance):
    a, b = start_instance("a"), start_instance("b")
    alice, bob = a.create_user("alice").actor, b.create_user("bob").actor
    bob_on_a = a.resolve(bob.uri)

    a.run(follows.follow(a.ctx, alice, bob_on_a))
    assert _follow_state(a, alice, bob_on_a) == "pending"

    a.drain()  # Follow delivered to b's inbox
    b.drain()  # b applies it, queues Accept and delivers it
    a.drain()  # a applies the Accept

    alice_on_b = b.resolve(alice.uri)
    assert _follow_state(b, alice_on_b, bob) == "accepted"
    assert _follow_state(a, alice, bob_on_a) == "accepted"


def test_follow__fetches_the_followed_accounts_recent_public_posts(start_instance):
    a, b = start_instance("a", federation={"outbox_backfill": 2}), start_instance("b")
    alice, bob = a.create_user("alice").actor, b.create_user("bob").actor
    made = [b.run(posts.create_local_post(b.ctx, bob, f"post {n}")) for n in range(3)]
    hidden = b.run(posts.create_local_post(b.ctx, bob, "followers only", visibility="private"))

    a.run(follows.follow(a.ctx, alice, a.resolve(bob.uri)))

    def stored(uri):
        return a.run(post_store.find_post_by_uri(a.runtime.db.reader, uri))

    # The two newest public posts, as configured; never the followers-only one.
    assert [stored(p.uri) is not None for p in made] == [False, True, True]
    assert stored(hidden.uri) is None
