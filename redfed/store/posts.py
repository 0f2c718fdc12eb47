"""SQL for posts, their mentions and tags, and tombstones (layer 2). No business rules here."""

import json
from collections.abc import Iterable

from ..db.api import Connection, Row
from ..models import Post

_COLUMNS = (
    "id", "uri", "url", "actor_id", "is_local", "type", "visibility", "content", "source", "summary",
    "sensitive", "language", "in_reply_to_uri", "in_reply_to_id", "reblog_of_id", "conversation",
    "audience", "attachments", "poll", "published_at", "edited_at", "created_at", "paid_partnership",
)
SELECT_POSTS = f"SELECT {', '.join('posts.' + c for c in _COLUMNS)} FROM posts"


def row_to_post(row: Row) -> Post:
    values = dict(zip(_COLUMNS, row))
    values["is_local"] = bool(values["is_local"])
    values["sensitive"] = bool(values["sensitive"])
    values["paid_partnership"] = bool(values["paid_partnership"])
    values["audience"] = tuple(json.loads(values["audience"]))
    values["attachments"] = tuple(json.loads(values["attachments"]))
    values["poll"] = json.loads(values["poll"]) if values["poll"] else None
    return Post(**values)


def _post_values(post: Post) -> dict:
    values = {name: getattr(post, name) for name in _COLUMNS}
    values["audience"] = json.dumps(list(post.audience))
    values["attachments"] = json.dumps(list(post.attachments))
    values["poll"] = json.dumps(post.poll) if post.poll is not None else None
    return values


async def insert_post(conn: Connection, post: Post) -> Post:
    values = _post_values(post)
    marks = ", ".join(f":{name}" for name in values)
    await conn.execute(f"INSERT INTO posts ({', '.join(values)}) VALUES ({marks})", values)
    return post


async def id_taken(conn: Connection, post_id: int) -> bool:
    async with conn.execute("SELECT 1 FROM posts WHERE id = ?", (post_id,)) as cursor:
        return await cursor.fetchone() is not None


async def update_post(conn: Connection, post: Post) -> None:
    """Write the editable fields of `post` (content, warnings, audience, attachments, poll)."""
    values = _post_values(post)
    editable = ("content", "source", "summary", "sensitive", "language", "audience", "attachments", "poll", "edited_at", "visibility",
                "paid_partnership")
    assignments = ", ".join(f"{name} = :{name}" for name in editable)
    await conn.execute(f"UPDATE posts SET {assignments} WHERE id = :id", values)


async def set_app(conn: Connection, post_id: int, app_id: int) -> None:
    await conn.execute("UPDATE posts SET app_id = ? WHERE id = ?", (app_id, post_id))


async def insert_edit(conn: Connection, previous: Post, now: int) -> None:
    """Keep the version an edit replaces (Mastodon's status history)."""
    await conn.execute(
        "INSERT INTO post_edits (post_id, content, summary, sensitive, attachments, poll, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (previous.id, previous.content, previous.summary, int(previous.sensitive), json.dumps(list(previous.attachments)),
         json.dumps(previous.poll) if previous.poll else None, previous.edited_at or previous.published_at),
    )


async def list_edits(conn: Connection, post_id: int) -> list[tuple[str, str, bool, int]]:
    """(content, summary, sensitive, created_at) of earlier versions, oldest first."""
    async with conn.execute(
        "SELECT content, summary, sensitive, created_at FROM post_edits WHERE post_id = ? ORDER BY id", (post_id,)
    ) as cursor:
        return [(row[0], row[1], bool(row[2]), row[3]) for row in await cursor.fetchall()]


async def delete_post(conn: Connection, post_id: int) -> None:
    await conn.execute("DELETE FROM posts WHERE id = ?", (post_id,))


async def get_post(conn: Connection, post_id: int) -> Post | None:
    async with conn.execute(f"{SELECT_POSTS} WHERE id = ?", (post_id,)) as cursor:
        row = await cursor.fetchone()
    return row_to_post(row) if row else None


async def find_post_by_uri(conn: Connection, uri: str) -> Post | None:
    async with conn.execute(f"{SELECT_POSTS} WHERE uri = ?", (uri,)) as cursor:
        row = await cursor.fetchone()
    return row_to_post(row) if row else None


async def find_reblog(conn: Connection, actor_id: int, post_id: int) -> Post | None:
    async with conn.execute(f"{SELECT_POSTS} WHERE actor_id = ? AND reblog_of_id = ?", (actor_id, post_id)) as cursor:
        row = await cursor.fetchone()
    return row_to_post(row) if row else None


async def link_replies(conn: Connection, post: Post) -> None:
    """Attach replies that arrived before their parent (in_reply_to_uri known, id not yet)."""
    await conn.execute(
        "UPDATE posts SET in_reply_to_id = ? WHERE in_reply_to_uri = ? AND in_reply_to_id IS NULL",
        (post.id, post.uri),
    )


async def replace_mentions(conn: Connection, post_id: int, actor_ids: Iterable[int]) -> None:
    await conn.execute("DELETE FROM post_mentions WHERE post_id = ?", (post_id,))
    await conn.executemany(
        "INSERT OR IGNORE INTO post_mentions (post_id, actor_id) VALUES (?, ?)",
        [(post_id, actor_id) for actor_id in actor_ids],
    )


async def replace_tags(conn: Connection, post_id: int, names: Iterable[str]) -> None:
    await conn.execute("DELETE FROM post_tags WHERE post_id = ?", (post_id,))
    await conn.executemany(
        "INSERT OR IGNORE INTO post_tags (post_id, name) VALUES (?, ?)", [(post_id, name) for name in names]
    )


async def list_mentioned_actor_ids(conn: Connection, post_id: int) -> list[int]:
    async with conn.execute("SELECT actor_id FROM post_mentions WHERE post_id = ?", (post_id,)) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def list_tags(conn: Connection, post_id: int) -> list[str]:
    async with conn.execute("SELECT name FROM post_tags WHERE post_id = ? ORDER BY name", (post_id,)) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def insert_tombstone(conn: Connection, uri: str, actor_uri: str, deleted_at: int) -> None:
    await conn.execute(
        "INSERT OR IGNORE INTO tombstones (uri, actor_uri, deleted_at) VALUES (?, ?, ?)", (uri, actor_uri, deleted_at)
    )


async def find_tombstone(conn: Connection, uri: str) -> int | None:
    async with conn.execute("SELECT deleted_at FROM tombstones WHERE uri = ?", (uri,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def count_local_posts(conn: Connection) -> int:
    async with conn.execute("SELECT count(*) FROM posts WHERE is_local = 1 AND reblog_of_id IS NULL") as cursor:
        return (await cursor.fetchone())[0]


async def count_posts_by(conn: Connection, actor_id: int) -> int:
    async with conn.execute("SELECT count(*) FROM posts WHERE actor_id = ?", (actor_id,)) as cursor:
        return (await cursor.fetchone())[0]
