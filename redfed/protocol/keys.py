"""Key pairs and their serialised forms (layer 1, protocol).

Owns generating RSA and Ed25519 key pairs as PEM, loading PEM into `cryptography` key objects, and
the FEP-521a `publicKeyMultibase` form of Ed25519 public keys. Pure: no network, no database.

Loaded keys are memoised: loading a private key from PEM costs about 34 ms (cryptography validates
the RSA key), which would cap outgoing deliveries at about 30 per second if paid per request.
"""

from functools import lru_cache

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from ..errors import RedfedError, SignatureError

PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey

# Multicodec "ed25519-pub" (0xed) as an unsigned varint, then the raw 32-byte key
# (FEP-521a, https://codeberg.org/fediverse/fep/src/branch/main/fep/521a/fep-521a.md).
_ED25519_MULTICODEC = b"\xed\x01"
_ED25519_KEY_BYTES = 32
# Multibase prefix for base58btc (the Bitcoin alphabet).
_BASE58BTC = "z"

# Bounded so a flood of distinct remote keys cannot grow memory without limit.
_CACHE_SIZE = 1024


def generate_rsa_keypair() -> tuple[str, str]:
    """A new RSA-2048 key pair as (private PKCS#8 PEM, public SubjectPublicKeyInfo PEM)."""
    return _to_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))


def generate_ed25519_keypair() -> tuple[str, str]:
    """A new Ed25519 key pair as (private PKCS#8 PEM, public SubjectPublicKeyInfo PEM)."""
    return _to_pem(ed25519.Ed25519PrivateKey.generate())


def _to_pem(private_key: PrivateKey) -> tuple[str, str]:
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem.decode("ascii"), public_pem.decode("ascii")


@lru_cache(maxsize=_CACHE_SIZE)
def load_private_key(pem: str) -> PrivateKey:
    """Our own RSA or Ed25519 private key; a broken one is our fault (500), not the client's."""
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise RedfedError("unusable private key") from exc
    if not isinstance(key, (rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)):
        raise RedfedError("unsupported private key type")
    return key


@lru_cache(maxsize=_CACHE_SIZE)
def load_public_key(pem: str) -> PublicKey:
    """An RSA or Ed25519 public key from PEM (SubjectPublicKeyInfo, or PKCS#1 for RSA)."""
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise SignatureError("unusable public key") from exc
    if not isinstance(key, (rsa.RSAPublicKey, ed25519.Ed25519PublicKey)):
        raise SignatureError("unsupported public key type")
    return key


def ed25519_public_multibase(public_pem: str) -> str:
    """The FEP-521a `publicKeyMultibase` value of an Ed25519 public key ("z6Mk...")."""
    key = load_public_key(public_pem)
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise ValueError("publicKeyMultibase needs an Ed25519 key")
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _BASE58BTC + base58.b58encode(_ED25519_MULTICODEC + raw).decode("ascii")


def ed25519_public_from_multibase(value: str) -> ed25519.Ed25519PublicKey:
    """Inverse of `ed25519_public_multibase`; the value comes from remote documents."""
    if not isinstance(value, str) or not value.startswith(_BASE58BTC):
        raise SignatureError("publicKeyMultibase must be base58btc")
    try:
        decoded = base58.b58decode(value[1:])
    except ValueError as exc:
        raise SignatureError("publicKeyMultibase is not valid base58") from exc
    if not decoded.startswith(_ED25519_MULTICODEC):
        raise SignatureError("publicKeyMultibase is not an Ed25519 key")
    raw = decoded[len(_ED25519_MULTICODEC):]
    if len(raw) != _ED25519_KEY_BYTES:
        raise SignatureError("publicKeyMultibase has the wrong key length")
    return ed25519.Ed25519PublicKey.from_public_bytes(raw)
