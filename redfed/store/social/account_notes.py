"""SQL for private account notes (layer 2): what one account wrote about another. No rules here."""

from ...db.api import Connection


async def set_note(conn: Connection, actor_id: int, target_id: int, comment: str, now: int) -> None:
    """An empty comment removes the note."""
    if not comment:
        await conn.execute("DELETE FROM account_notes WHERE actor_id = ? AND target_id = ?", (actor_id, target_id))
        return
    await conn.execute(
        "INSERT INTO account_notes (actor_id, target_id, comment, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (actor_id, target_id) DO UPDATE SET comment = excluded.comment, updated_at = excluded.updated_at",
        (actor_id, target_id, comment, now),
    )


async def notes_among(conn: Connection, actor_id: int, target_ids: list[int]) -> dict[int, str]:
    if not target_ids:
        return {}
    marks = ", ".join("?" for _ in target_ids)
    async with conn.execute(
        f"SELECT target_id, comment FROM account_notes WHERE actor_id = ? AND target_id IN ({marks})",
        [actor_id, *target_ids],
    ) as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall()}
