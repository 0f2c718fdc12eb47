"""Turn errors into responses (layer 6): Mastodon-style {"error": ...} JSON for machine routes, a
small HTML page for people. Internal causes are logged once here and never shown to clients."""

import logging

from quart import Quart, render_template, request
from werkzeug.exceptions import HTTPException

from ..db.faults import as_storage_fault
from ..errors import RedfedError, ServiceUnavailable
from ..protocol import as2

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
_JSON_PREFIXES = ("/api/", "/oauth/", "/.well-known/", "/nodeinfo/", "/inbox", "/actor")


def wants_json() -> bool:
    # Inboxes only ever answer servers, which read {"error": ...} whatever their Accept says.
    path = request.path
    if path.startswith(_JSON_PREFIXES) or path.endswith("/inbox") or as2.wants_activitypub(request.headers.get("Accept")):
        return True
    accept = request.headers.get("Accept", "")
    return "json" in accept and "text/html" not in accept


async def _respond(status: int, message: str):
    if wants_json():
        return {"error": message}, status
    return await render_template("error.html", status=status, message=message), status


def register_error_handlers(app: Quart) -> None:
    @app.errorhandler(RedfedError)
    async def on_redfed_error(error: RedfedError):
        # A temporary condition is warned about where it is detected, once a minute, not here.
        if error.status >= 500 and not isinstance(error, ServiceUnavailable):
            log.error("%s %s failed: %s", request.method, request.path, error)
        response = await _respond(error.status, error.message)
        if isinstance(error, ServiceUnavailable):
            # Tell clients and servers when to come back: moments for a busy database, longer for a disk.
            retry_after = getattr(error, "retry_after", RETRY_AFTER_SECONDS)
            return response[0], 503, {"Retry-After": str(retry_after)}
        return response

    @app.errorhandler(HTTPException)
    async def on_http_exception(error: HTTPException):
        return await _respond(error.code or 500, error.name.lower())

    @app.errorhandler(Exception)
    async def on_unexpected(error: Exception):
        # A read on a failing disk, or a file write that found it full, reaches here untranslated.
        fault = as_storage_fault(error)
        if fault is not None:
            return await on_redfed_error(fault)
        log.exception("%s %s crashed", request.method, request.path)
        return await _respond(500, "internal server error")
