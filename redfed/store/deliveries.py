"""SQL for published activities, their per-inbox deliveries and what we know of remote hosts (layer 2).

Deliveries are a leased queue (store.leased_queues): a worker killed mid-delivery leaves its rows
to be claimed again when the lease runs out, so nothing queued is lost.
"""

import json

from ..db.api import Connection
from ..models import Delivery
from . import leased_queues
from .leased_queues import Outcome

__all__ = ["Outcome"]


async def insert_activity(
    conn: Connection, activity_id: str, actor_id: int, activity_type: str, object_uri: str | None,
    is_public: bool, raw: str, now: int,
) -> int:
    async with conn.execute(
        "INSERT INTO outbox_activities (activity_id, actor_id, activity_type, object_uri, is_public, raw, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (activity_id, actor_id, activity_type, object_uri, int(is_public), raw, now),
    ) as cursor:
        return (await cursor.fetchone())[0]


async def insert_deliveries(conn: Connection, outbox_activity_id: int, targets: list[tuple[str, str]], now: int) -> None:
    """One pending row per (inbox, host) target."""
    await conn.executemany(
        "INSERT INTO deliveries (outbox_activity_id, inbox_uri, host, next_attempt_at, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(outbox_activity_id, inbox, host, now, now) for inbox, host in targets],
    )


async def claim_due(conn: Connection, now: int, lease_ms: int, limit: int) -> list[Delivery]:
    ids = [row[0] for row in await leased_queues.claim_due(conn, "deliveries", now, lease_ms, limit)]
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    async with conn.execute(
        "SELECT deliveries.id, deliveries.outbox_activity_id, deliveries.inbox_uri, deliveries.host, "
        "deliveries.attempts, outbox_activities.actor_id, outbox_activities.raw FROM deliveries "
        f"JOIN outbox_activities ON outbox_activities.id = deliveries.outbox_activity_id WHERE deliveries.id IN ({marks}) "
        "ORDER BY deliveries.id",
        ids,
    ) as cursor:
        return [Delivery(*row) for row in await cursor.fetchall()]


async def extend_claims(conn: Connection, ids: list[int], until: int) -> None:
    await leased_queues.extend_claims(conn, "deliveries", ids, until)


async def release_claims(conn: Connection, ids: list[int]) -> None:
    await leased_queues.release_claims(conn, "deliveries", ids)


async def record_outcomes(conn: Connection, outcomes: list[Outcome], now: int) -> None:
    await leased_queues.record_outcomes(conn, "deliveries", outcomes, now)


async def delivery_states(conn: Connection) -> dict[str, int]:
    return await leased_queues.states(conn, "deliveries")


async def next_due_at(conn: Connection) -> int | None:
    async with conn.execute("SELECT min(next_attempt_at) FROM deliveries WHERE state = 'pending'") as cursor:
        return (await cursor.fetchone())[0]


async def list_outbox(conn: Connection, actor_id: int, limit: int, before_id: int | None) -> list[tuple[int, str]]:
    """(row id, raw activity) of an actor's public activities, newest first."""
    async with conn.execute(
        "SELECT id, raw FROM outbox_activities WHERE actor_id = ? AND is_public = 1 AND id < ? ORDER BY id DESC LIMIT ?",
        (actor_id, before_id if before_id is not None else 2**63 - 1, limit),
    ) as cursor:
        return [(row[0], row[1]) for row in await cursor.fetchall()]


async def count_outbox(conn: Connection, actor_id: int) -> int:
    async with conn.execute("SELECT count(*) FROM outbox_activities WHERE actor_id = ? AND is_public = 1", (actor_id,)) as cursor:
        return (await cursor.fetchone())[0]


async def find_activity(conn: Connection, activity_id: str) -> str | None:
    async with conn.execute("SELECT raw FROM outbox_activities WHERE activity_id = ?", (activity_id,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def unpublish_object(conn: Connection, object_uri: str) -> None:
    """A deleted object's activities leave the outbox (their deliveries already ran or are dropped)."""
    await conn.execute("DELETE FROM outbox_activities WHERE object_uri = ? AND activity_type != 'Delete'", (object_uri,))


# Remote hosts -----------------------------------------------------------------------------------


async def get_host(conn: Connection, host: str) -> tuple[list[str], int | None, str | None]:
    """(failure days, unavailable since, remembered signature style) of a host."""
    async with conn.execute(
        "SELECT failure_days, unavailable_since, signature_style FROM remote_hosts WHERE host = ?", (host,)
    ) as cursor:
        row = await cursor.fetchone()
    return (json.loads(row[0]), row[1], row[2]) if row else ([], None, None)


async def save_host(
    conn: Connection, host: str, failure_days: list[str], unavailable_since: int | None,
    signature_style: str | None, last_success_at: int | None,
) -> None:
    await conn.execute(
        "INSERT INTO remote_hosts (host, failure_days, unavailable_since, signature_style, last_success_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (host) DO UPDATE SET failure_days = excluded.failure_days, "
        "unavailable_since = excluded.unavailable_since, signature_style = excluded.signature_style, "
        "last_success_at = coalesce(excluded.last_success_at, remote_hosts.last_success_at)",
        (host, json.dumps(failure_days), unavailable_since, signature_style, last_success_at),
    )


async def add_latency(conn: Connection, host: str, ms: int) -> None:
    """Fold one batch's typical delivery time into the host's moving average."""
    await conn.execute(
        "UPDATE remote_hosts SET latency_ms = CASE WHEN latency_ms IS NULL THEN ? "
        "ELSE (latency_ms * 7 + ? * 3) / 10 END WHERE host = ?",
        (ms, ms, host),
    )


async def mark_host_available(conn: Connection, host: str) -> None:
    """Any sign of life (an inbound request) clears the failure record."""
    await conn.execute(
        "UPDATE remote_hosts SET failure_days = '[]', unavailable_since = NULL WHERE host = ? "
        "AND (unavailable_since IS NOT NULL OR failure_days != '[]')",
        (host,),
    )


async def unpublish_activity(conn: Connection, activity_id: str) -> None:
    await conn.execute("DELETE FROM outbox_activities WHERE activity_id = ?", (activity_id,))


async def republish_activity(conn: Connection, activity_id: str, raw: str) -> None:
    """The outbox serves an edited post's Create with the post as it is now."""
    await conn.execute("UPDATE outbox_activities SET raw = ? WHERE activity_id = ?", (raw, activity_id))
