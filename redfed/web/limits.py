"""Limits on request bodies (layer 6): how long one may take to arrive, and how many may be
arriving at once.

A client that sends its body slowly holds a request (a task and the bytes buffered so far, up to
its route's size limit) until Quart's body timeout answers 408. Each such client is cheap, but
nothing bounded how many there could be: enough of them hold memory without limit.

The bound is an ASGI middleware around the app with a plain counter. The app runs on one event
loop and nothing awaits between checking the counter and raising it, so no lock or semaphore is
needed. A request counts from the moment its headers are in, if it declares a body, until its
last body chunk has arrived (or its client has gone, or the app is done with it). A request that
finds the bound reached is answered at once with 503 and Retry-After, without reading its body:
queueing it for a slot would make every writer wait behind the trickling clients. Requests
without a body (GETs, streaming) never count, so reading the instance is never refused; fast
bodies count only for the moments they take to arrive.
"""

import json
import logging
import time

from quart import Quart

from ..config import ServerConfig
from .errors import RETRY_AFTER_SECONDS

log = logging.getLogger(__name__)

BUSY = "too many requests are sending their bodies at once; try again shortly"
_NO_BODY_METHODS = ("GET", "HEAD", "OPTIONS")


def install(app: Quart, server: ServerConfig) -> None:
    """Give `app` the body timeout and the bound on bodies in flight of the [server] config."""
    app.config["BODY_TIMEOUT"] = server.body_timeout_seconds
    app.asgi_app = BodyBound(app.asgi_app, server.max_concurrent_bodies)


class BodyBound:
    """ASGI middleware: at most `limit` requests receiving their bodies at once; 503 beyond."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit
        self.in_flight = 0
        self._quiet_until = 0.0  # a warning a minute at most, however many are refused

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not _declares_body(scope):
            return await self.app(scope, receive, send)
        if self.in_flight >= self.limit:
            return await self._refuse(send)
        self.in_flight += 1
        counted = True

        def release() -> None:
            nonlocal counted
            if counted:
                counted = False
                self.in_flight -= 1

        async def receive_counted():
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                release()
            return message

        try:
            await self.app(scope, receive_counted, send)
        finally:
            release()

    async def _refuse(self, send) -> None:
        now = time.monotonic()
        if now >= self._quiet_until:
            self._quiet_until = now + 60
            log.warning("%d request bodies arriving at once (server.max_concurrent_bodies): more get 503", self.limit)
        body = json.dumps({"error": BUSY}).encode()
        headers = [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(RETRY_AFTER_SECONDS).encode()), (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _declares_body(scope) -> bool:
    headers = dict(scope["headers"])
    length = headers.get(b"content-length")
    if length is not None:
        return not length.strip().isdigit() or int(length) > 0
    if b"transfer-encoding" in headers:
        return True
    # HTTP/2 and 3 may send a body with neither header.
    return scope.get("http_version") not in ("1.0", "1.1") and scope["method"] not in _NO_BODY_METHODS
