"""SQL for the inbound queue, inbox_items (layer 2). No business rules here.

Claiming is one UPDATE … RETURNING: rows are leased until `claimed_until`, so a worker that dies
mid-item leaves it to be claimed again once the lease runs out; on PostgreSQL, workers claiming at
once skip each other's rows (dialects.skip_locked).
"""

from ..db.api import Connection
from ..models import InboxItem
from . import dialects


async def insert_item(
    conn: Connection, activity_id: str, activity_type: str, actor_uri: str, recipient_id: int | None,
    raw: str, now: int,
) -> bool:
    """Store a verified activity; False when its id was seen before (a replay)."""
    cursor = await conn.execute(
        "INSERT INTO inbox_items (activity_id, activity_type, actor_uri, recipient_id, raw, next_attempt_at, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (activity_id) DO NOTHING",
        (activity_id, activity_type, actor_uri, recipient_id, raw, now, now),
    )
    return cursor.rowcount == 1


async def claim_due(conn: Connection, now: int, lease_ms: int, limit: int) -> list[InboxItem]:
    async with conn.execute(
        "UPDATE inbox_items SET claimed_until = ? WHERE id IN ("
        "  SELECT id FROM inbox_items WHERE state = 'pending' AND next_attempt_at <= ?"
        "  AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY id LIMIT ?"
        f"{dialects.skip_locked(conn)}) RETURNING id, activity_id, activity_type, actor_uri, recipient_id, raw, state, attempts",
        (now + lease_ms, now, now, limit),
    ) as cursor:
        rows = await cursor.fetchall()
    return sorted((InboxItem(*row) for row in rows), key=lambda item: item.id)


async def finish_item(conn: Connection, item_id: int, state: str, now: int, error: str | None = None) -> None:
    await conn.execute(
        "UPDATE inbox_items SET state = ?, finished_at = ?, claimed_until = NULL, last_error = ?, "
        "attempts = attempts + 1 WHERE id = ?",
        (state, now, error, item_id),
    )


async def retry_item(conn: Connection, item_id: int, next_attempt_at: int, error: str) -> None:
    await conn.execute(
        "UPDATE inbox_items SET attempts = attempts + 1, next_attempt_at = ?, claimed_until = NULL, last_error = ? "
        "WHERE id = ?",
        (next_attempt_at, error, item_id),
    )


async def item_states(conn: Connection) -> dict[str, int]:
    async with conn.execute("SELECT state, count(*) FROM inbox_items GROUP BY state") as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall()}
