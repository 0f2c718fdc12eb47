"""Key generation, PEM loading and the FEP-521a multibase form (redfed.protocol.keys)."""

import base58
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from redfed.errors import RedfedError, SignatureError
from redfed.protocol import keys

# RFC 9421 Appendix B.1.4, "test-key-ed25519".
RFC9421_ED25519_PUBLIC = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----
"""

# A did:key Ed25519 key published with both forms: its raw key as publicKeyBase58 and the
# multibase (did:key:z6Mk...) identifier (openwallet-foundation/acapy,
# aries_cloudagent/did/tests/test_dids.py, DID_ED25519_z6MkmjY8...).
DID_KEY_RAW_BASE58 = "8HH5gYEeNc3z7PYXmd54d4x6qAfCNrqQqEB3nS7Zfu7K"
DID_KEY_MULTIBASE = "z6MkmjY8GnV5i9YTDtPETC2uUAW6ejw3nk5mXF5yci5ab7th"


def _pem_from_raw(raw: bytes) -> str:
    key = ed25519.Ed25519PublicKey.from_public_bytes(raw)
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem.decode("ascii")


def test_generate_rsa_keypair__gives_2048_bit_pkcs8_and_spki_pems():
    private_pem, public_pem = keys.generate_rsa_keypair()

    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    private_key = keys.load_private_key(private_pem)
    assert isinstance(private_key, rsa.RSAPrivateKey) and private_key.key_size == 2048
    assert keys.load_public_key(public_pem).public_numbers() == private_key.public_key().public_numbers()


def test_generate_ed25519_keypair__gives_matching_pkcs8_and_spki_pems():
    private_pem, public_pem = keys.generate_ed25519_keypair()

    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    private_key = keys.load_private_key(private_pem)
    signature = private_key.sign(b"hello")
    keys.load_public_key(public_pem).verify(signature, b"hello")  # raises if they do not match


def test_load_private_key__is_memoised():
    private_pem, _ = keys.generate_rsa_keypair()

    assert keys.load_private_key(private_pem) is keys.load_private_key(private_pem)


def test_load_public_key__is_memoised():
    _, public_pem = keys.generate_rsa_keypair()

    assert keys.load_public_key(public_pem) is keys.load_public_key(public_pem)


def test_load_caches__are_bounded():
    assert keys.load_private_key.cache_info().maxsize is not None
    assert keys.load_public_key.cache_info().maxsize is not None


@pytest.mark.parametrize(
    "garbage", ["", "not a key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "ключ"]
)
def test_load_public_key__rejects_garbage_pem(garbage):
    with pytest.raises(SignatureError) as err:
        keys.load_public_key(garbage)
    assert err.value.message == "unusable public key"


def test_load_private_key__rejects_garbage_pem_as_our_own_fault():
    with pytest.raises(RedfedError) as err:
        keys.load_private_key("not a key")
    assert err.value.message == "unusable private key"
    assert err.value.status == 500


def test_ed25519_public_multibase__matches_published_did_key():
    public_pem = _pem_from_raw(base58.b58decode(DID_KEY_RAW_BASE58))

    assert keys.ed25519_public_multibase(public_pem) == DID_KEY_MULTIBASE


def test_ed25519_public_multibase__starts_with_z6mk():
    assert keys.ed25519_public_multibase(RFC9421_ED25519_PUBLIC).startswith("z6Mk")


def test_ed25519_public_multibase__refuses_rsa_keys():
    _, public_pem = keys.generate_rsa_keypair()

    with pytest.raises(ValueError):
        keys.ed25519_public_multibase(public_pem)


def test_ed25519_public_from_multibase__inverts_the_encoding():
    _, public_pem = keys.generate_ed25519_keypair()
    value = keys.ed25519_public_multibase(public_pem)

    key = keys.ed25519_public_from_multibase(value)

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert _pem_from_raw(raw) == public_pem


def test_ed25519_public_from_multibase__decodes_published_did_key():
    key = keys.ed25519_public_from_multibase(DID_KEY_MULTIBASE)

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert raw == base58.b58decode(DID_KEY_RAW_BASE58)


def _z(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode("ascii")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("u7QEAAAA", "publicKeyMultibase must be base58btc"),
        ("z0OIl", "publicKeyMultibase is not valid base58"),
        ("zé", "publicKeyMultibase is not valid base58"),
        # secp256k1-pub multicodec (0xe7 0x01): a multikey, but not Ed25519.
        (_z(b"\xe7\x01" + bytes(33)), "publicKeyMultibase is not an Ed25519 key"),
        (_z(b"\xed\x01" + bytes(31)), "publicKeyMultibase has the wrong key length"),
        (_z(b"\xed\x01" + bytes(33)), "publicKeyMultibase has the wrong key length"),
    ],
)
def test_ed25519_public_from_multibase__rejects_bad_values(value, reason):
    with pytest.raises(SignatureError) as err:
        keys.ed25519_public_from_multibase(value)
    assert err.value.message == reason
