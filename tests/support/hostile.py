"""A hostile remote server on loopback, and signed inbox POSTs a test can tamper with.

`HostileServer` is a small aiohttp server on an ephemeral 127.0.0.1 port, in a thread and event
loop of its own (like LiveInstance), so synchronous tests can drive it. It serves whatever documents
the test puts on it (actors with real RSA keys, key documents claiming someone else, 410s) and
records every request it receives, so a test can assert that no fetch happened. POSTs to a path
ending in /inbox are answered 202, so deliveries from the instance under test land here too.

`sign_post` signs an inbox POST for real, with redfed's own signers in either style; the
`SignedPost` it returns can then be changed (body, headers) before `send()`, and `resign()` makes a
draft-cavage signature over chosen headers with an implementation of the draft written here, so a
test can produce a signature that is valid but covers too little.
"""

import asyncio
import base64
import functools
import hashlib
import http.client
import itertools
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from redfed.protocol import keys
from redfed.protocol.keys import generate_rsa_keypair
from redfed.protocol.signatures import SigningKey, sign_request, sign_request_rfc9421

from .http import Reply
from .loopback import LoopbackServer

AP = "application/activity+json"
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class HostileServer(LoopbackServer):
    name = "hostile-remote"
    client_max_size = 16 * 1024 * 1024

    def __init__(self):
        self.routes: dict[str, tuple[int, bytes, str]] = {}
        self.received: list[Received] = []
        self.inbox_delay = 0.0  # seconds an inbox POST takes to answer, for a fan-out slow enough to interrupt
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        super().__init__()

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_route("*", "/{tail:.*}", self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        with self._lock:
            self.received.append(Received(request.method, request.path, dict(request.headers), body))
            route = self.routes.get(request.path)
        if request.method == "POST" and request.path.endswith("/inbox"):
            await asyncio.sleep(self.inbox_delay)
            return web.Response(status=202)
        if request.method != "GET" or route is None:
            return web.Response(status=404, text="not here")
        status, payload, content_type = route
        return web.Response(status=status, body=payload, headers={"Content-Type": content_type})

    # what it serves ------------------------------------------------------------------------

    @property
    def domain(self) -> str:
        return self.base_url.removeprefix("http://")

    def url(self, path: str) -> str:
        return self.base_url + path

    def new_id(self, kind: str = "activities") -> str:
        return self.url(f"/{kind}/{next(self._ids)}")

    def serve(self, path: str, document: dict, *, status: int = 200, content_type: str = AP) -> None:
        with self._lock:
            self.routes[path] = (status, json.dumps(document).encode(), content_type)

    def serve_bytes(self, path: str, body: bytes, content_type: str) -> None:
        """A file (a photo) at `path`, as it is."""
        with self._lock:
            self.routes[path] = (200, body, content_type)

    def gone(self, path: str) -> None:
        with self._lock:
            self.routes[path] = (410, b'{"error": "gone"}', "application/json")

    def add_actor(self, username: str, *, publish: bool = True) -> "RemoteActor":
        actor = RemoteActor(self, username, *rsa_pair(username))
        if publish:
            actor.publish()
        return actor

    def serve_key(self, path: str, owner: str, public_pem: str) -> str:
        """A standalone key document at `path` that names `owner` as its owner; returns its id."""
        key_id = self.url(path)
        self.serve(path, {"@context": "https://w3id.org/security/v1", "id": key_id, "type": "Key",
                          "owner": owner, "publicKeyPem": public_pem})
        return key_id

    # what it saw ---------------------------------------------------------------------------

    def requests(self, path: str | None = None, method: str | None = None) -> list[Received]:
        with self._lock:
            seen = list(self.received)
        return [r for r in seen if (path is None or r.path == path) and (method is None or r.method == method)]

    def fetches(self, path: str | None = None) -> int:
        """How many GETs arrived (for `path`, or for anything)."""
        return len(self.requests(path, "GET"))


@dataclass
class RemoteActor:
    server: HostileServer
    username: str
    private_pem: str
    public_pem: str
    rotations: int = 0

    @property
    def path(self) -> str:
        return f"/users/{self.username}"

    @property
    def uri(self) -> str:
        return self.server.url(self.path)

    @property
    def key_id(self) -> str:
        return self.uri + "#main-key"

    @property
    def signing_key(self) -> SigningKey:
        return SigningKey(self.key_id, self.private_pem)

    def document(self) -> dict:
        return {
            "@context": [AS_CONTEXT, "https://w3id.org/security/v1"],
            "id": self.uri,
            "type": "Person",
            "preferredUsername": self.username,
            "inbox": self.uri + "/inbox",
            "outbox": self.uri + "/outbox",
            "followers": self.uri + "/followers",
            "endpoints": {"sharedInbox": self.server.url("/inbox")},
            "publicKey": {"id": self.key_id, "owner": self.uri, "publicKeyPem": self.public_pem},
        }

    def publish(self) -> None:
        self.server.serve(self.path, self.document())

    def rotate_key(self) -> None:
        """A new key pair under the same key id, as Mastodon rotates: the old key stops working."""
        self.rotations += 1
        self.private_pem, self.public_pem = rsa_pair(f"{self.username} rotated {self.rotations}")
        self.publish()

    def activity(self, kind: str, obj, **extra) -> dict:
        return {"@context": AS_CONTEXT, "id": self.server.new_id(), "type": kind, "actor": self.uri,
                "object": obj, **extra}

    def note(self, content: str = "hello", **extra) -> dict:
        return {"id": self.server.new_id("notes"), "type": "Note", "attributedTo": self.uri,
                "content": content, "to": [PUBLIC], "published": "2024-01-01T00:00:00Z", **extra}

    def create(self, note: dict, **extra) -> dict:
        return self.activity("Create", note, to=[PUBLIC], **extra)


# signed inbox POSTs --------------------------------------------------------------------------


@dataclass
class SignedPost:
    url: str
    headers: dict[str, str]
    body: bytes
    key: SigningKey

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def set_header(self, name: str, value: str) -> "SignedPost":
        self.drop_header(name)
        self.headers[name] = value
        return self

    def drop_header(self, name: str) -> "SignedPost":
        self.headers = {k: v for k, v in self.headers.items() if k.lower() != name.lower()}
        return self

    def set_signature_param(self, name: str, value: str) -> "SignedPost":
        """Change one parameter of a cavage Signature header, leaving the signature as it was."""
        params = _parse_params(self.header("Signature"))
        params[name] = value
        return self.set_header("Signature", ",".join(f'{k}="{v}"' for k, v in params.items()))

    def resign(self, covered: Iterable[str], *, algorithm: str = "rsa-sha256") -> "SignedPost":
        """A fresh, valid draft-cavage signature over `covered`, with the headers as they are now."""
        covered = list(covered)
        message = _cavage_signing_string(covered, self.headers, "POST", self.url)
        private_key = keys.load_private_key(self.key.private_pem)
        signature = base64.b64encode(private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
        return self.set_header(
            "Signature",
            f'keyId="{self.key.key_id}",algorithm="{algorithm}",headers="{" ".join(covered)}",signature="{signature}"',
        )

    def send(self, *, timeout: float = 10) -> Reply:
        return _request(self.url, self.headers, self.body, timeout=timeout)

    def send_chunked(self, chunk_size: int = 64 * 1024, *, timeout: float = 10) -> Reply:
        """The same request with Transfer-Encoding: chunked and no Content-Length."""
        chunks = (self.body[i:i + chunk_size] for i in range(0, len(self.body), chunk_size))
        return _request(self.url, self.headers, chunks, timeout=timeout)


def sign_post(
    url: str, activity: dict | bytes, key: SigningKey, now: float, *, style: str = "cavage", content_type: str = AP
) -> SignedPost:
    """An inbox POST of `activity` (a dict, or raw bytes sent as they are) signed with `key` at `now`."""
    body = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
    sign = {"cavage": sign_request, "rfc9421": sign_request_rfc9421}[style]
    headers = sign("POST", url, {"Content-Type": content_type}, body, key, now)
    return SignedPost(url, headers, body, key)


@functools.cache
def rsa_pair(label: str) -> tuple[str, str]:
    """The RSA key pair (private PEM, public PEM) for `label`, made once per test run: each costs
    about 0.1 s to generate, and every test starts fresh instances that have never seen it.
    (Bound at import, so it keeps working while a test replaces keys.generate_rsa_keypair.)"""
    return generate_rsa_keypair()


def sha512_digest(body: bytes) -> str:
    return "SHA-512=" + base64.b64encode(hashlib.sha512(body).digest()).decode()


def _cavage_signing_string(covered: list[str], headers: dict[str, str], method: str, url: str) -> bytes:
    # draft-cavage-http-signatures-12 section 2.3: one "name: value" line per covered header.
    lowered = {k.lower(): v.strip() for k, v in headers.items()}
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = []
    for name in covered:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        else:
            lines.append(f"{name}: {lowered[name]}")
    return "\n".join(lines).encode("ascii")


def _parse_params(value: str | None) -> dict[str, str]:
    params = {}
    for part in (value or "").split('",'):
        name, _, raw = part.partition("=")
        params[name.strip()] = raw.strip().strip('"')
    return params


def _request(url: str, headers: dict[str, str], body, *, timeout: float) -> Reply:
    """POST with http.client, chunked when `body` is an iterator of chunks. A server may answer 413
    and stop reading before the whole body is written; its answer is still read then."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        try:
            conn.request("POST", target, body=body, headers=headers, encode_chunked=not isinstance(body, bytes))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading; its answer is what the test wants
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()
