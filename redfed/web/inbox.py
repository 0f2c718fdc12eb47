"""Inboxes (layer 6): personal, shared and the instance actor's. Verify, store, answer 202."""

import logging

from quart import Blueprint, current_app, g, request

from ..errors import RedfedError, TooManyRequests, UnsupportedMediaType
from ..federation.audience import host_of
from ..inbox.receive import store_activity
from ..inbox.throttle import HostThrottle
from ..inbox.verify import Dropped, parse_activity, verify_inbox_request
from ..services.accounts import accounts
from .context import runtime

log = logging.getLogger(__name__)

blueprint = Blueprint("inbox", __name__)


@blueprint.post("/inbox")
@blueprint.post("/actor/inbox")
@blueprint.post("/users/<username>/inbox")
async def inbox_post(username: str | None = None):
    try:
        return await _receive(username)
    except RedfedError as refusal:
        _note_refusal(refusal)
        raise


def _note_refusal(refusal: RedfedError) -> None:
    # Said once here, with the reason, for the operator asking why a server's posts never arrive.
    log.info(
        "refused inbox request from %s (%s): %s %s", request.remote_addr, _claimed_actor(), refusal.status, refusal.message,
    )
    runtime().metrics.inbox_refused(refusal)


async def _receive(username: str | None):
    rt = runtime()
    recipient = await accounts.find_local_actor(rt.db, rt.config, username) if username else None
    if not _is_activity_body(request.headers.get("Content-Type", "")):
        raise UnsupportedMediaType("an inbox accepts application/activity+json")
    body = await request.get_data(cache=False)
    activity = parse_activity(body)
    g.redfed_inbox_actor = activity.get("actor")
    # Signatures cover our canonical URL, whatever a reverse proxy did to scheme and host.
    query = request.query_string.decode("latin-1")
    url = rt.urls.base + request.path + (f"?{query}" if query else "")
    try:
        verified = await verify_inbox_request(
            rt.db, rt.services.resolver, rt.config, url, dict(request.headers.items()), body, activity,
            rt.services.clock(),
        )
        # Counted once the sender is proven: a forged actor must not spend another server's share.
        wait = await _throttle().take(host_of(verified.actor.uri))
        if wait is not None:
            # Counted, not logged: a flood would write a line per request.
            refusal = TooManyRequests("too many requests from your server")
            rt.metrics.inbox_refused(refusal)
            return {"error": refusal.message}, 429, {"Retry-After": str(int(wait) + 1)}
        if await store_activity(rt.services, verified, recipient):
            rt.wake_workers()
    except Dropped as reason:
        log.info("dropped %s %s from %s: %s", activity["type"], activity["id"], activity.get("actor"), reason)
        rt.metrics.inbox_dropped(str(reason))
        return "", 202
    rt.metrics.inbox_accepted()
    return "", 202


def _claimed_actor() -> str:
    """The actor the body names (unproven), or why there is none to name."""
    return str(g.get("redfed_inbox_actor") or "no actor read")[:300]


def _throttle() -> HostThrottle:
    extensions = current_app.extensions
    if "redfed.inbox_throttle" not in extensions:
        rt = runtime()
        extensions["redfed.inbox_throttle"] = HostThrottle(
            rt.db, rt.config.federation.inbox_per_host_per_minute, clock=rt.services.clock
        )
    return extensions["redfed.inbox_throttle"]


def _is_activity_body(content_type: str) -> bool:
    # Senders label inbox bodies application/activity+json or application/ld+json, the latter not
    # always with the AS2 profile; like Mastodon, accept both.
    return content_type.split(";")[0].strip().lower() in ("application/activity+json", "application/ld+json")
