"""A security key in software, for tests that speak WebAuthn without a browser: it answers the
server's options as an authenticator and the browser together would (a P-256 key, "none"
attestation, user present and verified), counting its signatures."""

import base64
import hashlib
import json
import secrets

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP_UV = 0x01 | 0x04
ATTESTED = 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftKey:
    def __init__(self, origin: str):
        self.origin = origin
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(16)
        self.sign_count = 0

    def _client_data(self, kind: str, options: dict, origin: str | None) -> bytes:
        body = {"type": kind, "challenge": options["challenge"], "origin": origin or self.origin, "crossOrigin": False}
        return json.dumps(body).encode()

    def _cose_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _auth_data(self, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + self.sign_count.to_bytes(4, "big") + attested

    def create(self, options: dict, origin: str | None = None) -> str:
        """The answer to navigator.credentials.create(options), as the page script posts it."""
        attested = bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id + self._cose_key()
        auth_data = self._auth_data(options["rp"]["id"], UP_UV | ATTESTED, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options, origin)
        return json.dumps({
            "id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
            "response": {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation), "transports": ["usb"]},
            "clientExtensionResults": {},
        })

    def get(self, options: dict, origin: str | None = None) -> str:
        """The answer to navigator.credentials.get(options): a signature, the count one higher."""
        self.sign_count += 1
        auth_data = self._auth_data(options["rpId"], UP_UV)
        client_data = self._client_data("webauthn.get", options, origin)
        signature = self.private_key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return json.dumps({
            "id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data), "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
            },
            "clientExtensionResults": {},
        })
