"""A Web Push service on loopback, and a subscriber that decrypts what reaches it.

`PushService` plays the browser vendor's push service: an aiohttp server on an ephemeral
127.0.0.1 port, in a thread and event loop of its own, that records every message POSTed to it
and answers 201, or what the test sets for a path (404/410 for an expired subscription, 503 with
Retry-After for an overloaded service). `Subscriber` is the device: a real P-256 key pair and
auth secret made by Mastodon.py, which opens a message with the private key - with Mastodon.py's
own decrypt_push for the draft `aesgcm` encoding, with http-ece for RFC 8291 `aes128gcm` - and
checks its VAPID signature against the key the instance published.
"""

import base64
import itertools
import json
import threading
from dataclasses import dataclass

import http_ece
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec
from mastodon import Mastodon
from py_vapid import Vapid01, Vapid02

from .loopback import LoopbackServer


@dataclass(frozen=True)
class Message:
    path: str
    headers: dict[str, str]
    body: bytes


class PushService(LoopbackServer):
    name = "push-service"

    def __init__(self):
        self.received: list[Message] = []
        self.answers: dict[str, tuple[int, dict[str, str]]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        super().__init__()

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/{tail:.*}", self._receive)

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        with self._lock:
            self.received.append(Message(request.path, dict(request.headers), body))
            status, headers = self.answers.get(request.path, (201, {}))
        return web.Response(status=status, headers=headers)

    def new_endpoint(self) -> str:
        """A URL for one device, as a push service hands out."""
        return f"{self.base_url}/push/{next(self._ids)}"

    def answer(self, endpoint: str, status: int, headers: dict[str, str] | None = None) -> None:
        with self._lock:
            self.answers[endpoint.removeprefix(self.base_url)] = (status, headers or {})

    def messages(self, endpoint: str) -> list[Message]:
        path = endpoint.removeprefix(self.base_url)
        with self._lock:
            return [m for m in self.received if m.path == path]


class Subscriber:
    """A device's keys, as an app makes them and hands them to the instance."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self._mastodon = Mastodon(api_base_url="http://unused.invalid", version_check_mode="none")
        self.private, self.public = self._mastodon.push_subscription_generate_keys()

    def open(self, message: Message, server_key: str) -> dict:
        """The decrypted payload, after checking that the instance's VAPID key signed it."""
        encoding = message.headers["Content-Encoding"]
        if encoding == "aes128gcm":
            assert Vapid02.verify(message.headers["Authorization"]), "VAPID token does not verify"
            assert _vapid_key_of(message.headers["Authorization"]) == _unpadded(server_key)
            key = ec.derive_private_key(self.private["privkey"], ec.SECP256R1())
            plain = http_ece.decrypt(message.body, private_key=key, auth_secret=self.private["auth"], version="aes128gcm")
            return json.loads(plain)
        assert encoding == "aesgcm", encoding
        crypto_key = message.headers["Crypto-Key"]
        assert crypto_key.split("p256ecdsa=")[1] == _unpadded(server_key)
        token = message.headers["Authorization"].removeprefix("WebPush ")
        signed, signature = token.rsplit(".", 1)
        assert Vapid01.from_raw_public(_unpadded(server_key).encode()).verify_token(signed.encode(), signature)
        return dict(self._mastodon.push_subscription_decrypt_push(
            message.body, self.private, message.headers["Encryption"], crypto_key
        ))

    def claims(self, message: Message) -> dict:
        """The VAPID token's claims (aud, sub, exp)."""
        header = message.headers["Authorization"]
        token = header.split("t=")[1].split(",")[0] if header.startswith("vapid") else header.split(" ")[1]
        part = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _vapid_key_of(authorization: str) -> str:
    return authorization.split("k=")[1].split(",")[0]


def _unpadded(key: str) -> str:
    return key.rstrip("=")
