"""SQL for the copies of moved posts (layer 2): a local post of an account that moved away, and
the post on its new account that is its copy. No business rules here."""

from ...db.api import Connection
from ...models import Post
from ..posts import SELECT_POSTS, row_to_post


async def record(conn: Connection, post_id: int, copy_id: int, now: int) -> None:
    """Remember `copy_id` as the copy of `post_id` (a later copy replaces an earlier one)."""
    await conn.execute(
        "INSERT INTO post_copies (post_id, copy_id, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (post_id) DO UPDATE SET copy_id = excluded.copy_id, created_at = excluded.created_at",
        (post_id, copy_id, now),
    )


async def copy_of(conn: Connection, post_id: int) -> Post | None:
    sql = f"{SELECT_POSTS} WHERE posts.id = (SELECT copy_id FROM post_copies WHERE post_id = ?)"
    async with conn.execute(sql, (post_id,)) as cursor:
        row = await cursor.fetchone()
    return row_to_post(row) if row else None
