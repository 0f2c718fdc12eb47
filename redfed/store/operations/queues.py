"""The queues as every process sees them (layer 2): figures read from the database, so that any
process answering a scrape or drawing the dashboard tells the same story."""

from dataclasses import dataclass

from ...db.api import Connection

# Queue name -> (table, column of when a row was queued). Constants, never input.
QUEUES = {"delivery": ("deliveries", "created_at"), "inbox": ("inbox_items", "received_at")}


@dataclass(frozen=True)
class QueueFigures:
    name: str
    pending: int  # waiting, due or not
    due: int  # pending rows whose time has come
    oldest_queued_at: int | None  # ms, of the oldest pending row
    oldest_due_at: int | None  # ms: how long the longest-waiting due row has waited is the lag


@dataclass(frozen=True)
class FailingHost:
    host: str
    pending: int
    attempts: int  # the most tries any of its pending deliveries has had
    last_status: int | None
    last_error: str | None
    next_attempt_at: int | None
    unavailable_since: int | None
    failure_days: int


@dataclass(frozen=True)
class SlowHost:
    host: str
    latency_ms: int  # a moving average of its successful deliveries
    last_success_at: int | None


@dataclass(frozen=True)
class RecentError:
    queue: str
    target: str  # an inbox URL, or the actor of an inbound activity
    error: str
    at: int  # when it is tried again, or when it was given up


async def queue_figures(conn: Connection, name: str, now: int) -> QueueFigures:
    table, queued = QUEUES[name]
    async with conn.execute(
        f"SELECT count(*), coalesce(sum(CASE WHEN next_attempt_at <= ? THEN 1 ELSE 0 END), 0), min({queued}), "
        f"min(CASE WHEN next_attempt_at <= ? THEN next_attempt_at END) FROM {table} WHERE state = 'pending'",
        (now, now),
    ) as cursor:
        pending, due, oldest, oldest_due = await cursor.fetchone()
    return QueueFigures(name, int(pending), int(due), oldest, oldest_due)


async def failing_hosts(conn: Connection, limit: int = 20) -> list[FailingHost]:
    """Hosts with deliveries waiting for another try, or marked unavailable: the most tried first."""
    async with conn.execute(
        "SELECT d.host, count(*), max(d.attempts), min(d.next_attempt_at), h.unavailable_since, h.failure_days "
        "FROM deliveries AS d LEFT JOIN remote_hosts AS h ON h.host = d.host "
        "WHERE d.state = 'pending' AND (d.attempts > 0 OR h.unavailable_since IS NOT NULL) "
        "GROUP BY d.host, h.unavailable_since, h.failure_days ORDER BY max(d.attempts) DESC, d.host LIMIT ?",
        (limit,),
    ) as cursor:
        rows = await cursor.fetchall()
    return [
        FailingHost(host, int(pending), int(attempts), *await _last_failure(conn, host), next_at, unavailable, _days(days))
        for host, pending, attempts, next_at, unavailable, days in rows
    ]


async def slowest_hosts(conn: Connection, limit: int = 10) -> list[SlowHost]:
    """The hosts that take longest to accept a delivery, slowest first."""
    async with conn.execute(
        "SELECT host, latency_ms, last_success_at FROM remote_hosts WHERE latency_ms IS NOT NULL "
        "ORDER BY latency_ms DESC, host LIMIT ?",
        (limit,),
    ) as cursor:
        return [SlowHost(*row) for row in await cursor.fetchall()]


async def _last_failure(conn: Connection, host: str) -> tuple[int | None, str | None]:
    async with conn.execute(
        "SELECT last_status, last_error FROM deliveries WHERE host = ? AND state = 'pending' AND last_error IS NOT NULL "
        "ORDER BY attempts DESC, id DESC LIMIT 1",
        (host,),
    ) as cursor:
        row = await cursor.fetchone()
    return (row[0], row[1]) if row else (None, None)


def _days(failure_days: str | None) -> int:
    # A JSON array of ISO dates; counting its commas spares parsing it.
    if not failure_days or failure_days == "[]":
        return 0
    return failure_days.count(",") + 1


async def recent_errors(conn: Connection, since: int, limit: int = 10) -> list[RecentError]:
    """The newest errors of both queues since `since`: rows waiting for another try, and rows
    given up. Both are read through the queues' (state, next_attempt_at) index - a terminal row's
    next_attempt_at is when it ended - never by scanning every row ever queued."""
    found = []
    for name, target in (("delivery", "inbox_uri"), ("inbox", "actor_uri")):
        table, _ = QUEUES[name]
        async with conn.execute(
            f"SELECT {target}, last_error, next_attempt_at FROM {table} "
            "WHERE state IN ('pending', 'failed') AND next_attempt_at >= ? AND last_error IS NOT NULL "
            "ORDER BY next_attempt_at DESC LIMIT ?",
            (since, limit),
        ) as cursor:
            found += [RecentError(name, *row) for row in await cursor.fetchall()]
    return sorted(found, key=lambda e: e.at, reverse=True)[:limit]
