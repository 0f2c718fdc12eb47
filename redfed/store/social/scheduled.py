"""SQL for scheduled posts (layer 2).

A due post is claimed with a lease (`claimed_until`), as deliveries are: two worker processes
never publish the same one, and one killed mid-publish leaves it to the others when the lease
runs out. On PostgreSQL, workers claiming at once skip each other's rows (dialects.skip_locked).
"""

import json
from dataclasses import dataclass

from ...db.api import Connection
from .. import dialects


@dataclass(frozen=True)
class ScheduledPost:
    id: int
    actor_id: int
    params: dict
    scheduled_at: int


_COLUMNS = "id, actor_id, params, scheduled_at"


def _row(row) -> ScheduledPost:
    return ScheduledPost(row[0], row[1], json.loads(row[2]), row[3])


async def insert(conn: Connection, scheduled_id: int, actor_id: int, params: dict, at: int, now: int) -> ScheduledPost:
    async with conn.execute(
        f"INSERT INTO scheduled_posts (id, actor_id, params, scheduled_at, created_at) VALUES (?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
        (scheduled_id, actor_id, json.dumps(params), at, now),
    ) as cursor:
        return _row(await cursor.fetchone())


async def list_for(conn: Connection, actor_id: int, limit: int) -> list[ScheduledPost]:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM scheduled_posts WHERE actor_id = ? ORDER BY scheduled_at LIMIT ?", (actor_id, limit)
    ) as cursor:
        return [_row(row) for row in await cursor.fetchall()]


async def get(conn: Connection, scheduled_id: int, actor_id: int) -> ScheduledPost | None:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM scheduled_posts WHERE id = ? AND actor_id = ?", (scheduled_id, actor_id)
    ) as cursor:
        row = await cursor.fetchone()
    return _row(row) if row else None


async def reschedule(conn: Connection, scheduled_id: int, at: int) -> None:
    await conn.execute("UPDATE scheduled_posts SET scheduled_at = ? WHERE id = ?", (at, scheduled_id))


async def delete(conn: Connection, scheduled_id: int) -> None:
    await conn.execute("DELETE FROM scheduled_posts WHERE id = ?", (scheduled_id,))


_UNCLAIMED_DUE = "scheduled_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)"


async def any_due(conn: Connection, now: int) -> bool:
    """Whether a post is due that no one holds (a read: the cheap check before claiming)."""
    async with conn.execute(f"SELECT 1 FROM scheduled_posts WHERE {_UNCLAIMED_DUE} LIMIT 1", (now, now)) as cursor:
        return await cursor.fetchone() is not None


async def claim_due(conn: Connection, now: int, lease_until: int, limit: int) -> list[ScheduledPost]:
    """Lease up to `limit` due posts that no one holds, earliest first."""
    async with conn.execute(
        "UPDATE scheduled_posts SET claimed_until = ? WHERE id IN ("
        f"  SELECT id FROM scheduled_posts WHERE {_UNCLAIMED_DUE} ORDER BY scheduled_at, id LIMIT ?"
        f"{dialects.skip_locked(conn)}) RETURNING {_COLUMNS}",
        (lease_until, now, now, limit),
    ) as cursor:
        return sorted((_row(row) for row in await cursor.fetchall()), key=lambda item: (item.scheduled_at, item.id))
