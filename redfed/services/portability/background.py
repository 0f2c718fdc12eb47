"""Background jobs of the web processes (layer 4): exports and imports run as tasks beside the
requests that started them. The event loop keeps only weak references to tasks, so each is kept
here until it finishes; otherwise a job could be collected half done.

Several processes may serve one instance: a job runs in the one holding its lease
(store.portability.job_leases), renewed every RENEW_SECONDS while the job works. A process that
dies holding one leaves the job to the others once LEASE_MS has passed; one that stops gives its
leases back, so the next start takes the jobs up at once.
"""

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Coroutine, Iterable
from dataclasses import dataclass

from ...db.connection import uninterrupted
from ...db.errors import DATABASE_ERRORS
from ...errors import ServiceUnavailable
from ...objectstore.base import ObjectStore
from ...store.portability import job_leases
from ..context import Context

log = logging.getLogger(__name__)

LEASE_MS = 30_000
RENEW_SECONDS = 10.0
TAKE_UP_LIMIT = 5

running: set[asyncio.Task] = set()
# The keys of exported and uploaded archives: random, so that no one can guess another's.
ARCHIVE_KEY = re.compile(r"[A-Za-z0-9_-]{32}\.zip")
_databases: dict[asyncio.Task, object] = {}  # the database each task works on (a test runs several instances)


@dataclass
class _Lease:
    table: str
    job_id: int
    held: int  # the lease's end as written: the holder's proof
    lost: bool = False


def spawn(ctx: Context, job: Coroutine) -> asyncio.Task:
    task = asyncio.create_task(job)
    running.add(task)
    _databases[task] = ctx.db
    task.add_done_callback(_forget)
    return task


def _forget(task: asyncio.Task) -> None:
    running.discard(task)
    _databases.pop(task, None)


async def stop_all(ctx: Context) -> None:
    """At stop: cancel the jobs this instance runs; each gives its lease back as it unwinds."""
    tasks = [task for task in running if _databases.get(task) is ctx.db]
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


def lease_until(ctx: Context) -> int:
    return ctx.now_ms() + LEASE_MS


async def while_leased(ctx: Context, table: str, job_id: int, held: int, work: Awaitable) -> None:
    """Run `work` while renewing the lease `held` on one job. Should another process take the job
    over meanwhile (this one stalled past its lease), `work` is cancelled and this returns."""
    lease = _Lease(table, job_id, held)
    job = asyncio.ensure_future(work)
    keeper = asyncio.create_task(_keep(ctx, lease, job))
    try:
        await job
    except asyncio.CancelledError:
        if lease.lost:
            return
        await _release(ctx, lease)
        raise
    except BaseException:
        await _release(ctx, lease)
        raise
    finally:
        keeper.cancel()


async def _keep(ctx: Context, lease: _Lease, job: asyncio.Future) -> None:
    """Renew the lease until cancelled; cancel `job` if the lease was lost."""
    while True:
        await asyncio.sleep(RENEW_SECONDS)
        until = lease_until(ctx)
        try:
            async with ctx.db.transaction() as conn:
                renewed = await job_leases.renew(conn, lease.table, lease.job_id, lease.held, until)
        except (ServiceUnavailable, *DATABASE_ERRORS) as error:
            log.warning("renewing the lease on %s %s failed: %s", lease.table, lease.job_id, error)
            continue
        if not renewed:
            log.warning("%s %s was taken over by another process; stopped here", lease.table, lease.job_id)
            lease.lost = True
            job.cancel()
            return
        lease.held = until


async def _release(ctx: Context, lease: _Lease) -> None:
    try:
        async with ctx.db.transaction() as conn:
            await uninterrupted(job_leases.release(conn, lease.table, lease.job_id, lease.held))
    except (ServiceUnavailable, *DATABASE_ERRORS, RuntimeError) as error:  # a closed database too
        log.warning("could not give back the lease on %s %s (it runs out by itself): %s", lease.table, lease.job_id, error)


async def take_up_abandoned(ctx: Context, table: str, run_job) -> int:
    """Lease and start the jobs of `table` no live process holds (queued for anyone, or left by a
    process that died); `run_job(ctx, job_id, held=lease)` runs one. How many were taken."""
    now = ctx.now_ms()
    if not await job_leases.any_abandoned(ctx.db.reader, table, now):
        return 0
    until = now + LEASE_MS
    async with ctx.db.transaction() as conn:
        ids = await job_leases.claim_abandoned(conn, table, now, until, TAKE_UP_LIMIT)
    for job_id in ids:
        spawn(ctx, run_job(ctx, job_id, held=until))
    return len(ids)


async def sweep_unnamed(archives: ObjectStore, named: Iterable[str], what: str) -> list[str]:
    """At start: remove the half-written archives and the finished ones (`*.zip` keys) that no job
    names, left by a stop between storing a file and recording it, or between forgetting it and
    removing it. Tells the operator what went; returns the keys removed."""
    await archives.clear_scratch()
    await archives.delete(*await archives.staged())
    named = set(named)
    # Compared with the times the disk or the bucket gave the files, not with the instance's clock.
    settled = time.time() - archives.sweep_grace_seconds
    swept = [
        listed.key async for listed in archives.list_keys()
        if ARCHIVE_KEY.fullmatch(listed.key) and listed.key not in named and listed.modified <= settled
    ]
    await archives.delete(*swept)
    if swept:
        log.warning("removed %d %s that no job named (left by a stop): %s", len(swept), what, ", ".join(swept))
    return swept
