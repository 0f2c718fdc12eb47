"""SQL for a viewer's private marks on posts: bookmarks, muted conversations, and idempotency keys
of posts it created (layer 2)."""

from ...clock import new_id
from ...db.api import Connection


async def set_bookmark(conn: Connection, actor_id: int, post_id: int, on: bool, now: int) -> None:
    if on:
        await conn.execute(
            "INSERT INTO bookmarks (id, actor_id, post_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (new_id(now), actor_id, post_id, now),
        )
    else:
        await conn.execute("DELETE FROM bookmarks WHERE actor_id = ? AND post_id = ?", (actor_id, post_id))


async def set_conversation_mute(conn: Connection, actor_id: int, root_post_id: int, on: bool) -> None:
    if on:
        await conn.execute(
            "INSERT OR IGNORE INTO conversation_mutes (actor_id, root_post_id) VALUES (?, ?)", (actor_id, root_post_id)
        )
    else:
        await conn.execute(
            "DELETE FROM conversation_mutes WHERE actor_id = ? AND root_post_id = ?", (actor_id, root_post_id)
        )


async def find_idempotent(conn: Connection, actor_id: int, key: str, since: int) -> int | None:
    async with conn.execute(
        "SELECT post_id FROM idempotency_keys WHERE actor_id = ? AND key = ? AND created_at >= ?", (actor_id, key, since)
    ) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def remember_idempotent(conn: Connection, actor_id: int, key: str, post_id: int, now: int) -> None:
    await conn.execute(
        "INSERT INTO idempotency_keys (actor_id, key, post_id, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (actor_id, key) DO UPDATE SET post_id = excluded.post_id, created_at = excluded.created_at",
        (actor_id, key, post_id, now),
    )
