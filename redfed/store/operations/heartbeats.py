"""The workers' heartbeats (layer 2): one row per process that runs the queues."""

from dataclasses import dataclass

from ...db.api import Connection


@dataclass(frozen=True)
class Heartbeat:
    process: str
    role: str
    version: str
    started_at: int
    seen_at: int


async def beat(conn: Connection, heartbeat: Heartbeat) -> None:
    await conn.execute(
        "INSERT INTO worker_heartbeats (process, role, version, started_at, seen_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (process) DO UPDATE SET role = excluded.role, version = excluded.version, "
        "started_at = excluded.started_at, seen_at = excluded.seen_at",
        (heartbeat.process, heartbeat.role, heartbeat.version, heartbeat.started_at, heartbeat.seen_at),
    )


async def list_since(conn: Connection, since: int) -> list[Heartbeat]:
    """Processes seen at `since` or later, the most recently seen first."""
    async with conn.execute(
        "SELECT process, role, version, started_at, seen_at FROM worker_heartbeats WHERE seen_at >= ? "
        "ORDER BY seen_at DESC, process",
        (since,),
    ) as cursor:
        return [Heartbeat(*row) for row in await cursor.fetchall()]


async def forget_before(conn: Connection, before: int) -> None:
    """Processes gone for long (a restart gives a process a new pid) leave no row behind."""
    await conn.execute("DELETE FROM worker_heartbeats WHERE seen_at < ?", (before,))
