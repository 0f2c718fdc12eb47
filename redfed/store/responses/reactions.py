"""SQL for emoji reactions (layer 2). No business rules here."""

from dataclasses import dataclass

from ...db.api import Connection
from ...models import Actor
from ..actors import ACTOR_COLUMNS, row_to_actor


@dataclass(frozen=True)
class ReactionCount:
    emoji: str
    emoji_url: str | None
    count: int
    me: bool  # the viewer reacted with it


async def insert(conn: Connection, reaction_id: int, uri: str, post_id: int, actor_id: int, emoji: str, emoji_url: str | None, now: int) -> bool:
    """True when the reaction is new (one per person, post and emoji)."""
    cursor = await conn.execute(
        "INSERT INTO reactions (id, uri, post_id, actor_id, emoji, emoji_url, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (reaction_id, uri, post_id, actor_id, emoji, emoji_url, now),
    )
    return cursor.rowcount == 1


async def delete(conn: Connection, post_id: int, actor_id: int, emoji: str) -> str | None:
    """The uri of the reaction removed, if there was one."""
    sql = "DELETE FROM reactions WHERE post_id = ? AND actor_id = ? AND emoji = ? RETURNING uri"
    async with conn.execute(sql, (post_id, actor_id, emoji)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def delete_by_uri(conn: Connection, uri: str, actor_id: int) -> int | None:
    """The post a reaction by `actor_id` with this uri was on, when it existed and is now gone."""
    async with conn.execute("DELETE FROM reactions WHERE uri = ? AND actor_id = ? RETURNING post_id", (uri, actor_id)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def emoji_url(conn: Connection, post_id: int, emoji: str) -> str | None:
    """The image of a custom emoji someone already reacted to this post with."""
    sql = "SELECT emoji_url FROM reactions WHERE post_id = ? AND emoji = ? AND emoji_url IS NOT NULL LIMIT 1"
    async with conn.execute(sql, (post_id, emoji)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def counts(conn: Connection, post_ids: list[int], viewer_id: int | None) -> dict[int, list[ReactionCount]]:
    """Per post, each emoji with its count and whether the viewer used it, most used first."""
    if not post_ids:
        return {}
    marks = ", ".join("?" for _ in post_ids)
    sql = (
        "SELECT post_id, emoji, max(emoji_url), count(*), max(CASE WHEN actor_id = ? THEN 1 ELSE 0 END), min(id)"
        f" FROM reactions WHERE post_id IN ({marks}) GROUP BY post_id, emoji ORDER BY post_id, count(*) DESC, min(id)"
    )
    found: dict[int, list[ReactionCount]] = {}
    async with conn.execute(sql, [viewer_id or 0, *post_ids]) as cursor:
        for post_id, name, url, count, me, _ in await cursor.fetchall():
            found.setdefault(post_id, []).append(ReactionCount(name, url, count, bool(me)))
    return found


async def reactors(conn: Connection, post_id: int, emoji: str, limit: int) -> list[tuple[str, Actor]]:
    """(emoji, actor) for who reacted to a post with an emoji, the first first."""
    sql = (
        f"SELECT reactions.emoji, {', '.join('actors.' + c for c in ACTOR_COLUMNS)} FROM reactions"
        " JOIN actors ON actors.id = reactions.actor_id"
        " WHERE reactions.post_id = :post AND reactions.emoji = :emoji"
        " ORDER BY reactions.id LIMIT :limit"
    )
    async with conn.execute(sql, {"post": post_id, "emoji": emoji, "limit": limit}) as cursor:
        return [(row[0], row_to_actor(row[1:])) for row in await cursor.fetchall()]


async def count_by_actor(conn: Connection, actor_id: int, since: int, post_id: int | None = None) -> int:
    """How many reactions an actor made since `since`, on one post or on any."""
    sql = (
        "SELECT count(*) FROM reactions WHERE actor_id = :actor AND created_at >= :since"
        " AND (:post IS NULL OR post_id = :post)"
    )
    async with conn.execute(sql, {"actor": actor_id, "since": since, "post": post_id}) as cursor:
        return (await cursor.fetchone())[0]
