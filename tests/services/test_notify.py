"""Notifications are written with the event that causes them, once, and taken back on undo."""

from redfed.services.accounts import profiles
from redfed.services.social import follows, interactions, posts


def _notifications(instance, username):
    recipient = instance.actor(username)  # outside: run() must not be called from the instance's loop

    async def read():
        async with instance.runtime.db.reader.execute(
            "SELECT type, from_id, post_id FROM notifications WHERE recipient_id = ? ORDER BY id", (recipient.id,)
        ) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    return instance.run(read())


def test_follow_like_boost_and_mention__notify_the_local_account_once(instance):
    alice, bob = instance.create_user("alice").actor, instance.create_user("bob").actor
    instance.run(follows.follow(instance.ctx, alice, bob))
    post = instance.run(posts.create_local_post(instance.ctx, bob, "my bakery opens today"))
    instance.run(interactions.like(instance.ctx, alice, post))
    instance.run(interactions.like(instance.ctx, alice, post))
    instance.run(interactions.boost(instance.ctx, alice, post))
    reply = instance.run(posts.create_local_post(instance.ctx, alice, "@bob congrats", in_reply_to=post))
    assert _notifications(instance, "bob") == [
        ("follow", alice.id, None), ("favourite", alice.id, post.id), ("reblog", alice.id, post.id),
        ("mention", alice.id, reply.id),
    ]
    assert _notifications(instance, "alice") == []  # never for one's own actions


def test_undo__takes_the_notification_back(instance):
    alice, bob = instance.create_user("alice").actor, instance.create_user("bob").actor
    post = instance.run(posts.create_local_post(instance.ctx, bob, "sourdough"))
    instance.run(interactions.like(instance.ctx, alice, post))
    instance.run(interactions.boost(instance.ctx, alice, post))
    instance.run(interactions.unlike(instance.ctx, alice, post))
    instance.run(interactions.unboost(instance.ctx, alice, post))
    assert _notifications(instance, "bob") == []


def test_locked_account__gets_a_follow_request_that_becomes_a_follow(instance):
    alice, bob = instance.create_user("alice").actor, instance.create_user("bob").actor
    bob = instance.run(profiles.update_profile(instance.ctx, bob, locked=True))
    instance.run(follows.follow(instance.ctx, alice, bob))
    assert [n[0] for n in _notifications(instance, "bob")] == ["follow_request"]
    instance.run(follows.accept_request(instance.ctx, bob, alice))
    assert [n[0] for n in _notifications(instance, "bob")] == ["follow"]
