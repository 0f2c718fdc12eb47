"""SQL for the stream event log (layer 2): `stream_events`, which triggers fill (migration 0004)
and the streaming service tails. No business rules here."""

import json
from dataclasses import dataclass

from ...db.api import Connection


# What PostgreSQL notifies as an event commits (trigger stream_events_notify, migration 0019).
CHANNEL = "redfed_stream_events"
_COLUMNS = "id, kind, post_id, actor_id, notification_id, visibility, is_local, tags, mentions, created_at"


@dataclass(frozen=True)
class StreamEvent:
    id: int
    kind: str  # update, status.update, delete, notification
    post_id: int | None
    actor_id: int  # the post's author; for a notification, its recipient
    notification_id: int | None
    visibility: str | None
    is_local: bool
    tags: tuple[str, ...]  # for a delete: the post's hashtags
    mentions: tuple[int, ...]  # for a delete: the actors the post mentioned
    created_at: int


def _row_to_event(row) -> StreamEvent:
    return StreamEvent(
        id=row[0], kind=row[1], post_id=row[2], actor_id=row[3], notification_id=row[4], visibility=row[5],
        is_local=bool(row[6]), tags=tuple(json.loads(row[7] or "[]")), mentions=tuple(json.loads(row[8] or "[]")),
        created_at=row[9],
    )


async def last_event_id(conn: Connection) -> int:
    async with conn.execute("SELECT coalesce(max(id), 0) FROM stream_events") as cursor:
        return (await cursor.fetchone())[0]


async def list_events_after(conn: Connection, after_id: int, limit: int) -> list[StreamEvent]:
    """Events newer than `after_id`, oldest first: a primary-key range, cheap to poll."""
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM stream_events WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit)
    ) as cursor:
        return [_row_to_event(row) for row in await cursor.fetchall()]


async def list_events_with_ids(conn: Connection, ids: list[int]) -> list[StreamEvent]:
    """Those of the events `ids` (at most a thousand) that exist: committed after later ids were read."""
    marks = ", ".join("?" for _ in ids)
    async with conn.execute(f"SELECT {_COLUMNS} FROM stream_events WHERE id IN ({marks}) ORDER BY id", ids) as cursor:
        return [_row_to_event(row) for row in await cursor.fetchall()]

