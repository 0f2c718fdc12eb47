"""Inbound `Move` from a remote of our own making (tests/support/hostile.py): honoured only when the
account itself announces it and the target really aliases it; forged Moves change nothing and are
recorded as refused; a repeat within a week does nothing."""

import json

import pytest

from redfed.services.social import follows, interactions, relationships
from redfed.store.portability import moves as move_store
from redfed.store.social import follows as follow_store

from ..support.hostile import PUBLIC, sign_post

DAY = 24 * 3600


def _send(instance, signer, activity, key=None):
    reply = sign_post(instance.url("/inbox"), activity, key or signer.signing_key, instance.clock()).send()
    instance.drain()
    return reply


def _follows_of(instance, follower):
    async def query():
        sql = "SELECT actors.uri, follows.state FROM follows JOIN actors ON actors.id = follows.followee_id WHERE follower_id = ?"
        async with instance.runtime.db.reader.execute(sql, (follower.id,)) as cursor:
            return {row[0]: row[1] for row in await cursor.fetchall()}

    return instance.run(query())


def _moves(instance, origin_uri):
    return [(m.state, m.target_uri, m.reason) for m in instance.run(move_store.list_moves(instance.runtime.db.reader, origin_uri))]


def _inbox_state(instance, activity_id):
    async def query():
        sql = "SELECT state, last_error FROM inbox_items WHERE activity_id = ?"
        async with instance.runtime.db.reader.execute(sql, (activity_id,)) as cursor:
            return tuple(await cursor.fetchone())

    return instance.run(query())


def _move_notifications(instance, recipient):
    async def query():
        sql = "SELECT count(*) FROM notifications WHERE recipient_id = ? AND type = 'move'"
        async with instance.runtime.db.reader.execute(sql, (recipient.id,)) as cursor:
            return (await cursor.fetchone())[0]

    return instance.run(query())


def _sent(remote, kind):
    return [json.loads(r.body) for r in remote.requests(method="POST") if json.loads(r.body).get("type") == kind]


@pytest.fixture
def moving(instance, remote):
    """bob (local) follows `old` on the remote; `new` on the same remote lists `old` as an alias."""
    bob = instance.create_user("bob").actor
    old, new = remote.add_actor("old"), remote.add_actor("new")
    remote.serve(new.path, new.document() | {"alsoKnownAs": [old.uri]})
    follow = instance.run(follows.follow(instance.ctx, bob, instance.resolve(old.uri)))
    accept = old.activity("Accept", {"type": "Follow", "id": follow.uri, "actor": bob.uri, "object": old.uri})
    assert _send(instance, old, accept).status == 202
    assert _follows_of(instance, bob) == {old.uri: "accepted"}
    return bob, old, new


def test_move__an_aliased_target_takes_the_local_followers(instance, remote, moving):
    bob, old, new = moving
    move = old.activity("Move", old.uri, target=new.uri, to=[PUBLIC])

    assert _send(instance, old, move).status == 202

    # A real Follow of the new account (pending until it accepts) and an Undo to the old one.
    assert _follows_of(instance, bob) == {new.uri: "pending"}
    assert [f["object"] for f in _sent(remote, "Follow")][-1] == new.uri
    assert _sent(remote, "Undo")[-1]["object"]["object"] == old.uri
    assert _move_notifications(instance, bob) == 1
    assert _moves(instance, old.uri) == [("done", new.uri, None)]
    assert instance.resolve(old.uri).moved_to_uri == new.uri
    assert _inbox_state(instance, move["id"]) == ("done", None)


def test_move__repeated_within_a_week_does_nothing(instance, remote, moving):
    bob, old, new = moving
    _send(instance, old, old.activity("Move", old.uri, target=new.uri))
    instance.run(follows.follow(instance.ctx, bob, instance.resolve(old.uri)))  # bob goes back

    again = old.activity("Move", old.uri, target=new.uri)
    _send(instance, old, again)
    assert _inbox_state(instance, again["id"]) == ("ignored", "nothing to apply")
    assert _follows_of(instance, bob) == {new.uri: "pending", old.uri: "pending"}

    instance.clock.advance(8 * DAY)
    _send(instance, old, old.activity("Move", old.uri, target=new.uri))
    assert _follows_of(instance, bob) == {new.uri: "pending"}
    assert [state for state, _target, _reason in _moves(instance, old.uri)] == ["done", "done"]
    assert _move_notifications(instance, bob) == 1  # one notification per account that moved


def test_move__to_a_target_without_the_alias_changes_nothing(instance, remote, moving):
    bob, old, _new = moving
    stranger = remote.add_actor("stranger")  # does not list `old` in alsoKnownAs
    move = old.activity("Move", old.uri, target=stranger.uri)

    assert _send(instance, old, move).status == 202

    assert _follows_of(instance, bob) == {old.uri: "accepted"}
    assert _move_notifications(instance, bob) == 0 and instance.resolve(old.uri).moved_to_uri is None
    reason = f"its target {stranger.uri} does not list {old.uri} in alsoKnownAs"
    assert _moves(instance, old.uri) == [("refused", stranger.uri, reason)]
    assert _inbox_state(instance, move["id"]) == ("failed", f"Move refused: {reason}")
    assert remote.fetches(stranger.path) >= 1  # the target was read from its server, not trusted


def test_move__announced_by_a_third_party_changes_nothing(instance, remote, start_remote, moving):
    bob, old, _new = moving
    elsewhere = start_remote()
    mallory = elsewhere.add_actor("mallory")
    mallorys = elsewhere.add_actor("mallorys")
    elsewhere.serve(mallorys.path, mallorys.document() | {"alsoKnownAs": [old.uri]})

    # Mallory announces that `old` moved to her account.
    forged = mallory.activity("Move", old.uri, target=mallorys.uri)
    assert _send(instance, mallory, forged).status == 202
    assert _moves(instance, old.uri) == [
        ("refused", mallorys.uri, "its object is not its actor: only an account may announce its own move")
    ]

    # The same Move in `old`'s name, signed with Mallory's key: refused before it is stored.
    in_its_name = old.activity("Move", old.uri, target=mallorys.uri)
    reply = _send(instance, old, in_its_name, key=mallory.signing_key)
    assert (reply.status, reply.json()) == (401, {"error": "signer is not the actor"})

    assert _follows_of(instance, bob) == {old.uri: "accepted"}
    assert _move_notifications(instance, bob) == 0 and instance.resolve(old.uri).moved_to_uri is None
    assert _sent(elsewhere, "Follow") == []


@pytest.mark.parametrize("target", ["missing", "self", "none"])
def test_move__with_an_unusable_target_changes_nothing(instance, remote, moving, target):
    bob, old, _new = moving
    targets = {"missing": remote.url("/users/nobody"), "self": old.uri, "none": None}
    move = old.activity("Move", old.uri, **({"target": targets[target]} if targets[target] else {}))

    _send(instance, old, move)

    assert _follows_of(instance, bob) == {old.uri: "accepted"}
    [(state, _target, reason)] = _moves(instance, old.uri)
    assert state == "refused" and reason.startswith(
        {"missing": "its target could not be fetched", "self": "its target is the account", "none": "it names no target"}[target]
    )
    assert _inbox_state(instance, move["id"])[0] == "failed"


def test_move__a_follower_who_blocks_the_new_account_keeps_the_old_follow(instance, remote, moving):
    bob, old, new = moving
    instance.run(interactions.block(instance.ctx, bob, instance.resolve(new.uri)))

    _send(instance, old, old.activity("Move", old.uri, target=new.uri))

    assert _follows_of(instance, bob) == {old.uri: "accepted"}
    assert _move_notifications(instance, bob) == 0
    assert instance.run(follow_store.find_follow(instance.runtime.db.reader, bob.id, instance.resolve(new.uri).id)) is None


def test_move__blocks_and_mutes_of_the_old_account_carry_over(instance, remote, moving):
    _bob, old, new = moving
    carol, dan, erin = (instance.create_user(name).actor for name in ("carol", "dan", "erin"))
    old_here = instance.resolve(old.uri)
    instance.run(interactions.block(instance.ctx, carol, old_here))
    instance.run(relationships.mute(instance.ctx, dan, old_here, True, 0))
    instance.run(relationships.mute(instance.ctx, erin, old_here, False, 3600))

    _send(instance, old, old.activity("Move", old.uri, target=new.uri))

    new_here = instance.resolve(new.uri)
    [(carol_rel,), (dan_rel,), (erin_rel,)] = (
        instance.run(relationships.relationships(instance.ctx, who, [new_here.id])) for who in (carol, dan, erin)
    )
    assert carol_rel.blocking and not dan_rel.blocking
    assert (dan_rel.muting, dan_rel.muting_notifications) == (True, True)
    assert (erin_rel.muting, erin_rel.muting_notifications) == (True, False)
    # Both servers were told: carol's first block, then the one carried over.
    assert [b["object"] for b in _sent(remote, "Block")] == [old.uri, new.uri]


def test_move__waits_while_the_target_cannot_be_fetched_fresh(instance, remote, moving):
    bob, old, new = moving
    instance.resolve(new.uri)  # a stored copy that lists the alias
    # Served as HTML now: unusable, so the resolver would fall back to the stored copy.
    remote.serve(new.path, new.document() | {"alsoKnownAs": [old.uri]}, content_type="text/html")

    move = old.activity("Move", old.uri, target=new.uri)
    _send(instance, old, move)

    # Not refused, not done on the stored copy: kept for another try.
    state, error = _inbox_state(instance, move["id"])
    assert state == "pending" and "not ActivityPub" in error
    assert _follows_of(instance, bob) == {old.uri: "accepted"} and _moves(instance, old.uri) == []

    remote.serve(new.path, new.document() | {"alsoKnownAs": [old.uri]})
    instance.clock.advance(3600)
    instance.drain()
    assert _inbox_state(instance, move["id"]) == ("done", None)
    assert _follows_of(instance, bob) == {new.uri: "pending"}
