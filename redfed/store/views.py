"""Batched reads behind API entities (layer 2): counts and flags for many posts or actors in one
statement each, so a page of 40 statuses costs a handful of queries, not hundreds."""

from collections.abc import Iterable

from ..db.api import Connection
from ..models import Actor, Post
from .actors import SELECT_ACTORS, row_to_actor
from .id_pages import fetch_page
from .posts import SELECT_POSTS, row_to_post


def _marks(ids: list) -> str:
    return ", ".join("?" for _ in ids)


async def actors_by_ids(conn: Connection, ids: Iterable[int]) -> dict[int, Actor]:
    ids = list(set(ids))
    if not ids:
        return {}
    async with conn.execute(f"{SELECT_ACTORS} WHERE id IN ({_marks(ids)})", ids) as cursor:
        return {actor.id: actor for actor in map(row_to_actor, await cursor.fetchall())}


async def posts_by_ids(conn: Connection, ids: Iterable[int]) -> dict[int, Post]:
    ids = list(set(ids))
    if not ids:
        return {}
    async with conn.execute(f"{SELECT_POSTS} WHERE posts.id IN ({_marks(ids)})", ids) as cursor:
        return {post.id: post for post in map(row_to_post, await cursor.fetchall())}


async def actor_counts(conn: Connection, ids: list[int]) -> dict[int, tuple[int, int, int, int | None]]:
    """(followers, following, statuses, last status at) per actor."""
    if not ids:
        return {}
    marks = _marks(ids)
    sql = f"""
        SELECT actors.id,
          (SELECT count(*) FROM follows WHERE followee_id = actors.id AND state = 'accepted'),
          (SELECT count(*) FROM follows WHERE follower_id = actors.id AND state = 'accepted'),
          (SELECT count(*) FROM posts WHERE actor_id = actors.id),
          (SELECT max(id) FROM posts WHERE actor_id = actors.id)
        FROM actors WHERE actors.id IN ({marks})"""
    # Both post figures come from the (actor_id, id) index alone: Mastodon counts boosts among
    # statuses, and the newest id carries its time in its high bits (clock.new_id).
    async with conn.execute(sql, ids) as cursor:
        return {row[0]: (row[1], row[2], row[3], row[4] >> 16 if row[4] else None) for row in await cursor.fetchall()}


async def post_counts(conn: Connection, ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """(replies, reblogs, favourites) per post."""
    if not ids:
        return {}
    sql = f"""
        SELECT posts.id,
          (SELECT count(*) FROM posts AS r WHERE r.in_reply_to_id = posts.id),
          (SELECT count(*) FROM posts AS b WHERE b.reblog_of_id = posts.id),
          (SELECT count(*) FROM likes WHERE likes.post_id = posts.id)
        FROM posts WHERE posts.id IN ({_marks(ids)})"""
    async with conn.execute(sql, ids) as cursor:
        return {row[0]: (row[1], row[2], row[3]) for row in await cursor.fetchall()}


async def viewer_flags(conn: Connection, viewer_id: int, ids: list[int]) -> dict[int, set[str]]:
    """Which of favourited, reblogged, bookmarked, pinned the viewer has done to each post."""
    if not ids:
        return {}
    marks = _marks(ids)
    sql = f"""
        SELECT post_id, 'favourited' FROM likes WHERE actor_id = ? AND post_id IN ({marks})
        UNION ALL SELECT reblog_of_id, 'reblogged' FROM posts WHERE actor_id = ? AND reblog_of_id IN ({marks})
        UNION ALL SELECT post_id, 'bookmarked' FROM bookmarks WHERE actor_id = ? AND post_id IN ({marks})
        UNION ALL SELECT post_id, 'pinned' FROM featured_posts WHERE actor_id = ? AND post_id IN ({marks})"""
    flags: dict[int, set[str]] = {}
    async with conn.execute(sql, [viewer_id, *ids] * 4) as cursor:
        for post_id, flag in await cursor.fetchall():
            flags.setdefault(post_id, set()).add(flag)
    return flags


async def mentions_of(conn: Connection, ids: list[int]) -> dict[int, list[int]]:
    if not ids:
        return {}
    found: dict[int, list[int]] = {}
    async with conn.execute(f"SELECT post_id, actor_id FROM post_mentions WHERE post_id IN ({_marks(ids)})", ids) as cursor:
        for post_id, actor_id in await cursor.fetchall():
            found.setdefault(post_id, []).append(actor_id)
    return found


async def tags_of(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    if not ids:
        return {}
    found: dict[int, list[str]] = {}
    async with conn.execute(f"SELECT post_id, name FROM post_tags WHERE post_id IN ({_marks(ids)}) ORDER BY name", ids) as cursor:
        for post_id, name in await cursor.fetchall():
            found.setdefault(post_id, []).append(name)
    return found


async def app_names(conn: Connection, ids: list[int]) -> dict[int, tuple[str, str | None]]:
    if not ids:
        return {}
    async with conn.execute(f"SELECT id, name, website FROM oauth_apps WHERE id IN ({_marks(ids)})", ids) as cursor:
        return {row[0]: (row[1], row[2]) for row in await cursor.fetchall()}


async def post_app_ids(conn: Connection, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    async with conn.execute(f"SELECT id, app_id FROM posts WHERE id IN ({_marks(ids)}) AND app_id IS NOT NULL", ids) as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall()}


async def likers(conn: Connection, post_id: int, page) -> list[tuple[int, Actor]]:
    """(like id, actor) of those who favourited a post, newest first, paged by like id."""
    return await _who(conn, "SELECT id AS row_id, actor_id FROM likes WHERE post_id = :post", post_id, page)


async def rebloggers(conn: Connection, post_id: int, page) -> list[tuple[int, Actor]]:
    """(boost id, actor) of those who boosted a post, newest first, paged by boost id."""
    return await _who(conn, "SELECT id AS row_id, actor_id FROM posts WHERE reblog_of_id = :post", post_id, page)


async def _who(conn: Connection, base: str, post_id: int, page) -> list[tuple[int, Actor]]:
    rows = await fetch_page(conn, f"SELECT row_id, actor_id FROM ({base}) AS who", "TRUE", {"post": post_id}, page, "row_id", tuple)
    actors = await actors_by_ids(conn, [row[1] for row in rows])
    return [(row[0], actors[row[1]]) for row in rows if row[1] in actors]
