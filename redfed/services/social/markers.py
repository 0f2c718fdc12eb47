"""Read markers (layer 4): the last item an account has read in home and notifications, shared by
its apps so that reading on one device counts on another (Mastodon's /api/v1/markers)."""

from ...db.api import Database
from ...errors import Unprocessable
from ...models import Actor
from ...store.social import markers as store
from ...store.social.markers import Marker

TIMELINES = ("home", "notifications")
MAX_ID_LENGTH = 64


async def get_markers(db: Database, viewer: Actor, timelines: list[str]) -> list[Marker]:
    """The viewer's markers for the known timelines asked for; unknown names are ignored."""
    return await store.get_markers(db.reader, viewer.id, [t for t in timelines if t in TIMELINES])


async def set_markers(db: Database, viewer: Actor, positions: dict[str, str], now: int) -> list[Marker]:
    """Move the markers given (timeline → last read id); each save increments its version."""
    known = {}
    for timeline, last_read_id in positions.items():
        if timeline not in TIMELINES:
            continue
        if not last_read_id or len(last_read_id) > MAX_ID_LENGTH:
            raise Unprocessable(f"Validation failed: Last read id of {timeline} is invalid")
        known[timeline] = last_read_id
    if known:
        async with db.transaction() as conn:
            await store.save_markers(conn, viewer.id, known, now)
    return await store.get_markers(db.reader, viewer.id, list(known))


async def last_read(db: Database, viewer: Actor, timeline: str) -> int:
    """The marker as a number, 0 when unset or not an id: everything after it is unread."""
    found = await store.get_markers(db.reader, viewer.id, [timeline])
    try:
        return int(found[0].last_read_id) if found else 0
    except ValueError:
        return 0
