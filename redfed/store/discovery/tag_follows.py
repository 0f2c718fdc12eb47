"""SQL for the hashtags an account follows (layer 2): the `followed_tags` table. No rules here."""

from ...db.api import Connection


async def follow(conn: Connection, actor_id: int, name: str, now: int) -> None:
    """Idempotent: following a tag twice keeps the first row."""
    await conn.execute(
        "INSERT INTO followed_tags (actor_id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (actor_id, name, now),
    )


async def unfollow(conn: Connection, actor_id: int, name: str) -> None:
    await conn.execute("DELETE FROM followed_tags WHERE actor_id = ? AND name = ?", (actor_id, name))


async def is_following(conn: Connection, actor_id: int, name: str) -> bool:
    async with conn.execute("SELECT 1 FROM followed_tags WHERE actor_id = ? AND name = ?", (actor_id, name)) as cursor:
        return await cursor.fetchone() is not None


async def list_followed(conn: Connection, actor_id: int, limit: int) -> list[str]:
    """The tags the account follows, most recently followed first."""
    async with conn.execute(
        "SELECT name FROM followed_tags WHERE actor_id = ? ORDER BY created_at DESC, name LIMIT ?", (actor_id, limit)
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def followers_of_tags(conn: Connection, names: list[str]) -> set[int]:
    """The accounts that follow any of `names` (the index on name makes this a seek per tag)."""
    if not names:
        return set()
    marks = ", ".join("?" for _ in names)
    async with conn.execute(f"SELECT DISTINCT actor_id FROM followed_tags WHERE name IN ({marks})", names) as cursor:
        return {row[0] for row in await cursor.fetchall()}
