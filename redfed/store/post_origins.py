"""SQL for where an imported post came from (layer 2): `posts.origin_uri`, unique per account."""

from ..db.api import Connection
from ..models import Post
from .posts import SELECT_POSTS, row_to_post


async def find_by_origin(conn: Connection, actor_id: int, origin_uri: str) -> Post | None:
    async with conn.execute(f"{SELECT_POSTS} WHERE posts.actor_id = ? AND posts.origin_uri = ?", (actor_id, origin_uri)) as cursor:
        row = await cursor.fetchone()
    return row_to_post(row) if row else None


async def set_origin(conn: Connection, post_id: int, origin_uri: str) -> None:
    await conn.execute("UPDATE posts SET origin_uri = ? WHERE id = ?", (origin_uri, post_id))


async def origin_of(conn: Connection, post_id: int) -> str | None:
    async with conn.execute("SELECT origin_uri FROM posts WHERE id = ?", (post_id,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def unannounce(conn: Connection, post_id: int) -> None:
    """Drop the streaming 'update' the insert trigger queued for an imported post, inside the same
    transaction, so that no open client is shown an old post as a new one."""
    await conn.execute("DELETE FROM stream_events WHERE kind = 'update' AND post_id = ?", (post_id,))
