"""Counting and timing every HTTP request by route group (layer 6), for the metrics.

Groups, not paths: a label per path would grow with every post and account. A request is timed
from its arrival to the end of its answer; the streaming API and the other long-lived answers
have a group of their own so that they do not drown the latency of the rest.
"""

import time

from ..services.operations.metrics import Metrics

_PREFIXES = (
    ("/api/v1/streaming", "streaming"),
    ("/api/", "api"),
    ("/oauth/", "api"),
    ("/.well-known/", "wellknown"),
    ("/nodeinfo/", "wellknown"),
    ("/health", "health"),
    ("/metrics", "health"),
    ("/media/", "media"),
    ("/files/", "media"),
    ("/static/", "static"),
)


def route_group(path: str, accept: str) -> str:
    if path.endswith("/inbox") or path == "/inbox":
        return "inbox"
    for prefix, group in _PREFIXES:
        if path.startswith(prefix):
            return group
    if "activity+json" in accept or "ld+json" in accept:
        return "activitypub"
    return "pages"


def install(app, metrics: Metrics) -> None:
    inner = app.asgi_app

    async def timed(scope, receive, send):
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        accept = dict(scope.get("headers") or ()).get(b"accept", b"").decode("latin-1")
        group = route_group(scope.get("path", ""), accept)
        status = 500  # a request the app fails before answering
        started = time.perf_counter()

        async def noting_status(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await inner(scope, receive, noting_status)
        finally:
            metrics.observe_request(group, scope.get("method", "GET"), status, time.perf_counter() - started)

    app.asgi_app = timed
