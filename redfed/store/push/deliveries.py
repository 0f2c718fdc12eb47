"""SQL for the push queue (layer 2): one row per (notification, subscription), leased like
deliveries (store.deliveries) so that a worker killed mid-push leaves its rows to another."""

from dataclasses import dataclass

from ...db.api import Connection
from .. import leased_queues
from ..leased_queues import Outcome

__all__ = ["Outcome", "PushDelivery"]


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
    access_token: str


async def insert_pushes(conn: Connection, pushes: list[tuple[int, str]], now: int) -> None:
    """(subscription id, payload) pairs, due now."""
    await conn.executemany(
        "INSERT INTO push_deliveries (subscription_id, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?)",
        [(subscription_id, payload, now, now) for subscription_id, payload in pushes],
    )


async def claim_due(conn: Connection, now: int, lease_ms: int, limit: int) -> list[PushDelivery]:
    ids = [row[0] for row in await leased_queues.claim_due(conn, "push_deliveries", now, lease_ms, limit)]
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    async with conn.execute(
        "SELECT push_deliveries.id, push_deliveries.attempts, push_deliveries.payload, push_subscriptions.id, "
        "push_subscriptions.endpoint, push_subscriptions.p256dh, push_subscriptions.auth, push_subscriptions.standard, "
        "push_subscriptions.access_token "
        "FROM push_deliveries JOIN push_subscriptions ON push_subscriptions.id = push_deliveries.subscription_id "
        f"WHERE push_deliveries.id IN ({marks}) ORDER BY push_deliveries.id",
        ids,
    ) as cursor:
        return [PushDelivery(*row[:7], bool(row[7]), row[8]) for row in await cursor.fetchall()]


async def release_claims(conn: Connection, ids: list[int]) -> None:
    await leased_queues.release_claims(conn, "push_deliveries", ids)


async def record_outcomes(conn: Connection, outcomes: list[Outcome], now: int) -> None:
    await leased_queues.record_outcomes(conn, "push_deliveries", outcomes, now)


async def push_states(conn: Connection) -> dict[str, int]:
    return await leased_queues.states(conn, "push_deliveries")
