"""Account export jobs (layer 4): request an archive, build it in the background with progress,
hand it to its owner only, and let it expire after 7 days as Mastodon's archives do.

Jobs run as asyncio tasks in a web process, the one holding the job's lease (background.py). A
row left `queued` or `running` by a stop or a dead process is taken up by `resume_interrupted`,
which every web process calls at start and then every few seconds; the archive is rebuilt from
the beginning (a half-written zip only ever exists under a temporary name).

A zip is written in the local scratch folder, then handed to the instance's export store (the
exports folder, or the bucket) before its job is marked done.
"""

import logging
import secrets
from pathlib import Path

from ...clock import new_id
from ...config import Config
from ...db.api import Database
from ...errors import Gone, NotFound, TooManyRequests
from ...models import Actor
from ...objectstore.base import ObjectStore, Opened
from ...objectstore.stores import EXPORTS, scratch
from ...protocol import as2
from ...store import actors as actor_store
from ...store.portability import exports as store
from ...store.portability import job_leases
from ...store.portability.exports import ExportJob
from ...urls import Urls
from ..accounts.accounts import find_local_actor
from ..context import Context
from . import background as jobs
from . import export_archive
from .background import ARCHIVE_KEY, spawn, sweep_unnamed

log = logging.getLogger(__name__)

EXPIRY_MS = 7 * 24 * 3600 * 1000
# One archive per account a week (Mastodon's backup policy); a failed build does not count.
MIN_INTERVAL_MS = 7 * 24 * 3600 * 1000
TABLE = "exports"
TOO_SOON = "You can request one archive every 7 days"
NOT_FOUND = "Record not found"


def _archive_key(job: ExportJob) -> str:
    if job.file_key is None or not ARCHIVE_KEY.fullmatch(job.file_key):
        raise NotFound(NOT_FOUND)
    return job.file_key


def next_allowed_at(latest: ExportJob | None) -> int | None:
    """When the account may request its next archive, after `latest` (its newest unfailed job)."""
    return None if latest is None else latest.created_at + MIN_INTERVAL_MS


async def latest_job(db: Database, actor: Actor) -> ExportJob | None:
    return await store.latest_unfailed_job(db.reader, actor.id)


async def recent_jobs(db: Database, actor: Actor, limit: int = 5) -> list[ExportJob]:
    return await store.jobs_of(db.reader, actor.id, limit)


async def request_export(ctx: Context, actor: Actor, *, background: bool = True) -> ExportJob:
    """Queue an archive of `actor`; with `background`, start building it now in a task of this
    process (which leases it at once), else leave it to whoever runs it first.
    A second request within MIN_INTERVAL_MS of the last unfailed one is refused with 429."""
    now = ctx.now_ms()
    lease = jobs.lease_until(ctx) if background else None
    async with ctx.db.transaction() as conn:
        allowed_at = next_allowed_at(await store.latest_unfailed_job(conn, actor.id))
        if allowed_at is not None and now < allowed_at:
            raise TooManyRequests(f"{TOO_SOON}; the next one from {as2.iso_time(allowed_at)}")
        job = await store.insert_job(conn, new_id(now), actor.id, now, lease)
    if lease is not None:
        spawn(ctx, run_job(ctx, job.id, held=lease))
    return job


async def run_job(ctx: Context, job_id: int, *, held: int | None = None) -> ExportJob | None:
    """Build one job's archive, unless another process holds its lease (`held`: the lease this
    one was given). Never raises for a failed build: the error goes on the row."""
    lease = jobs.lease_until(ctx)
    async with ctx.db.transaction() as conn:
        job = await store.get_job(conn, job_id)
        if job is None or not await job_leases.claim(conn, TABLE, job_id, ctx.now_ms(), lease, held):
            return job
        await store.set_running(conn, job_id)
    await jobs.while_leased(ctx, TABLE, job_id, lease, _build(ctx, job))
    return await store.get_job(ctx.db.reader, job_id)


async def _build(ctx: Context, job: ExportJob) -> None:
    job_id = job.id
    actor = await actor_store.get_actor(ctx.db.reader, job.actor_id)
    key = f"{secrets.token_urlsafe(24)}.zip"

    async def progress(percent: int) -> None:
        async with ctx.db.transaction() as conn:
            await store.set_progress(conn, job_id, percent)

    written = scratch(ctx.config, EXPORTS) / key
    try:
        size = await export_archive.write_archive(ctx.db, ctx.config, ctx.urls, ctx.files.media, actor, written, progress)
        await ctx.files.exports.put(key, written, "application/zip")
    except Exception as e:
        log.exception("export %s of actor %s failed", job_id, job.actor_id)
        async with ctx.db.transaction() as conn:
            await store.set_failed(conn, job_id, f"{type(e).__name__}: {e}"[:500], ctx.now_ms())
    else:
        now = ctx.now_ms()
        async with ctx.db.transaction() as conn:
            await store.set_done(conn, job_id, key, size, now, now + EXPIRY_MS)
    finally:
        written.unlink(missing_ok=True)  # left only when the store refused it


async def resume_interrupted(ctx: Context) -> int:
    """At start: clear half-written zips, zips no job names and expired archives, then take up
    the jobs no live process holds. Call it only where jobs run (the web app), not from extra
    worker processes."""
    now = ctx.now_ms()
    done = await store.jobs_in_state(ctx.db.reader, ("done",))
    live = {job.file_key for job in done if job.expires_at is None or job.expires_at > now}
    await sweep_unnamed(ctx.files.exports, live, "export archives")
    return await take_up_abandoned(ctx)


async def take_up_abandoned(ctx: Context) -> int:
    """Run the jobs no live process holds: queued for anyone, or left by a process that died."""
    return await jobs.take_up_abandoned(ctx, TABLE, run_job)


async def own_job(db: Database, actor: Actor, job_id: int) -> ExportJob:
    """A job of `actor`'s; anyone else's is 404, as if it did not exist."""
    job = await store.get_job(db.reader, job_id)
    if job is None or job.actor_id != actor.id:
        raise NotFound(NOT_FOUND)
    return job


async def archive_for(ctx: Context, actor: Actor, job_id: int, now: int) -> Opened:
    """The finished zip of one of `actor`'s jobs, opened: 404 until done, 410 once expired."""
    job = await own_job(ctx.db, actor, job_id)
    if job.state != "done":
        raise NotFound(NOT_FOUND)
    key = _archive_key(job)
    if job.expires_at is not None and job.expires_at <= now:
        await ctx.files.exports.delete(key)
        raise Gone("This archive has expired; request a new one")
    opened = await ctx.files.exports.open(key)
    if opened is None:
        raise Gone("This archive is no longer available; request a new one")
    return opened


async def csv_export(db: Database, actor: Actor, kind: str, now: int) -> str:
    if kind not in export_archive.CSV_FILES:
        raise NotFound(NOT_FOUND)
    return await export_archive.csv_text(db, actor, kind, now)


async def export_to_file(
    db: Database, config: Config, media: ObjectStore, username: str, out: Path, progress: export_archive.Progress,
) -> int:
    """The command line's export: `username`'s archive written straight to `out`; its size."""
    try:
        actor = await find_local_actor(db, config, username)
    except NotFound:
        raise NotFound(f"no local user named '{username}'") from None
    return await export_archive.write_archive(db, config, Urls(config), media, actor, out, progress)
