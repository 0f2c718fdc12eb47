"""SQL for a viewer's state of its direct conversations (layer 2)."""

from ...db.api import Connection



async def states(conn: Connection, actor_id: int) -> dict[int, tuple[int, int]]:
    """root post id → (read up to, hidden up to)."""
    async with conn.execute(
        "SELECT root_post_id, read_up_to, hidden_up_to FROM conversation_states WHERE actor_id = ?", (actor_id,)
    ) as cursor:
        return {row[0]: (row[1], row[2]) for row in await cursor.fetchall()}


async def mark(conn: Connection, actor_id: int, root_post_id: int, *, read_up_to: int = 0, hidden_up_to: int = 0) -> None:
    await conn.execute(
        "INSERT INTO conversation_states (actor_id, root_post_id, read_up_to, hidden_up_to) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (actor_id, root_post_id) DO UPDATE SET "
        "read_up_to = CASE WHEN excluded.read_up_to > conversation_states.read_up_to "
        "THEN excluded.read_up_to ELSE conversation_states.read_up_to END, "
        "hidden_up_to = CASE WHEN excluded.hidden_up_to > conversation_states.hidden_up_to "
        "THEN excluded.hidden_up_to ELSE conversation_states.hidden_up_to END",
        (actor_id, root_post_id, read_up_to, hidden_up_to),
    )


async def set_read_up_to(conn: Connection, actor_id: int, root_post_id: int, read_up_to: int) -> None:
    """Move the read mark back as well as forth (marking a conversation unread)."""
    await conn.execute(
        "INSERT INTO conversation_states (actor_id, root_post_id, read_up_to, hidden_up_to) VALUES (?, ?, ?, 0) "
        "ON CONFLICT (actor_id, root_post_id) DO UPDATE SET read_up_to = excluded.read_up_to",
        (actor_id, root_post_id, read_up_to),
    )
