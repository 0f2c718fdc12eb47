"""SQL for scheduled posts (layer 2)."""

import json
from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True)
class ScheduledPost:
    id: int
    actor_id: int
    params: dict
    scheduled_at: int


_COLUMNS = "id, actor_id, params, scheduled_at"


def _row(row) -> ScheduledPost:
    return ScheduledPost(row[0], row[1], json.loads(row[2]), row[3])


async def insert(conn: aiosqlite.Connection, scheduled_id: int, actor_id: int, params: dict, at: int, now: int) -> ScheduledPost:
    async with conn.execute(
        f"INSERT INTO scheduled_posts (id, actor_id, params, scheduled_at, created_at) VALUES (?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
        (scheduled_id, actor_id, json.dumps(params), at, now),
    ) as cursor:
        return _row(await cursor.fetchone())


async def list_for(conn: aiosqlite.Connection, actor_id: int, limit: int) -> list[ScheduledPost]:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM scheduled_posts WHERE actor_id = ? ORDER BY scheduled_at LIMIT ?", (actor_id, limit)
    ) as cursor:
        return [_row(row) for row in await cursor.fetchall()]


async def get(conn: aiosqlite.Connection, scheduled_id: int, actor_id: int) -> ScheduledPost | None:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM scheduled_posts WHERE id = ? AND actor_id = ?", (scheduled_id, actor_id)
    ) as cursor:
        row = await cursor.fetchone()
    return _row(row) if row else None


async def reschedule(conn: aiosqlite.Connection, scheduled_id: int, at: int) -> None:
    await conn.execute("UPDATE scheduled_posts SET scheduled_at = ? WHERE id = ?", (at, scheduled_id))


async def delete(conn: aiosqlite.Connection, scheduled_id: int) -> None:
    await conn.execute("DELETE FROM scheduled_posts WHERE id = ?", (scheduled_id,))


async def due(conn: aiosqlite.Connection, now: int, limit: int) -> list[ScheduledPost]:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM scheduled_posts WHERE scheduled_at <= ? ORDER BY scheduled_at LIMIT ?", (now, limit)
    ) as cursor:
        return [_row(row) for row in await cursor.fetchall()]
