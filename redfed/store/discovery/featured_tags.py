"""SQL for the hashtags accounts feature on their profiles (layer 2): the `featured_tags` table,
and how often an account used a tag. No rules here."""

from ...db.api import Connection


def _marks(values: list) -> str:
    return ", ".join("?" for _ in values)


async def add(conn: Connection, featured_id: int, actor_id: int, name: str, now: int) -> None:
    """Idempotent: featuring a tag twice keeps the first row."""
    await conn.execute(
        "INSERT INTO featured_tags (id, actor_id, name, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (featured_id, actor_id, name, now),
    )


async def remove(conn: Connection, actor_id: int, featured_id: int) -> bool:
    async with conn.execute(
        "DELETE FROM featured_tags WHERE actor_id = ? AND id = ? RETURNING id", (actor_id, featured_id)
    ) as cursor:
        return await cursor.fetchone() is not None


async def remove_name(conn: Connection, actor_id: int, name: str) -> None:
    await conn.execute("DELETE FROM featured_tags WHERE actor_id = ? AND name = ?", (actor_id, name))


async def list_of(conn: Connection, actor_id: int) -> list[tuple[int, str]]:
    """(id, name) of the account's featured tags, in the order it featured them."""
    async with conn.execute(
        "SELECT id, name FROM featured_tags WHERE actor_id = ? ORDER BY created_at, id", (actor_id,)
    ) as cursor:
        return [(row[0], row[1]) for row in await cursor.fetchall()]


async def names_among(conn: Connection, actor_id: int, names: list[str]) -> set[str]:
    if not names:
        return set()
    async with conn.execute(
        f"SELECT name FROM featured_tags WHERE actor_id = ? AND name IN ({_marks(names)})", [actor_id, *names]
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def find_by_name(conn: Connection, actor_id: int, name: str) -> int | None:
    async with conn.execute("SELECT id FROM featured_tags WHERE actor_id = ? AND name = ?", (actor_id, name)) as cursor:
        row = await cursor.fetchone()
        return row[0] if row else None


# The account's public and unlisted posts (not boosts) with a tag: what a featured tag counts.
_SHOWN_BY = """FROM posts JOIN post_tags ON post_tags.post_id = posts.id
    WHERE posts.actor_id = ? AND posts.visibility IN ('public', 'unlisted') AND posts.reblog_of_id IS NULL"""


async def usage(conn: Connection, actor_id: int, names: list[str]) -> dict[str, tuple[int, int]]:
    """{name: (posts, when the newest was made)} for the names the account used."""
    if not names:
        return {}
    async with conn.execute(
        f"SELECT post_tags.name, COUNT(*), MAX(posts.created_at) {_SHOWN_BY} "
        f"AND post_tags.name IN ({_marks(names)}) GROUP BY post_tags.name", [actor_id, *names],
    ) as cursor:
        return {row[0]: (row[1], row[2]) for row in await cursor.fetchall()}


async def most_used(conn: Connection, actor_id: int, limit: int) -> list[str]:
    """The tags the account used most, not yet featured."""
    async with conn.execute(
        f"SELECT post_tags.name {_SHOWN_BY} AND post_tags.name NOT IN "
        "(SELECT name FROM featured_tags WHERE actor_id = ?) "
        "GROUP BY post_tags.name ORDER BY COUNT(*) DESC, post_tags.name LIMIT ?", (actor_id, actor_id, limit),
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]
