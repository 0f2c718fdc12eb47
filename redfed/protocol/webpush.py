"""Web Push message encryption and VAPID signing (layer 1) - pure, no network.

Two encodings, because Mastodon speaks both: RFC 8291 `aes128gcm` for subscriptions made with
`standard=true` (Mastodon 4.4 onwards), and the older draft `aesgcm` for the rest, which is what
every app written against Mastodon 4.3 and earlier decrypts. The content coding is http-ece's and
the VAPID token (RFC 8292) py-vapid's; this module picks the headers each encoding goes with.
"""

import base64
import binascii
import os
from dataclasses import dataclass

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid01, Vapid02

AUTH_SECRET_BYTES = 16
# How long a push service keeps a message for a device that is offline (Mastodon's value).
TTL_SECONDS = 48 * 3600
# A VAPID token is valid for at most 24 h (RFC 8292 §2); 12 h leaves room for clock skew.
TOKEN_SECONDS = 12 * 3600


class BadSubscriptionKey(ValueError):
    """The subscriber's public key or auth secret cannot be used."""


@dataclass(frozen=True)
class PushMessage:
    body: bytes
    headers: dict[str, str]


def decode_b64(text: str) -> bytes:
    """Base64 as apps send it: URL-safe or standard, padded or not."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise BadSubscriptionKey("not base64") from None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def check_subscriber_keys(p256dh: str, auth: str) -> None:
    """Raise BadSubscriptionKey unless p256dh is a P-256 point and auth a 16-byte secret."""
    _public_key(p256dh)
    if len(decode_b64(auth)) != AUTH_SECRET_BYTES:
        raise BadSubscriptionKey(f"the auth secret must be {AUTH_SECRET_BYTES} bytes")


def _public_key(p256dh: str) -> ec.EllipticCurvePublicKey:
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), decode_b64(p256dh))
    except ValueError:
        raise BadSubscriptionKey("the public key is not a P-256 point") from None


class VapidKey:
    """The instance's VAPID key pair, loaded once (parsing is cheap, but signing needs the object)."""

    def __init__(self, private_raw: str):
        self._standard = Vapid02.from_raw(private_raw.encode())
        self._draft = Vapid01(self._standard.private_key)
        point = self._standard.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        # Mastodon shows the key URL-safe and padded; browsers' applicationServerKey accepts it.
        self.public_key = base64.urlsafe_b64encode(point).decode()

    @staticmethod
    def generate() -> str:
        """A new private key, as the raw base64url scalar that `VapidKey()` takes."""
        private = ec.generate_private_key(ec.SECP256R1())
        return _b64url(private.private_numbers().private_value.to_bytes(32, "big"))

    def sign(self, endpoint_origin: str, subject: str, now: float, *, standard: bool) -> dict[str, str]:
        claims = {"aud": endpoint_origin, "sub": subject, "exp": int(now) + TOKEN_SECONDS}
        signer = self._standard if standard else self._draft
        # `no-strict`: py-vapid's own check of `sub` refuses instance URLs on loopback or plain http.
        signer.conf = {"no-strict": True}
        return signer.sign(claims)


def encrypt(payload: bytes, p256dh: str, auth: str, *, standard: bool) -> tuple[bytes, dict[str, str]]:
    """The encrypted body and the content-coding headers for one subscriber (a fresh salt and
    sender key each time, as both encodings require)."""
    sender = ec.generate_private_key(ec.SECP256R1())
    salt = os.urandom(16)
    version = "aes128gcm" if standard else "aesgcm"
    body = http_ece.encrypt(
        payload, salt=salt, private_key=sender, dh=decode_b64(p256dh), auth_secret=decode_b64(auth), version=version
    )
    headers = {"Content-Encoding": version, "Content-Type": "application/octet-stream"}
    if not standard:
        # The draft carries salt and sender key in headers; aes128gcm puts them in the body.
        point = sender.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        headers["Encryption"] = f"salt={_b64url(salt)}"
        headers["Crypto-Key"] = f"dh={_b64url(point)}"
    return body, headers


def message(
    payload: bytes, p256dh: str, auth: str, vapid: VapidKey, endpoint_origin: str, subject: str, now: float,
    *, standard: bool, urgency: str = "normal",
) -> PushMessage:
    """Everything to POST to a subscription's endpoint: encrypted body, VAPID and Web Push headers."""
    body, headers = encrypt(payload, p256dh, auth, standard=standard)
    signed = vapid.sign(endpoint_origin, subject, now, standard=standard)
    headers["Authorization"] = signed["Authorization"]
    if not standard:
        # The draft names the VAPID key beside the sender key: "dh=…;p256ecdsa=…".
        headers["Crypto-Key"] = f"{headers['Crypto-Key']};{signed['Crypto-Key']}"
    headers.update(TTL=str(TTL_SECONDS), Urgency=urgency)
    return PushMessage(body, headers)
