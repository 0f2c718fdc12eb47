"""SQL for uploaded media (layer 2). No business rules here."""

import dataclasses
import json
from collections.abc import Iterable

from ...db.api import Connection, Row
from ...errors import Unprocessable
from ...models import Media

COLUMNS = (
    "id", "owner_id", "post_id", "position", "type", "state", "file_key", "preview_key", "content_type", "size",
    "meta", "description", "focus_x", "focus_y", "blurhash", "error", "created_at",
)
SELECT_MEDIA = f"SELECT {', '.join(COLUMNS)} FROM media"


def row_to_media(row: Row) -> Media:
    values = dict(zip(COLUMNS, row))
    values["meta"] = json.loads(values["meta"])
    return Media(**values)


async def list_for_posts(conn: Connection, post_ids: Iterable[int]) -> dict[int, list[Media]]:
    ids = list(post_ids)
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    found: dict[int, list[Media]] = {}
    async with conn.execute(f"{SELECT_MEDIA} WHERE post_id IN ({marks}) ORDER BY post_id, position", ids) as cursor:
        for row in await cursor.fetchall():
            media = row_to_media(row)
            found.setdefault(media.post_id, []).append(media)
    return found


async def attach(conn: Connection, post_id: int, media_ids: list[int]) -> None:
    """Bind uploads to their post, in the order given (their position in the post).

    Only uploads that are free (or already this post's) are bound; if another transaction took one
    since it was checked, nothing is left half-done: the caller's transaction rolls back."""
    cursor = await conn.executemany(
        "UPDATE media SET post_id = ?, position = ? WHERE id = ? AND (post_id IS NULL OR post_id = ?)",
        [(post_id, position, media_id, post_id) for position, media_id in enumerate(media_ids)],
    )
    if media_ids and cursor.rowcount != len(media_ids):
        raise Unprocessable("Validation failed: media already attached to another post")


async def detach_all(conn: Connection, post_id: int) -> None:
    """An edit replaces a post's attachments: its current ones are let go first."""
    await conn.execute("UPDATE media SET post_id = NULL WHERE post_id = ?", (post_id,))


async def set_descriptions(conn: Connection, post_id: int, descriptions: dict[int, str | None]) -> None:
    """Set the descriptions (alt text) of uploads bound to `post_id`, as an edit of the post gives them."""
    await conn.executemany(
        "UPDATE media SET description = ? WHERE id = ? AND post_id = ?",
        [(text, media_id, post_id) for media_id, text in descriptions.items()],
    )


async def insert(conn: Connection, media: Media) -> Media:
    values = dataclasses.asdict(media)
    values["meta"] = json.dumps(media.meta)
    marks = ", ".join(f":{name}" for name in COLUMNS)
    await conn.execute(f"INSERT INTO media ({', '.join(COLUMNS)}) VALUES ({marks})", values)
    return media


async def get(conn: Connection, media_id: int) -> Media | None:
    async with conn.execute(f"{SELECT_MEDIA} WHERE id = ?", (media_id,)) as cursor:
        row = await cursor.fetchone()
    return row_to_media(row) if row else None


async def find_many(conn: Connection, media_ids: Iterable[int]) -> dict[int, Media]:
    ids = list(media_ids)
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    async with conn.execute(f"{SELECT_MEDIA} WHERE id IN ({marks})", ids) as cursor:
        return {media.id: media for media in map(row_to_media, await cursor.fetchall())}


async def set_ready(conn: Connection, media: Media) -> Media | None:
    """Record processed files on a row still processing; None if the row is gone or settled."""
    cursor = await conn.execute(
        "UPDATE media SET state = 'ready', file_key = ?, preview_key = ?, content_type = ?, size = ?, meta = ?, "
        "blurhash = ?, error = NULL WHERE id = ? AND state = 'processing' RETURNING " + ", ".join(COLUMNS),
        (media.file_key, media.preview_key, media.content_type, media.size, json.dumps(media.meta), media.blurhash, media.id),
    )
    row = await cursor.fetchone()
    await cursor.close()
    return row_to_media(row) if row else None


async def set_failed(conn: Connection, media_id: int, error: str) -> None:
    await conn.execute("UPDATE media SET state = 'failed', error = ? WHERE id = ? AND state = 'processing'", (error, media_id))


async def fail_processing(conn: Connection, created_before: int, error: str) -> int:
    """Mark rows left processing since before `created_before` as failed, but those a queued job
    will finish (videos); how many there were."""
    cursor = await conn.execute(
        "UPDATE media SET state = 'failed', error = ? WHERE state = 'processing' AND created_at < ? "
        "AND id NOT IN (SELECT media_id FROM media_jobs)", (error, created_before)
    )
    return cursor.rowcount


async def update_details(
    conn: Connection, media_id: int, description: str | None, focus: tuple[float, float] | None,
    preview: tuple[str, dict, str | None] | None = None,
) -> Media | None:
    """Set description, focus and optionally a new preview (key, meta, blurhash) of an unattached upload."""
    focus_x, focus_y = focus if focus else (None, None)
    assignments = "description = ?, focus_x = ?, focus_y = ?"
    values: list = [description, focus_x, focus_y]
    if preview is not None:
        assignments += ", preview_key = ?, meta = ?, blurhash = ?"
        values += [preview[0], json.dumps(preview[1]), preview[2]]
    cursor = await conn.execute(
        f"UPDATE media SET {assignments} WHERE id = ? AND post_id IS NULL RETURNING {', '.join(COLUMNS)}",
        (*values, media_id),
    )
    row = await cursor.fetchone()
    await cursor.close()
    return row_to_media(row) if row else None


async def delete_unattached(conn: Connection, media_id: int) -> Media | None:
    cursor = await conn.execute(f"DELETE FROM media WHERE id = ? AND post_id IS NULL RETURNING {', '.join(COLUMNS)}", (media_id,))
    row = await cursor.fetchone()
    await cursor.close()
    return row_to_media(row) if row else None


async def stored_files(conn: Connection) -> list[Media]:
    """Every upload that names stored files (state ready)."""
    async with conn.execute(f"{SELECT_MEDIA} WHERE state = 'ready'") as cursor:
        return [row_to_media(row) for row in await cursor.fetchall()]


async def delete_many_unattached(conn: Connection, media_ids: list[int]) -> None:
    await conn.executemany("DELETE FROM media WHERE id = ? AND post_id IS NULL", [(media_id,) for media_id in media_ids])
