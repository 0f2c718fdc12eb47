"""Interop of integrity proofs with an independent implementation, both ways: the proof Fedify
attaches to what it delivers verifies with redfed.protocol.proofs, against the key Fedify
publishes; and the proof redfed attaches to what it delivers verifies with Fedify's own
verifyObject, against the key redfed publishes."""

import time

import pytest

from redfed.errors import SignatureError
from redfed.protocol import keys
from redfed.protocol.as2 import as_list
from redfed.protocol.proofs import proof_key_id, verify_proof
from redfed.services.social import posts

from ..support.http import request


def _assertion_key(document: dict, key_id: str):
    [method] = [m for m in as_list(document.get("assertionMethod")) if isinstance(m, dict) and m.get("id") == key_id]
    assert method["type"] == "Multikey" and method["controller"] == document["id"]
    return keys.ed25519_public_from_multibase(method["publicKeyMultibase"])


def test_fedify_proof__verifies_with_the_key_in_its_actors_assertion_method(instance, fedify_peer):
    # Given a redfed user, and a Fedify actor that follows her
    instance.create_user("alice")
    fedify_peer.create_actor("bob")
    bob = fedify_peer.actor_uri("bob")
    follow = fedify_peer.follow("bob", instance.url("/users/alice"))["deliveries"][0]["body"]

    # When the proof on the Follow Fedify delivered is checked with the key Bob's document publishes
    reply = request("GET", bob, headers={"Accept": "application/activity+json"})
    assert reply.status == 200, reply.body
    actor = reply.json()
    key_id = proof_key_id(follow)

    # Then it verifies, made by Bob's own key
    assert follow["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert key_id is not None and key_id.startswith(bob + "#")
    public_key = _assertion_key(actor, key_id)
    assert verify_proof(follow, public_key, time.time()) == key_id
    # and it covers the activity: a changed object no longer verifies
    with pytest.raises(SignatureError, match="proof does not verify"):
        verify_proof(follow | {"object": bob}, public_key, time.time())


def _create_received_by_fedify(instance, fedify_peer) -> dict:
    """alice posts to her Fedify follower bob; the Create as bob's inbox received it."""
    instance.create_user("alice")
    fedify_peer.create_actor("bob")
    fedify_peer.follow("bob", instance.url("/users/alice"))
    instance.drain()

    # her server delivers the Create after the Accept of the follow
    instance.run(posts.create_local_post(instance.ctx, instance.actor("alice"), "proof of crust"))
    instance.drain()
    return next(e for e in fedify_peer.inbox_log() if e["type"] == "Create")


def test_redfed_proof__verifies_with_fedify(instance, fedify_peer):
    create = _create_received_by_fedify(instance, fedify_peer)["json"]

    # Then it carries an eddsa-jcs-2022 proof by her Ed25519 key, which Fedify finds good
    assert create["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert create["proof"]["verificationMethod"].startswith(instance.url("/users/alice") + "#")
    assert fedify_peer.verify_object(create) is True
    # and which covers the activity: a changed copy does not pass
    forged = create | {"object": create["object"] | {"content": "<p>proof of nothing</p>"}}
    assert fedify_peer.verify_object(forged) is False


def test_without_proofs__fedify_checks_the_http_signature(start_instance, fedify_peer):
    instance = start_instance("a", federation={"integrity_proofs": False})
    received = _create_received_by_fedify(instance, fedify_peer)
    assert "proof" not in received["json"] and received["verifiedBy"] == "http-signature"
