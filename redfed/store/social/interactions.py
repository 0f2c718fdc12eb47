"""SQL for likes, blocks and featured (pinned) posts (layer 2). No business rules here."""

from ...db.api import Connection
from ...models import Post
from ..posts import SELECT_POSTS, row_to_post


async def insert_like(conn: Connection, uri: str, actor_id: int, post_id: int, now: int) -> bool:
    """True when the like is new."""
    cursor = await conn.execute(
        "INSERT INTO likes (uri, actor_id, post_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (uri, actor_id, post_id, now),
    )
    return cursor.rowcount == 1


async def find_like(conn: Connection, actor_id: int, post_id: int) -> tuple[int, str] | None:
    async with conn.execute("SELECT id, uri FROM likes WHERE actor_id = ? AND post_id = ?", (actor_id, post_id)) as cursor:
        row = await cursor.fetchone()
    return (row[0], row[1]) if row else None


async def delete_like_by_uri(conn: Connection, uri: str, actor_id: int) -> int | None:
    """The liked post's id, when a like by `actor_id` with this uri existed and is now gone."""
    async with conn.execute("DELETE FROM likes WHERE uri = ? AND actor_id = ? RETURNING post_id", (uri, actor_id)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def delete_like(conn: Connection, actor_id: int, post_id: int) -> None:
    await conn.execute("DELETE FROM likes WHERE actor_id = ? AND post_id = ?", (actor_id, post_id))


async def count_likes(conn: Connection, post_id: int) -> int:
    async with conn.execute("SELECT count(*) FROM likes WHERE post_id = ?", (post_id,)) as cursor:
        return (await cursor.fetchone())[0]


async def insert_block(conn: Connection, uri: str, actor_id: int, target_id: int, now: int) -> None:
    await conn.execute(
        "INSERT INTO blocks (uri, actor_id, target_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (uri, actor_id, target_id, now),
    )


async def find_block(conn: Connection, actor_id: int, target_id: int) -> str | None:
    """The uri of actor's block of target, if any."""
    async with conn.execute("SELECT uri FROM blocks WHERE actor_id = ? AND target_id = ?", (actor_id, target_id)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def delete_block(conn: Connection, actor_id: int, target_id: int) -> None:
    await conn.execute("DELETE FROM blocks WHERE actor_id = ? AND target_id = ?", (actor_id, target_id))


async def delete_block_by_uri(conn: Connection, uri: str, actor_id: int) -> None:
    await conn.execute("DELETE FROM blocks WHERE uri = ? AND actor_id = ?", (uri, actor_id))


async def is_blocked_either_way(conn: Connection, a: int, b: int) -> bool:
    async with conn.execute(
        "SELECT 1 FROM blocks WHERE (actor_id = ? AND target_id = ?) OR (actor_id = ? AND target_id = ?)", (a, b, b, a)
    ) as cursor:
        return await cursor.fetchone() is not None


async def list_blocked_ids(conn: Connection, actor_id: int) -> set[int]:
    """Actors that `actor_id` blocks, and actors that block it."""
    async with conn.execute(
        "SELECT target_id FROM blocks WHERE actor_id = ? UNION SELECT actor_id FROM blocks WHERE target_id = ?",
        (actor_id, actor_id),
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def set_featured(conn: Connection, actor_id: int, post_id: int, featured: bool, now: int) -> None:
    if featured:
        await conn.execute(
            "INSERT OR IGNORE INTO featured_posts (actor_id, post_id, created_at) VALUES (?, ?, ?)", (actor_id, post_id, now)
        )
    else:
        await conn.execute("DELETE FROM featured_posts WHERE actor_id = ? AND post_id = ?", (actor_id, post_id))


async def list_featured_uris(conn: Connection, actor_id: int) -> list[str]:
    async with conn.execute(
        "SELECT posts.uri FROM featured_posts JOIN posts ON posts.id = featured_posts.post_id "
        "WHERE featured_posts.actor_id = ? ORDER BY featured_posts.created_at DESC",
        (actor_id,),
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def list_featured_posts(conn: Connection, actor_id: int) -> list[Post]:
    """An actor's pinned posts, most recently pinned first."""
    async with conn.execute(
        f"{SELECT_POSTS} JOIN featured_posts ON featured_posts.post_id = posts.id "
        "WHERE featured_posts.actor_id = ? ORDER BY featured_posts.created_at DESC, posts.id DESC",
        (actor_id,),
    ) as cursor:
        return [row_to_post(row) for row in await cursor.fetchall()]
