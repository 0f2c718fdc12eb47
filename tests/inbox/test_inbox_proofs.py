"""Inbox POSTs with no HTTP signature, authenticated by a FEP-8b32 integrity proof instead.

The sender is a hostile remote on loopback (tests/support/hostile.py) whose actor document also
publishes an Ed25519 Multikey in `assertionMethod` (FEP-521a); the proofs are made for real with
redfed.protocol.proofs and sent over HTTP to a live instance.
"""

import json
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from redfed.protocol import keys
from redfed.protocol.proofs import sign_proof
from redfed.store import inbox as inbox_store
from redfed.store import posts as post_store

from ..support.hostile import AP, RemoteActor
from ..support.http import request


@dataclass(frozen=True)
class ProofKey:
    key_id: str
    private_key: ed25519.Ed25519PrivateKey


def _publish_assertion_key(actor: RemoteActor) -> ProofKey:
    """Serve `actor`'s document again, now with an Ed25519 Multikey in `assertionMethod`."""
    private_pem, public_pem = keys.generate_ed25519_keypair()
    key_id = actor.uri + "#ed25519-key"
    method = {"id": key_id, "type": "Multikey", "controller": actor.uri,
              "publicKeyMultibase": keys.ed25519_public_multibase(public_pem)}
    actor.server.serve(actor.path, actor.document() | {"assertionMethod": [method]})
    return ProofKey(key_id, keys.load_private_key(private_pem))


def _send_unsigned(instance, activity: dict, path: str = "/inbox"):
    return request("POST", instance.url(path), headers={"Content-Type": AP}, body=json.dumps(activity).encode())


def _proved(instance, activity: dict, key: ProofKey) -> dict:
    return sign_proof(activity, key.key_id, key.private_key, instance.clock())


def _inbox_items(instance) -> dict:
    return instance.run(inbox_store.item_states(instance.runtime.db.reader))


def _post_content(instance, uri: str) -> str | None:
    found = instance.run(post_store.find_post_by_uri(instance.runtime.db.reader, uri))
    return found.content if found else None


def assert_refused(reply, status: int, error: str) -> None:
    assert (reply.status, reply.json()) == (status, {"error": error}), reply.body


def assert_nothing_stored(instance) -> None:
    assert instance.drain() == 0
    assert _inbox_items(instance) == {}


@pytest.fixture
def mallory(remote) -> RemoteActor:
    return remote.add_actor("mallory")


@pytest.fixture
def mallorys_key(mallory) -> ProofKey:
    return _publish_assertion_key(mallory)


def test_inbox__accepts_an_unsigned_activity_with_a_valid_proof(instance, mallory, mallorys_key):
    note = mallory.note("<p>proved, not signed</p>")
    create = _proved(instance, mallory.create(note), mallorys_key)

    reply = _send_unsigned(instance, create)

    assert reply.status == 202, reply.body
    assert _inbox_items(instance) == {"pending": 1}
    assert instance.drain() == 1
    assert _post_content(instance, note["id"]) == "<p>proved, not signed</p>"


def test_inbox__refuses_a_proof_by_a_key_whose_owner_is_not_the_actor(instance, remote, mallory, mallorys_key):
    # Mallory proves an activity that claims to be Victim's, with her own (valid) key.
    victim = remote.add_actor("victim")
    _publish_assertion_key(victim)
    create = _proved(instance, victim.create(victim.note("<p>not mine</p>")), mallorys_key)

    assert_refused(_send_unsigned(instance, create), 401, "signer is not the actor")
    assert_nothing_stored(instance)


def test_inbox__refuses_a_tampered_proof(instance, mallory, mallorys_key):
    create = _proved(instance, mallory.create(mallory.note("<p>as signed</p>")), mallorys_key)
    create["object"]["content"] = "<p>changed on the way</p>"

    assert_refused(_send_unsigned(instance, create), 401, "proof does not verify")
    assert_nothing_stored(instance)


def test_inbox__refuses_a_proof_naming_the_actors_http_signature_key(instance, mallory):
    # The RSA key under publicKey is for HTTP signatures; FEP-8b32 proofs need an assertionMethod.
    forged = ProofKey(mallory.key_id, ed25519.Ed25519PrivateKey.generate())
    create = _proved(instance, mallory.create(mallory.note()), forged)

    assert_refused(_send_unsigned(instance, create), 401, "proof key is not an Ed25519 assertionMethod key")
    assert_nothing_stored(instance)


def test_inbox__asks_for_a_signature_when_the_only_proof_is_of_an_unsupported_kind(instance, remote, mallory):
    create = mallory.create(mallory.note()) | {
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-jcs-2019", "proofPurpose": "assertionMethod",
                  "verificationMethod": mallory.uri + "#p256-key", "proofValue": "z1111"},
    }

    assert_refused(_send_unsigned(instance, create), 401, "signature required")
    assert_nothing_stored(instance)
    assert remote.fetches() == 0
