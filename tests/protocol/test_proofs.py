"""FEP-8b32 integrity proofs with eddsa-jcs-2022 (redfed.protocol.proofs): published vectors,
round trips, and refusal of anything changed after signing."""

import copy
from datetime import datetime

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from redfed.errors import SignatureError
from redfed.protocol import keys
from redfed.protocol.proofs import proof_key_id, sign_proof, verify_proof

# The key pair of the test vectors of W3C "Data Integrity EdDSA Cryptosuites v1.0" (appendix A),
# w3c/vc-di-eddsa TestVectors/keyPair.json; FEP-8b32's fep-8b32.feature signs with it too.
VECTOR_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
VECTOR_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"  # multicodec ed25519-priv (0x8026)
VECTOR_CREATED = "2023-02-24T23:36:38Z"

# Data Integrity EdDSA Cryptosuites v1.0, A.2 "Representation: eddsa-jcs-2022": the signed
# credential (w3c/vc-di-eddsa TestVectors/eddsa-jcs-2022/signedJCS.json).
SPEC_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]
SPEC_SIGNED = {
    "@context": SPEC_CONTEXT,
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": VECTOR_CREATED,
        "verificationMethod": "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "proofPurpose": "assertionMethod",
        "@context": SPEC_CONTEXT,
        "proofValue": "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4",
    },
}

# FEP-8b32 "Object Integrity Proofs", fep-8b32.feature, scenarios "Signing document" and
# "Verifying a signature": an ActivityPub Create, with non-integer numbers for JCS to format.
FEP_CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v2"]
FEP_SIGNED = {
    "@context": FEP_CONTEXT,
    "id": "https://server.example/activities/1",
    "type": "Create",
    "actor": "https://server.example/users/alice",
    "object": {
        "id": "https://server.example/objects/1",
        "type": "Note",
        "attributedTo": "https://server.example/users/alice",
        "content": "Hello world",
        "location": {"type": "Place", "longitude": -71.184902, "latitude": 25.273962},
    },
    "proof": {
        "@context": FEP_CONTEXT,
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "verificationMethod": "https://server.example/users/alice#ed25519-key",
        "proofPurpose": "assertionMethod",
        "proofValue": "z42ffGu6AUKPCFcFPiabmUvnGLPJzC7e4DGWC52NUasSSH37UMa9c58tdgVszUcZfytxa4fQ5TYHaJENCxUDe9SdL",
        "created": VECTOR_CREATED,
    },
}

VECTORS = pytest.mark.parametrize("signed", [SPEC_SIGNED, FEP_SIGNED], ids=["w3c-eddsa-jcs-2022", "fep-8b32"])
NOW = datetime.fromisoformat(VECTOR_CREATED).timestamp() + 86400


def _vector_keys() -> tuple[ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey]:
    secret = base58.b58decode(VECTOR_SECRET[1:])
    assert secret[:2] == b"\x80\x26"
    return ed25519.Ed25519PrivateKey.from_private_bytes(secret[2:]), keys.ed25519_public_from_multibase(VECTOR_PUBLIC)


def _unsigned(signed: dict) -> dict:
    return {k: copy.deepcopy(v) for k, v in signed.items() if k != "proof"}


# --- published vectors ----------------------------------------------------------------------


@VECTORS
def test_verify_proof__accepts_the_published_vector(signed):
    _, public_key = _vector_keys()

    assert verify_proof(signed, public_key, NOW) == signed["proof"]["verificationMethod"]


@VECTORS
def test_sign_proof__reproduces_the_published_vector(signed):
    # Ed25519 signatures are deterministic, so the same key, time and document give the same bytes.
    private_key, _ = _vector_keys()
    created = datetime.fromisoformat(VECTOR_CREATED).timestamp()

    made = sign_proof(_unsigned(signed), signed["proof"]["verificationMethod"], private_key, created)

    assert made == signed


def test_verify_proof__uses_the_documents_context_when_the_proof_has_none():
    # Fedify's proofs carry no @context of their own; the proof configuration still includes the
    # document's (§3.3.1 step 2), so the FEP vector's signature holds without the proof's copy.
    _, public_key = _vector_keys()
    signed = copy.deepcopy(FEP_SIGNED)
    del signed["proof"]["@context"]

    assert verify_proof(signed, public_key, NOW) == "https://server.example/users/alice#ed25519-key"


def test_proof_key_id__names_the_verification_method_of_the_first_usable_proof():
    other = {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-jcs-2019", "proofPurpose": "assertionMethod",
             "verificationMethod": "https://elsewhere.example/key", "proofValue": "z1"}

    assert proof_key_id(FEP_SIGNED) == "https://server.example/users/alice#ed25519-key"
    assert proof_key_id(FEP_SIGNED | {"proof": [other, FEP_SIGNED["proof"]]}) == (
        "https://server.example/users/alice#ed25519-key"
    )
    assert proof_key_id(_unsigned(FEP_SIGNED)) is None
    assert proof_key_id(FEP_SIGNED | {"proof": other}) is None
    assert proof_key_id(FEP_SIGNED | {"proof": "z123"}) is None


# --- round trips ----------------------------------------------------------------------------


@pytest.fixture
def key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


def _activity() -> dict:
    return {
        "@context": ["https://www.w3.org/ns/activitystreams", {"Hashtag": "as:Hashtag"}],
        "id": "https://a.example/activities/1",
        "type": "Create",
        "actor": "https://a.example/users/alice",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": "https://a.example/notes/1",
            "type": "Note",
            "content": "<p>caf\u00e9 \u2603 \U0001f600 \"quoted\"</p>",
            "tag": [{"type": "Hashtag", "name": "#jcs"}],
            "sensitive": False,
            "likes": 3,
            "rating": 4.5,
            "summary": None,
        },
    }


def test_sign_then_verify__round_trips_and_leaves_the_input_alone(key):
    activity = _activity()
    before = copy.deepcopy(activity)

    signed = sign_proof(activity, "https://a.example/users/alice#ed25519-key", key, NOW)

    assert activity == before
    assert signed["proof"]["created"] == "2023-02-25T23:36:38Z"  # NOW, in whole seconds
    assert verify_proof(signed, key.public_key(), NOW) == "https://a.example/users/alice#ed25519-key"


def test_verify_proof__does_not_depend_on_key_order(key):
    signed = sign_proof(_activity(), "https://a.example/users/alice#ed25519-key", key, NOW)
    reordered = {k: signed[k] for k in reversed(list(signed))}
    reordered["object"] = {k: signed["object"][k] for k in reversed(list(signed["object"]))}

    assert verify_proof(reordered, key.public_key(), NOW)


def test_verify_proof__checks_the_first_usable_proof_of_a_list(key):
    signed = sign_proof(_activity(), "https://a.example/users/alice#ed25519-key", key, NOW)
    rsa_proof = {"type": "RsaSignature2017", "creator": "https://a.example/users/alice#main-key"}
    signed["proof"] = [rsa_proof, signed["proof"]]

    assert verify_proof(signed, key.public_key(), NOW) == "https://a.example/users/alice#ed25519-key"


def test_verify_proof__allows_a_context_extended_after_signing(key):
    # §3.3.2 step 4: the document's @context need only start with the proof's.
    signed = sign_proof(_activity(), "https://a.example/users/alice#ed25519-key", key, NOW)
    signed["@context"] = signed["@context"] + ["https://w3id.org/security/data-integrity/v2"]

    assert verify_proof(signed, key.public_key(), NOW)


def test_verify_proof__leaves_out_a_linked_data_signature_added_after_the_proof(key):
    # FEP-8b32 "Backward compatibility": Fedify and Mastodon add an RsaSignature2017 after the proof.
    signed = sign_proof(_activity(), "https://a.example/users/alice#ed25519-key", key, NOW)
    signed["signature"] = {"type": "RsaSignature2017", "creator": "https://a.example/users/alice#main-key",
                           "created": "2023-02-25T23:36:39Z", "signatureValue": "c2lnbmVk"}

    assert verify_proof(signed, key.public_key(), NOW)
    assert "signature" not in sign_proof(signed, "https://a.example/users/alice#ed25519-key", key, NOW)


# --- refusals -------------------------------------------------------------------------------


def _set(path: tuple, value):
    def change(document: dict) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return change


def _drop(path: tuple):
    def change(document: dict) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
    return change


TAMPERING = {
    "content": _set(("object", "content"), "<p>changed</p>"),
    "actor": _set(("actor",), "https://a.example/users/mallory"),
    "id": _set(("id",), "https://a.example/activities/2"),
    "type": _set(("type",), "Update"),
    "audience": _set(("to",), []),
    "added field": _set(("cc",), ["https://a.example/users/alice/followers"]),
    "removed field": _drop(("object", "tag")),
    "boolean": _set(("object", "sensitive"), True),
    "integer": _set(("object", "likes"), 4),
    "float": _set(("object", "rating"), 4.25),
    "null": _set(("object", "summary"), ""),
    "a signature that is not an LD signature": _set(("signature",), "z123"),
    "context entry": _set(("@context", 1), {"Hashtag": "as:Tag"}),
    "context of the proof": _set(("proof", "@context"), ["https://www.w3.org/ns/activitystreams"]),
    "proof created": _set(("proof", "created"), "2020-01-01T00:00:00Z"),
    "proof key": _set(("proof", "verificationMethod"), "https://a.example/users/alice#other-key"),
    "proof extra field": _set(("proof", "nonce"), "1"),
    "proof without created": _drop(("proof", "created")),
    "proof purpose": _set(("proof", "proofPurpose"), "authentication"),
    "cryptosuite": _set(("proof", "cryptosuite"), "eddsa-rdfc-2022"),
    "proof type": _set(("proof", "type"), "Ed25519Signature2020"),
}


@pytest.mark.parametrize("change", TAMPERING.values(), ids=TAMPERING.keys())
def test_verify_proof__refuses_a_document_changed_after_signing(key, change):
    signed = sign_proof(_activity(), "https://a.example/users/alice#ed25519-key", key, NOW)
    change(signed)

    with pytest.raises(SignatureError):
        verify_proof(signed, key.public_key(), NOW)


def test_verify_proof__refuses_another_key(key):
    signed = sign_proof(_activity(), "https://a.example/users/alice#ed25519-key", key, NOW)

    with pytest.raises(SignatureError, match="proof does not verify"):
        verify_proof(signed, ed25519.Ed25519PrivateKey.generate().public_key(), NOW)


@pytest.mark.parametrize(
    ("proof_change", "reason"),
    [
        ({"cryptosuite": "ecdsa-jcs-2019"}, "unsupported cryptosuite"),
        ({"type": "Ed25519Signature2020"}, "unsupported proof type"),
        ({"proofPurpose": "authentication"}, "unsupported proof purpose"),
        ({"verificationMethod": {"id": "https://a.example/k"}}, "proof has no verificationMethod"),
        ({"proofValue": "u" + "A" * 86}, "proofValue must be multibase base58btc"),
        ({"proofValue": None}, "proofValue must be multibase base58btc"),
        ({"proofValue": "z" + "1" * 200}, "proofValue must be multibase base58btc"),
        ({"proofValue": "z0OIl"}, "proofValue is not valid base58"),
        ({"proofValue": "z" + base58.b58encode(bytes(63)).decode()}, "proofValue is not an Ed25519 signature"),
        ({"created": "yesterday"}, "proof created is not a date-time"),
        ({"created": "2024-01-01"}, "proof created is not a date-time"),
        ({"created": "2024-01-01T00:00:00"}, "proof created is not a date-time"),
        ({"created": 1700000000}, "proof created is not a date-time"),
        ({"expires": "2023-01-01T00:00:00Z"}, "proof has expired"),
    ],
)
def test_verify_proof__refuses_with_the_reason(key, proof_change, reason):
    signed = sign_proof(_activity(), "https://a.example/users/alice#ed25519-key", key, NOW)
    signed["proof"] |= proof_change

    with pytest.raises(SignatureError) as refused:
        verify_proof(signed, key.public_key(), NOW)
    assert refused.value.message == reason


def test_verify_proof__refuses_a_document_without_a_proof(key):
    with pytest.raises(SignatureError, match="no integrity proof"):
        verify_proof(_activity(), key.public_key(), NOW)


def test_verify_proof__refuses_a_proof_dated_more_than_an_hour_ahead(key):
    signed = sign_proof(_activity(), "https://a.example/users/alice#ed25519-key", key, NOW + 3601)
    almost = sign_proof(_activity(), "https://a.example/users/alice#ed25519-key", key, NOW + 3599)

    with pytest.raises(SignatureError, match="proof created in the future"):
        verify_proof(signed, key.public_key(), NOW)
    assert verify_proof(almost, key.public_key(), NOW)


def test_verify_proof__refuses_a_document_jcs_cannot_represent(key):
    # RFC 8785 numbers are IEEE 754 doubles: an integer past 2**53 has no exact canonical form.
    signed = sign_proof(_activity(), "https://a.example/users/alice#ed25519-key", key, NOW)
    signed["object"]["likes"] = 2**53 + 1

    with pytest.raises(SignatureError, match="cannot be canonicalized"):
        verify_proof(signed, key.public_key(), NOW)
