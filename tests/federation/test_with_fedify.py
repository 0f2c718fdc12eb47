"""redfed and an independent ActivityPub server (Fedify) federate both ways, in both signature
styles: follows, posts, replies, likes, boosts, deletes and profile updates."""

import pytest

from redfed.services.social import follows, interactions, posts
from redfed.store import posts as post_store
from redfed.store.social import follows as follow_store
from redfed.store.social import interactions as interaction_store
from redfed.store.social import timelines

from ..support.fedify_peer import CAVAGE, PUBLIC, RFC9421


def _stored(instance, uri):
    return instance.run(post_store.find_post_by_uri(instance.runtime.db.reader, uri))


def _home(instance, username):
    viewer = instance.actor(username)
    return [p.uri for p in instance.run(timelines.home(instance.runtime.db.reader, viewer.id, 40))]


@pytest.fixture(params=[RFC9421, CAVAGE], ids=["rfc9421-first", "cavage-first"])
def peer(request, start_fedify_peer):
    peer = start_fedify_peer(first_knock=request.param)
    peer.create_actor("fern")
    return peer


@pytest.fixture
def alice_follows_fern(instance, peer):
    """alice@redfed follows fern@fedify; Fedify accepts at once."""
    alice = instance.create_user("alice").actor
    fern = instance.resolve(peer.actor_uri("fern"))
    instance.run(follows.follow(instance.ctx, alice, fern))
    instance.drain()  # Follow out, Accept in
    instance.drain()
    return alice, fern


def test_fedify_follows_redfed__accepted_and_verified_by_fedify(instance, peer):
    instance.create_user("alice")
    sent = peer.follow("fern", instance.url("/users/alice"))
    assert sent["deliveries"][-1]["status"] == 202
    # redfed verified the first knock, whichever style it was: no fallback was needed.
    assert len(sent["deliveries"]) == 1
    instance.drain()
    [accept] = [r for r in peer.received() if r["type"] == "Accept"]
    assert accept["verified"] and accept["verifiedBy"] == "object-integrity-proof"
    assert peer.following("fern")[0]["state"] == "accepted"


def test_redfed_follows_fedify__accepted(instance, peer, alice_follows_fern):
    alice, fern = alice_follows_fern
    follow = instance.run(follow_store.find_follow(instance.runtime.db.reader, alice.id, fern.id))
    assert follow.state == "accepted"
    assert [f["id"] for f in peer.followers("fern")] == [alice.uri]


def test_fedify_post__reaches_its_redfed_follower(instance, peer, alice_follows_fern):
    sent = peer.post("fern", "<p>Fresh <b>bread</b> today<script>alert(1)</script></p>")
    note_uri = sent["note"]
    assert sent["deliveries"][-1]["status"] == 202
    instance.drain()
    stored = _stored(instance, note_uri)
    assert stored.visibility == "public"
    assert "<b>bread</b>" in stored.content and "script" not in stored.content
    assert note_uri in _home(instance, "alice")


def test_redfed_post__reaches_fedify_and_verifies(instance, peer, alice_follows_fern):
    peer.follow("fern", instance.url("/users/alice"))
    instance.drain()
    post = instance.run(posts.create_local_post(instance.ctx, instance.actor("alice"), "hello from redfed #bread"))
    instance.drain()
    [create] = [r for r in peer.received() if r["type"] == "Create"]
    assert create["object"] == post.uri or create["json"]["object"]["id"] == post.uri
    # Fedify trusts its FEP-8b32 proof first, and the HTTP signature is there for everyone else.
    assert create["verifiedBy"] == "object-integrity-proof"
    assert create["signatureStyle"] == CAVAGE  # redfed's default sending style


def test_redfed_sends_rfc9421_when_configured(start_instance, peer):
    instance = start_instance("a", federation={"rfc9421_first": True})
    instance.create_user("alice")
    peer.follow("fern", instance.url("/users/alice"))
    instance.drain()
    [accept] = [r for r in peer.received() if r["type"] == "Accept"]
    assert accept["signatureStyle"] == RFC9421


def test_fedify_reply_like_and_boost__apply_to_the_redfed_post(instance, peer, alice_follows_fern):
    alice = instance.actor("alice")
    post = instance.run(posts.create_local_post(instance.ctx, alice, "my new shop is open"))
    reply = peer.post("fern", "<p>congrats!</p>", to=[alice.uri], cc=[PUBLIC], in_reply_to=post.uri)
    liked = peer.like("fern", post.uri)
    boosted = peer.announce("fern", post.uri)
    instance.drain()
    stored_reply = _stored(instance, reply["note"])
    assert stored_reply.in_reply_to_id == post.id
    assert instance.run(interaction_store.count_likes(instance.runtime.db.reader, post.id)) == 1
    assert _stored(instance, boosted["id"]).reblog_of_id == post.id

    peer.undo("fern", liked["id"])
    peer.undo("fern", boosted["id"])
    instance.drain()
    assert instance.run(interaction_store.count_likes(instance.runtime.db.reader, post.id)) == 0
    assert _stored(instance, boosted["id"]) is None


def test_fedify_delete__removes_the_post(instance, peer, alice_follows_fern):
    sent = peer.post("fern", "<p>typo</p>")
    instance.drain()
    assert _stored(instance, sent["note"]) is not None
    peer.delete_post("fern", sent["note"])
    instance.drain()
    assert _stored(instance, sent["note"]) is None


def test_fedify_profile_update__is_refetched(instance, peer, alice_follows_fern):
    peer.update_profile("fern", display_name="Fern the Baker")
    instance.drain()
    assert instance.resolve(peer.actor_uri("fern")).display_name == "Fern the Baker"


def test_redfed_like_and_boost__reach_fedify(instance, peer, alice_follows_fern):
    sent = peer.post("fern", "<p>sourdough</p>")
    instance.drain()
    note = _stored(instance, sent["note"])
    alice = instance.actor("alice")
    instance.run(interactions.like(instance.ctx, alice, note))
    instance.run(interactions.boost(instance.ctx, alice, note))
    instance.drain()
    received = {r["type"] for r in peer.received()}
    assert {"Like", "Announce"} <= received


def test_reply_to_an_unknown_post__the_parent_is_fetched_from_its_origin(instance, peer):
    alice = instance.create_user("alice").actor
    parent = peer.post("fern", "<p>a post nobody here has seen</p>", to=[PUBLIC], cc=[])
    reply = peer.post("fern", "<p>and a reply to it</p>", to=[alice.uri], cc=[PUBLIC], in_reply_to=parent["note"])
    instance.drain()
    fetched_parent = _stored(instance, parent["note"])
    assert fetched_parent is not None and "nobody here" in fetched_parent.content
    assert _stored(instance, reply["note"]).in_reply_to_id == fetched_parent.id
