"""SQL for uploaded media (layer 2). No business rules here."""

import json
import sqlite3
from collections.abc import Iterable

import aiosqlite

from ..models import Media

COLUMNS = (
    "id", "owner_id", "post_id", "position", "type", "state", "file_key", "preview_key", "content_type", "size",
    "meta", "description", "focus_x", "focus_y", "blurhash", "error", "created_at",
)
SELECT_MEDIA = f"SELECT {', '.join(COLUMNS)} FROM media"


def row_to_media(row: sqlite3.Row) -> Media:
    values = dict(zip(COLUMNS, row))
    values["meta"] = json.loads(values["meta"])
    return Media(**values)


async def list_for_posts(conn: aiosqlite.Connection, post_ids: Iterable[int]) -> dict[int, list[Media]]:
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


async def attach(conn: aiosqlite.Connection, post_id: int, media_ids: list[int]) -> None:
    """Bind uploads to their post, in the order given (their position in the post)."""
    await conn.executemany(
        "UPDATE media SET post_id = ?, position = ? WHERE id = ?",
        [(post_id, position, media_id) for position, media_id in enumerate(media_ids)],
    )
