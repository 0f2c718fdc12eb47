"""SQL for the inbound queue, inbox_items (layer 2). No business rules here.

The queue is leased (store.leased_queues): a worker that dies mid-item leaves it to be claimed
again once the lease runs out.
"""

from ..db.api import Connection
from ..models import InboxItem
from . import leased_queues


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
    rows = await leased_queues.claim_due(
        conn, "inbox_items", now, lease_ms, limit, order="id",
        returning="id, activity_id, activity_type, actor_uri, recipient_id, raw, state, attempts",
    )
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
    return await leased_queues.states(conn, "inbox_items")
