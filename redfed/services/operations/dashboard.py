"""The admin dashboard's figures and warnings (layer 4): what an admin should look at first."""

from dataclasses import dataclass

from ... import __version__
from ..context import Context
from ...store.operations import growth, queues
from ...store.operations.queues import FailingHost, RecentError, SlowHost
from . import figures as database_figures
from .figures import Figures

WEEKS = 12
DAY_MS = 24 * 3600 * 1000
# A due row waiting this long means no worker is getting through the queue.
STUCK_MS = 10 * 60 * 1000
# A host failing on this many distinct days is called unreachable for days (7 marks it unavailable).
UNREACHABLE_DAYS = 2
ERRORS_SINCE_MS = 7 * DAY_MS


@dataclass(frozen=True)
class Warning:
    kind: str  # no_workers, stuck, unreachable
    subject: str = ""  # the queue or host it is about
    since: int | None = None  # ms


@dataclass(frozen=True)
class Dashboard:
    version: str
    figures: Figures
    remote_accounts: int
    users_weekly: list[int]
    posts_weekly: list[int]
    failing: list[FailingHost]
    slowest: list[SlowHost]
    errors: list[RecentError]
    warnings: list[Warning]


async def overview(ctx: Context) -> Dashboard:
    now = ctx.now_ms()
    conn = ctx.db.reader
    read = await database_figures.read(ctx.db, now)
    failing = await queues.failing_hosts(conn)
    return Dashboard(
        __version__, read, await growth.remote_accounts(conn),
        await growth.weekly(conn, "users", now, WEEKS), await growth.weekly(conn, "posts", now, WEEKS),
        failing, await queues.slowest_hosts(conn), await queues.recent_errors(conn, now - ERRORS_SINCE_MS), warnings(read, failing),
    )


def warnings(read: Figures, failing: list[FailingHost]) -> list[Warning]:
    found = []
    if not read.workers:
        found.append(Warning("no_workers"))
    for queue in read.queues:
        if queue.oldest_due_at is not None and read.now - queue.oldest_due_at > STUCK_MS:
            found.append(Warning("stuck", queue.name, queue.oldest_due_at))
    for host in failing:
        if host.unavailable_since is not None or host.failure_days >= UNREACHABLE_DAYS:
            found.append(Warning("unreachable", host.host, host.unavailable_since))
    return found
