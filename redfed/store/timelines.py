"""SQL for reading posts as people see them: visibility checks and timelines (layer 2)."""

import aiosqlite

from ..models import Post
from .posts import SELECT_POSTS, row_to_post

_NO_BEFORE = 2**63 - 1


async def follows_accepted(conn: aiosqlite.Connection, follower_id: int, followee_id: int) -> bool:
    async with conn.execute(
        "SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ? AND state = 'accepted'", (follower_id, followee_id)
    ) as cursor:
        return await cursor.fetchone() is not None


async def is_mentioned(conn: aiosqlite.Connection, post_id: int, actor_id: int) -> bool:
    async with conn.execute("SELECT 1 FROM post_mentions WHERE post_id = ? AND actor_id = ?", (post_id, actor_id)) as cursor:
        return await cursor.fetchone() is not None


async def home(conn: aiosqlite.Connection, viewer_id: int, limit: int, before_id: int | None = None) -> list[Post]:
    """The viewer's own posts and boosts, those of accounts it follows (direct ones only when they
    mention the viewer), and direct posts that mention it; nothing from blocked accounts."""
    sql = f"""
        {SELECT_POSTS}
        WHERE posts.id < :before
          AND (posts.actor_id = :viewer
               OR (posts.actor_id IN (SELECT followee_id FROM follows WHERE follower_id = :viewer AND state = 'accepted')
                   AND posts.visibility != 'direct')
               OR posts.id IN (SELECT post_id FROM post_mentions WHERE actor_id = :viewer))
          AND posts.actor_id NOT IN (SELECT target_id FROM blocks WHERE actor_id = :viewer)
          AND posts.actor_id NOT IN (SELECT actor_id FROM blocks WHERE target_id = :viewer)
        ORDER BY posts.id DESC LIMIT :limit"""
    params = {"viewer": viewer_id, "before": before_id or _NO_BEFORE, "limit": limit}
    async with conn.execute(sql, params) as cursor:
        return [row_to_post(row) for row in await cursor.fetchall()]


async def public_posts_by(conn: aiosqlite.Connection, actor_id: int, limit: int, before_id: int | None = None) -> list[Post]:
    async with conn.execute(
        f"{SELECT_POSTS} WHERE posts.actor_id = ? AND posts.visibility IN ('public', 'unlisted') AND posts.id < ? "
        "ORDER BY posts.id DESC LIMIT ?",
        (actor_id, before_id or _NO_BEFORE, limit),
    ) as cursor:
        return [row_to_post(row) for row in await cursor.fetchall()]


async def replies_to(conn: aiosqlite.Connection, post_id: int, limit: int = 100) -> list[Post]:
    async with conn.execute(
        f"{SELECT_POSTS} WHERE posts.in_reply_to_id = ? ORDER BY posts.id LIMIT ?", (post_id, limit)
    ) as cursor:
        return [row_to_post(row) for row in await cursor.fetchall()]
