"""Moves between redfed and the independent Fedify peer (tests/peers/fedify): a Fedify account's
Move is honoured only when its new account really lists it in alsoKnownAs, and a redfed account's
Move passes Fedify's own verification."""

from redfed.services.portability import aliases, moves
from redfed.services.social import follows
from redfed.store.portability import moves as move_store

from ..support.api import client


def _follows_of(instance, follower):
    async def query():
        sql = "SELECT actors.uri, follows.state FROM follows JOIN actors ON actors.id = follows.followee_id WHERE follower_id = ?"
        async with instance.runtime.db.reader.execute(sql, (follower.id,)) as cursor:
            return {row[0]: row[1] for row in await cursor.fetchall()}

    return instance.run(query())


def _bob_follows_old(instance, peer):
    bob = instance.create_user("bob").actor
    peer.create_actor("old")
    instance.run(follows.follow(instance.ctx, bob, instance.resolve(peer.actor_uri("old"))))
    instance.drain()  # Follow out; Fedify answers Accept before its inbox returns
    instance.drain()
    assert _follows_of(instance, bob) == {peer.actor_uri("old"): "accepted"}
    return bob


def test_fedify_move__to_an_account_that_aliases_it_takes_the_followers_along(instance, fedify_peer):
    peer = fedify_peer
    bob = _bob_follows_old(instance, peer)
    peer.create_actor("new")
    peer.set_aliases("new", [peer.actor_uri("old")])

    sent = peer.move("old", peer.actor_uri("new"))
    assert [r["ok"] for r in sent["results"]] == [True]
    instance.drain()
    instance.drain()

    assert _follows_of(instance, bob) == {peer.actor_uri("new"): "accepted"}  # Fedify accepted the Follow
    assert [f["id"] for f in peer.followers("new")] == [bob.uri]
    assert peer.followers("old") == []  # the Undo reached the old account
    [note] = client(instance, "bob").notifications(types=["move"])
    assert note.account.uri == peer.actor_uri("old") and note.account.moved.uri == peer.actor_uri("new")


def test_fedify_move__without_the_alias_changes_nothing(instance, fedify_peer):
    peer = fedify_peer
    bob = _bob_follows_old(instance, peer)
    peer.create_actor("new")  # lists no alias

    peer.move("old", peer.actor_uri("new"))
    instance.drain()

    assert _follows_of(instance, bob) == {peer.actor_uri("old"): "accepted"}
    [record] = instance.run(move_store.list_moves(instance.runtime.db.reader, peer.actor_uri("old")))
    assert record.state == "refused" and "does not list" in record.reason
    assert client(instance, "bob").notifications(types=["move"]) == []


def test_redfed_move__to_a_fedify_account_reaches_its_followers_there(instance, fedify_peer):
    peer = fedify_peer
    alice = instance.create_user("alice").actor
    peer.create_actor("fan")
    peer.follow("fan", alice.uri)
    instance.drain()
    peer.create_actor("alice")
    peer.set_aliases("alice", [alice.uri])

    instance.run(moves.move_out(instance.ctx, alice, peer.handle("alice")))
    instance.drain()

    [move] = [r for r in peer.received() if r["type"] == "Move"]
    assert (move["actor"], move["object"], move["json"]["target"]) == (alice.uri, alice.uri, peer.actor_uri("alice"))
    assert move["verified"] and move["recipient"] is None  # delivered to the shared inbox, verified
    assert [u for u in peer.received() if u["type"] == "Update"][-1]["json"]["object"]["movedTo"] == peer.actor_uri("alice")
    assert instance.run(aliases.resolve_account(instance.ctx, peer.handle("alice"))).also_known_as == (alice.uri,)
