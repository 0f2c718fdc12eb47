"""What every leased queue table shares (layer 2): deliveries, push_deliveries and inbox_items.

A row is pending until a worker finishes it. Claiming is one UPDATE … RETURNING that sets a lease
(`claimed_until`): a worker killed mid-row leaves it to be claimed again when the lease runs out,
so nothing queued is lost. On PostgreSQL, workers claiming at once skip each other's rows
(dialects.skip_locked).
"""

from dataclasses import dataclass

from ..db.api import Connection
from . import dialects

# Table names are spliced into SQL, so only these are accepted.
TABLES = frozenset({"deliveries", "push_deliveries", "inbox_items"})


@dataclass(frozen=True)
class Outcome:
    row_id: int
    state: str  # pending (retry), sent, gone or failed
    status: int | None
    error: str | None
    next_attempt_at: int


async def claim_due(
    conn: Connection, table: str, now: int, lease_ms: int, limit: int, *,
    order: str = "next_attempt_at, id", returning: str = "id",
) -> list[tuple]:
    """Lease up to `limit` pending rows that are due and unclaimed (or whose lease ran out)."""
    assert table in TABLES, table
    async with conn.execute(
        f"UPDATE {table} SET claimed_until = ? WHERE id IN ("
        f"  SELECT id FROM {table} WHERE state = 'pending' AND next_attempt_at <= ?"
        f"  AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY {order} LIMIT ?"
        f"{dialects.skip_locked(conn)}) RETURNING {returning}",
        (now + lease_ms, now, now, limit),
    ) as cursor:
        return list(await cursor.fetchall())


async def extend_claims(conn: Connection, table: str, ids: list[int], until: int) -> None:
    """Renew the lease on rows a worker is still working on (finished rows hold no claim)."""
    assert table in TABLES, table
    if ids:
        marks = ", ".join("?" for _ in ids)
        await conn.execute(
            f"UPDATE {table} SET claimed_until = ? WHERE id IN ({marks}) AND claimed_until IS NOT NULL", (until, *ids)
        )


async def release_claims(conn: Connection, table: str, ids: list[int]) -> None:
    """Hand rows back unfinished, due at once for whichever worker claims next."""
    assert table in TABLES, table
    if ids:
        marks = ", ".join("?" for _ in ids)
        await conn.execute(f"UPDATE {table} SET claimed_until = NULL WHERE id IN ({marks})", ids)


async def record_outcomes(conn: Connection, table: str, outcomes: list[Outcome], now: int) -> None:
    """Release the rows with what came of them: due again later, or finished now."""
    assert table in TABLES, table
    await conn.executemany(
        f"UPDATE {table} SET state = ?, last_status = ?, last_error = ?, attempts = attempts + 1, "
        "next_attempt_at = ?, claimed_until = NULL, "
        "finished_at = CASE WHEN ? = 'pending' THEN NULL ELSE CAST(? AS BIGINT) END WHERE id = ?",
        [(o.state, o.status, o.error, o.next_attempt_at, o.state, now, o.row_id) for o in outcomes],
    )


async def states(conn: Connection, table: str) -> dict[str, int]:
    """How many rows are in each state."""
    assert table in TABLES, table
    async with conn.execute(f"SELECT state, count(*) FROM {table} GROUP BY state") as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall()}
