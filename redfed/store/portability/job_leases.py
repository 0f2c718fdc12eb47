"""Leases on export and import jobs (layer 2): which process runs a job, and until when.

A job is run by the process holding its lease (`claimed_until`, ms). The holder renews it while
it works; the value it wrote is its proof of holding, so a process whose lease ran out and was
taken by another finds out at its next renewal. On PostgreSQL, processes looking for abandoned
jobs at once skip each other's rows (dialects.skip_locked).
"""

from ...db.api import Connection
from .. import dialects

TABLES = ("exports", "imports")
_UNFINISHED = "state IN ('queued', 'running')"


def _table(name: str) -> str:
    if name not in TABLES:
        raise ValueError(f"no leased jobs in {name}")
    return name


async def claim(conn: Connection, table: str, job_id: int, now: int, until: int, held: int | None = None) -> bool:
    """Lease one unfinished job until `until`: when no one holds it, its lease ran out, or the
    caller holds it already (`held`, the lease it was given)."""
    cursor = await conn.execute(
        f"UPDATE {_table(table)} SET claimed_until = ? WHERE id = ? AND {_UNFINISHED} "
        "AND (claimed_until IS NULL OR claimed_until < ? OR claimed_until = ?)",
        (until, job_id, now, held),
    )
    return cursor.rowcount == 1


async def any_abandoned(conn: Connection, table: str, now: int) -> bool:
    """Whether an unfinished job has no live lease (a read: the cheap check before claiming)."""
    sql = f"SELECT 1 FROM {_table(table)} WHERE {_UNFINISHED} AND (claimed_until IS NULL OR claimed_until < ?) LIMIT 1"
    async with conn.execute(sql, (now,)) as cursor:
        return await cursor.fetchone() is not None


async def claim_abandoned(conn: Connection, table: str, now: int, until: int, limit: int) -> list[int]:
    """Lease up to `limit` unfinished jobs that no live lease holds; their ids, oldest first."""
    async with conn.execute(
        f"UPDATE {_table(table)} SET claimed_until = ? WHERE id IN ("
        f"  SELECT id FROM {table} WHERE {_UNFINISHED} AND (claimed_until IS NULL OR claimed_until < ?)"
        f"  ORDER BY id LIMIT ?{dialects.skip_locked(conn)}) RETURNING id",
        (until, now, limit),
    ) as cursor:
        return sorted(row[0] for row in await cursor.fetchall())


async def renew(conn: Connection, table: str, job_id: int, held: int, until: int) -> bool:
    """Extend the lease the caller holds; False when it no longer holds it."""
    cursor = await conn.execute(
        f"UPDATE {_table(table)} SET claimed_until = ? WHERE id = ? AND claimed_until = ?", (until, job_id, held)
    )
    return cursor.rowcount == 1


async def release(conn: Connection, table: str, job_id: int, held: int) -> None:
    """Give the lease back (a stop): another process, or the next start, takes the job up at once."""
    await conn.execute(f"UPDATE {_table(table)} SET claimed_until = NULL WHERE id = ? AND claimed_until = ?", (job_id, held))
