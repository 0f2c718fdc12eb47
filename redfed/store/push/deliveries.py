"""SQL for the push queue (layer 2): one row per (notification, subscription), leased like
deliveries (store.deliveries) so that a worker killed mid-push leaves its rows to another."""

from dataclasses import dataclass

from ...db.api import Connection
from .. import dialects


@dataclass(frozen=True)
class PushDelivery:
    id: int
    attempts: int
    payload: str
    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str
    standard: bool


@dataclass(frozen=True)
class Outcome:
    push_id: int
    state: str  # pending (retry), sent, gone or failed
    status: int | None
    error: str | None
    next_attempt_at: int


async def insert_pushes(conn: Connection, pushes: list[tuple[int, str]], now: int) -> None:
    """(subscription id, payload) pairs, due now."""
    await conn.executemany(
        "INSERT INTO push_deliveries (subscription_id, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?)",
        [(subscription_id, payload, now, now) for subscription_id, payload in pushes],
    )


async def claim_due(conn: Connection, now: int, lease_ms: int, limit: int) -> list[PushDelivery]:
    async with conn.execute(
        "UPDATE push_deliveries SET claimed_until = ? WHERE id IN ("
        "  SELECT id FROM push_deliveries WHERE state = 'pending' AND next_attempt_at <= ?"
        "  AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at, id LIMIT ?"
        f"{dialects.skip_locked(conn)}) RETURNING id",
        (now + lease_ms, now, now, limit),
    ) as cursor:
        ids = [row[0] for row in await cursor.fetchall()]
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    async with conn.execute(
        "SELECT push_deliveries.id, push_deliveries.attempts, push_deliveries.payload, push_subscriptions.id, "
        "push_subscriptions.endpoint, push_subscriptions.p256dh, push_subscriptions.auth, push_subscriptions.standard "
        "FROM push_deliveries JOIN push_subscriptions ON push_subscriptions.id = push_deliveries.subscription_id "
        f"WHERE push_deliveries.id IN ({marks}) ORDER BY push_deliveries.id",
        ids,
    ) as cursor:
        return [PushDelivery(*row[:7], bool(row[7])) for row in await cursor.fetchall()]


async def record_outcomes(conn: Connection, outcomes: list[Outcome], now: int) -> None:
    await conn.executemany(
        "UPDATE push_deliveries SET state = ?, last_status = ?, last_error = ?, attempts = attempts + 1, "
        "next_attempt_at = ?, claimed_until = NULL, "
        "finished_at = CASE WHEN ? = 'pending' THEN NULL ELSE CAST(? AS BIGINT) END WHERE id = ?",
        [(o.state, o.status, o.error, o.next_attempt_at, o.state, now, o.push_id) for o in outcomes],
    )


async def push_states(conn: Connection) -> dict[str, int]:
    async with conn.execute("SELECT state, count(*) FROM push_deliveries GROUP BY state") as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall()}
