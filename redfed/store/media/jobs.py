"""SQL for video processing jobs (layer 2): one row per upload still to transcode, leased by the
worker running it (`claimed_until`, ms). No business rules here."""

import json
from dataclasses import dataclass

from ...db.api import Connection
from .. import dialects


@dataclass(frozen=True)
class MediaJob:
    media_id: int
    source_key: str
    probe: dict
    attempts: int


COLUMNS = "media_id, source_key, probe, attempts"


def _row_to_job(row) -> MediaJob:
    return MediaJob(row[0], row[1], json.loads(row[2]), row[3])


async def insert(conn: Connection, job: MediaJob, now: int, claimed_until: int | None) -> None:
    """Queue a job; with `claimed_until`, leased at once by the caller (its first attempt)."""
    await conn.execute(
        "INSERT INTO media_jobs (media_id, source_key, probe, attempts, claimed_until, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (job.media_id, job.source_key, json.dumps(job.probe), job.attempts, claimed_until, now),
    )


async def any_due(conn: Connection, now: int) -> bool:
    """Whether a job has no live lease (a read: the cheap check before claiming)."""
    sql = "SELECT 1 FROM media_jobs WHERE claimed_until IS NULL OR claimed_until < ? LIMIT 1"
    async with conn.execute(sql, (now,)) as cursor:
        return await cursor.fetchone() is not None


async def claim_due(conn: Connection, now: int, until: int, limit: int) -> list[MediaJob]:
    """Lease up to `limit` jobs no live lease holds, oldest first, counting the attempt."""
    async with conn.execute(
        "UPDATE media_jobs SET claimed_until = ?, attempts = attempts + 1 WHERE media_id IN ("
        "  SELECT media_id FROM media_jobs WHERE claimed_until IS NULL OR claimed_until < ?"
        f"  ORDER BY media_id LIMIT ?{dialects.skip_locked(conn)}) RETURNING {COLUMNS}",
        (until, now, limit),
    ) as cursor:
        return sorted(map(_row_to_job, await cursor.fetchall()), key=lambda job: job.media_id)


async def renew(conn: Connection, media_id: int, until: int) -> None:
    await conn.execute("UPDATE media_jobs SET claimed_until = ? WHERE media_id = ?", (until, media_id))


async def release(conn: Connection, media_id: int) -> None:
    """Give the lease back (a stop): the next worker takes the job up at once."""
    await conn.execute("UPDATE media_jobs SET claimed_until = NULL WHERE media_id = ?", (media_id,))


async def delete(conn: Connection, media_id: int) -> str | None:
    """Remove a job (done, failed, or its upload deleted); the source key it named, if any."""
    async with conn.execute("DELETE FROM media_jobs WHERE media_id = ? RETURNING source_key", (media_id,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def kept_files(conn: Connection) -> set[str]:
    """The files queued jobs still need, which a sweep must keep: their originals, and the
    thumbnails uploaded with them."""
    async with conn.execute(
        "SELECT media_jobs.source_key, media.preview_key FROM media_jobs JOIN media ON media.id = media_jobs.media_id"
    ) as cursor:
        return {key for row in await cursor.fetchall() for key in row if key}
