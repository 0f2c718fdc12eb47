"""Health, readiness and the Prometheus scrape (layer 6).

`/health` answers 200 while the process serves at all (liveness); `/health/ready` answers 200
only when the database, its migrations, the media store and the queue workers are all fine,
else 503 naming what is not (readiness). What went wrong (an address, a driver's message) is
shown only to a request bearing the metrics token, like the metrics themselves: the probes are
often public, behind the same proxy as everything else.
"""

import hmac

from quart import Blueprint, request

from ..errors import NotFound, Unauthorized
from ..services.operations import figures, health
from ..services.operations.metrics import CONTENT_TYPE
from .context import runtime

blueprint = Blueprint("operations", __name__)

_NO_STORE = {"Cache-Control": "no-store"}


@blueprint.get("/health")
async def liveness():
    # Mastodon's exact answer, which its clients check (Mastodon.py `instance_health`).
    return "OK", 200, {**_NO_STORE, "Content-Type": "text/plain; charset=utf-8"}


@blueprint.get("/health/ready")
async def readiness():
    rt = runtime()
    checks = await health.readiness(rt.db, rt.services.files.media, rt.services.now_ms())
    ready = all(check.ok for check in checks)
    detailed = _bears_metrics_token()
    body = {
        "status": "ready" if ready else "unavailable",
        "checks": {
            check.name: {"ok": check.ok, **({"detail": check.detail} if detailed else {})} for check in checks
        },
    }
    return body, 200 if ready else 503, {**_NO_STORE, **({} if ready else {"Retry-After": "10"})}


@blueprint.get("/metrics")
async def metrics():
    rt = runtime()
    if not rt.config.operations.metrics_token:
        raise NotFound("metrics are off: set operations.metrics_token")
    if not _bears_metrics_token():
        raise Unauthorized("the metrics need their bearer token")
    read = await figures.read(rt.db, rt.services.now_ms())
    body = rt.metrics.exposition(read, rt.db.pool_usage())
    return body, 200, {**_NO_STORE, "Content-Type": CONTENT_TYPE}


def _bears_metrics_token() -> bool:
    token = runtime().config.operations.metrics_token
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())
