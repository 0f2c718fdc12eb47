"""Interop of integrity proofs with an independent implementation: the proof Fedify attaches to
what it delivers verifies with redfed.protocol.proofs, against the key Fedify publishes."""

import time

import pytest

from redfed.errors import SignatureError
from redfed.protocol import keys
from redfed.protocol.as2 import as_list
from redfed.protocol.proofs import proof_key_id, verify_proof

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
