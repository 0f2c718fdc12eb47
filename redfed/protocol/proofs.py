"""FEP-8b32 Object Integrity Proofs with the eddsa-jcs-2022 cryptosuite (layer 1, protocol).

Owns making and checking a `proof` embedded in an activity, per W3C Data Integrity EdDSA
Cryptosuites v1.0, section 3.3 (eddsa-jcs-2022):

- the proof configuration is the proof without `proofValue`, carrying the document's `@context`
  (a proof that brings its own `@context` must be a prefix of the document's, which it then
  replaces in the document, as §3.3.2 step 4 says);
- the data signed is SHA-256(JCS(proof configuration)) || SHA-256(JCS(document without `proof`)),
  JCS being RFC 8785, done by the `rfc8785` library. A Linked Data Signature (`signature`, which
  Mastodon and Fedify add after the proof) is left out too, as FEP-8b32 requires;
- `proofValue` is the Ed25519 signature, multibase base58btc ("z...").

Pure: no network, no database; the caller resolves the key named by `proof_key_id` and passes the
time in. Every refusal raises errors.SignatureError with a reason that is safe to show the sender.
"""

import copy
import hashlib
from datetime import datetime, timezone

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from ..errors import SignatureError
from .as2 import AS_CONTEXT

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
PURPOSE = "assertionMethod"
# The context that defines `proof` and its terms: without it a JSON-LD reader (Fedify) drops the proof.
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v1"

# A proof may be dated up to an hour ahead of our clock, the skew HTTP signatures get too.
_MAX_SKEW_SECONDS = 3600
_SIGNATURE_BYTES = 64
# base58 decoding is quadratic in the length; 64 bytes take at most 88 characters.
_MAX_PROOF_VALUE = 100
# FEP-8b32: objects SHOULD NOT carry more than one proof; a long list only costs us.
_MAX_PROOFS = 8
_BASE58BTC = "z"


def proof_key_id(document: dict) -> str | None:
    """The `verificationMethod` of the proof `verify_proof` would check, or None when none is usable."""
    try:
        return _usable_proof(document)["verificationMethod"]
    except SignatureError:
        return None


def verify_proof(document: dict, public_key: ed25519.Ed25519PublicKey, now: float) -> str:
    """The key id (`verificationMethod`) of the document's proof, once it verifies with `public_key`."""
    proof = _usable_proof(document)
    signature = _decode_proof_value(proof.get("proofValue"))
    _check_times(proof, now)
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = _unsecured(document)
    if "@context" in config:
        if not _starts_with(unsecured.get("@context"), config["@context"]):
            raise SignatureError("proof @context does not match the document's")
        unsecured["@context"] = config["@context"]
    elif "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    try:
        public_key.verify(signature, _hash_data(config, unsecured))
    except InvalidSignature:
        raise SignatureError("proof does not verify") from None
    return proof["verificationMethod"]


def sign_proof(document: dict, key_id: str, private_key: ed25519.Ed25519PrivateKey, created: float) -> dict:
    """A copy of `document` with an eddsa-jcs-2022 proof by `key_id`, replacing any proof it had.

    A Linked Data Signature it carried is dropped: the new proof would invalidate it anyway, and
    FEP-8b32 has the signature made after the proof.
    """
    unsecured = copy.deepcopy(_unsecured(document))
    if "@context" in unsecured:
        unsecured["@context"] = _with_integrity_context(unsecured["@context"])
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "verificationMethod": key_id,
        "proofPurpose": PURPOSE,
        # Whole seconds: Fedify rebuilds `created` with Temporal's toString(), which drops ".000".
        "created": datetime.fromtimestamp(int(created), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if "@context" in unsecured:
        proof["@context"] = copy.deepcopy(unsecured["@context"])
    signature = private_key.sign(_hash_data(proof, unsecured))
    proof["proofValue"] = _BASE58BTC + base58.b58encode(signature).decode("ascii")
    return unsecured | {"proof": proof}


def _with_integrity_context(context):
    """An ActivityStreams document's @context with the data integrity context added, when it is
    not there yet (other vocabularies, as Verifiable Credentials, define `proof` themselves)."""
    contexts = context if isinstance(context, list) else [context]
    defined = any(isinstance(c, str) and c.startswith(DATA_INTEGRITY_CONTEXT.removesuffix("v1")) for c in contexts)
    if AS_CONTEXT not in contexts or defined:
        return context
    return [*contexts, DATA_INTEGRITY_CONTEXT]


def _unsecured(document: dict) -> dict:
    """The document without its proofs and without a Linked Data Signature (always an object)."""
    return {k: v for k, v in document.items() if k != "proof" and not (k == "signature" and isinstance(v, dict))}


def _usable_proof(document: dict) -> dict:
    """The first proof we can check, or a SignatureError giving the first one's reason why not."""
    proofs = document.get("proof") if isinstance(document, dict) else None
    candidates = proofs if isinstance(proofs, list) else [proofs] if proofs is not None else []
    if not candidates:
        raise SignatureError("no integrity proof")
    reason = None
    for proof in candidates[:_MAX_PROOFS]:
        problem = _unusable(proof)
        if problem is None:
            return proof
        reason = reason or problem
    raise SignatureError(reason or "no usable integrity proof")


def _unusable(proof) -> str | None:
    if not isinstance(proof, dict):
        return "proof must be an object"
    if proof.get("type") != PROOF_TYPE:
        return "unsupported proof type"
    if proof.get("cryptosuite") != CRYPTOSUITE:
        return "unsupported cryptosuite"
    if proof.get("proofPurpose") != PURPOSE:
        return "unsupported proof purpose"
    if not isinstance(proof.get("verificationMethod"), str) or not proof["verificationMethod"]:
        return "proof has no verificationMethod"
    return None


def _decode_proof_value(value) -> bytes:
    if not isinstance(value, str) or not value.startswith(_BASE58BTC) or len(value) > _MAX_PROOF_VALUE:
        raise SignatureError("proofValue must be multibase base58btc")
    try:
        signature = base58.b58decode(value[1:])
    except ValueError:
        raise SignatureError("proofValue is not valid base58") from None
    if len(signature) != _SIGNATURE_BYTES:
        raise SignatureError("proofValue is not an Ed25519 signature")
    return signature


def _check_times(proof: dict, now: float) -> None:
    created = _timestamp(proof, "created")
    if created is not None and created > now + _MAX_SKEW_SECONDS:
        raise SignatureError("proof created in the future")
    expires = _timestamp(proof, "expires")
    if expires is not None and expires < now - _MAX_SKEW_SECONDS:
        raise SignatureError("proof has expired")


def _timestamp(proof: dict, field: str) -> float | None:
    """An optional date-time with a time zone (XML Schema dateTimeStamp) as unix seconds."""
    if field not in proof:
        return None
    value = proof[field]
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) and "T" in value else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise SignatureError(f"proof {field} is not a date-time")
    return parsed.timestamp()


def _starts_with(document_context, proof_context) -> bool:
    """§3.3.2 step 4.1: the document's @context starts with the proof's, in the same order."""
    document_list = document_context if isinstance(document_context, list) else [document_context]
    proof_list = proof_context if isinstance(proof_context, list) else [proof_context]
    return document_context is not None and document_list[: len(proof_list)] == proof_list


def _hash_data(config: dict, unsecured: dict) -> bytes:
    """§3.3.4: the proof configuration's hash, then the document's, each over its JCS form."""
    try:
        return hashlib.sha256(rfc8785.dumps(config)).digest() + hashlib.sha256(rfc8785.dumps(unsecured)).digest()
    except (rfc8785.CanonicalizationError, UnicodeEncodeError):
        raise SignatureError("document cannot be canonicalized (RFC 8785)") from None
