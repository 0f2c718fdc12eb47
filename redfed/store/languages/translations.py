"""SQL for cached translations of posts (layer 2): one row per post and target language."""

import json
from dataclasses import dataclass

from ...db.api import Connection


@dataclass(frozen=True)
class StoredTranslation:
    source_digest: str
    source_language: str | None
    provider: str
    texts: list[str]


async def get_translation(conn: Connection, post_id: int, target: str) -> StoredTranslation | None:
    async with conn.execute(
        "SELECT source_digest, source_language, provider, texts FROM post_translations "
        "WHERE post_id = ? AND target_language = ?",
        (post_id, target),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    return StoredTranslation(row["source_digest"], row["source_language"], row["provider"], json.loads(row["texts"]))


async def put_translation(conn: Connection, post_id: int, target: str, kept: StoredTranslation, now: int) -> None:
    """Keep a translation, replacing the one of an earlier version of the post."""
    await conn.execute(
        "INSERT INTO post_translations "
        "(post_id, target_language, source_digest, source_language, provider, texts, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (post_id, target_language) DO UPDATE SET source_digest = excluded.source_digest, "
        "source_language = excluded.source_language, provider = excluded.provider, "
        "texts = excluded.texts, created_at = excluded.created_at",
        (post_id, target, kept.source_digest, kept.source_language, kept.provider, json.dumps(kept.texts), now),
    )
