"""SQL for the moderation log (layer 2): what moderators did, newest first. No business rules."""

from dataclasses import dataclass

from ...db.api import Connection


@dataclass(frozen=True)
class Entry:
    id: int
    moderator_id: int | None
    action: str
    target_type: str
    target_id: int
    summary: str
    created_at: int


async def insert_entry(
    conn: Connection, moderator_id: int, action: str, target_type: str, target_id: int, summary: str, now: int
) -> None:
    await conn.execute(
        "INSERT INTO moderation_log (moderator_id, action, target_type, target_id, summary, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (moderator_id, action, target_type, target_id, summary, now),
    )


async def list_entries(conn: Connection, limit: int, max_id: int | None = None) -> list[Entry]:
    async with conn.execute(
        "SELECT id, moderator_id, action, target_type, target_id, summary, created_at FROM moderation_log "
        "WHERE id < ? ORDER BY id DESC LIMIT ?",
        (max_id or 2**62, limit),
    ) as cursor:
        return [Entry(*row) for row in await cursor.fetchall()]
