"""SQL for read markers (layer 2): where an account stopped reading home and notifications."""

from collections.abc import Iterable
from dataclasses import dataclass

from ...db.api import Connection



@dataclass(frozen=True)
class Marker:
    timeline: str
    last_read_id: str
    version: int
    updated_at: int


async def get_markers(conn: Connection, actor_id: int, timelines: Iterable[str]) -> list[Marker]:
    names = list(dict.fromkeys(timelines))
    if not names:
        return []
    marks = ", ".join("?" for _ in names)
    async with conn.execute(
        f"SELECT timeline, last_read_id, version, updated_at FROM markers WHERE actor_id = ? AND timeline IN ({marks}) "
        "ORDER BY timeline",
        (actor_id, *names),
    ) as cursor:
        return [Marker(*row) for row in await cursor.fetchall()]


async def save_markers(conn: Connection, actor_id: int, positions: dict[str, str], now: int) -> None:
    """Set each timeline's last read id: a new marker starts at version 0, each update adds one."""
    await conn.executemany(
        "INSERT INTO markers (actor_id, timeline, last_read_id, version, updated_at) VALUES (?, ?, ?, 0, ?) "
        "ON CONFLICT (actor_id, timeline) DO UPDATE SET last_read_id = excluded.last_read_id, "
        "version = markers.version + 1, updated_at = excluded.updated_at",
        [(actor_id, timeline, last_read_id, now) for timeline, last_read_id in positions.items()],
    )
