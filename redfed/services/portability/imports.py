"""Import jobs (layer 4): a CSV of one of Mastodon's import types, an account archive, or an
Instagram or TikTok data export (foreign_import), checked when it is handed in and applied in the
background with progress and a per-row report.

A CSV is parsed at once - a file over 20 MB or 20,000 rows, with the wrong header or not CSV at
all is refused before anything is stored - and its rows are kept on the job. An archive is
checked through (archive_reader) at once too, in the local scratch space, then kept in the
imports store (the instance's imports folder, or the bucket) until its job ends; a job whose
archive is in the bucket reads it from a local copy.

Jobs run as asyncio tasks in the web process, as exports do; a restart resumes them from
the last row recorded (every step is idempotent: following, blocking or bookmarking again
changes nothing, and imported posts are found by their origin). Each job runs in the process
holding its lease, as exports do (background.py).
"""

import asyncio
import io
import logging
import os
import secrets
from pathlib import Path
from typing import BinaryIO

from ...clock import new_id
from ...db.api import Database
from ...errors import Gone, NotFound, PayloadTooLarge
from ...models import Actor
from ...objectstore.stores import IMPORTS, scratch
from ...store import actors as actor_store
from ...store.portability import imports as store
from ...store.portability import job_leases
from ...store.portability.imports import ImportJob
from .. import disk_space
from ..accounts.accounts import find_local_actor
from ..context import Context
from . import archive_import, archive_reader, foreign_import, import_csv, instagram_reader, outbox_import, tiktok_reader
from . import background as jobs
from .background import ARCHIVE_KEY, spawn, sweep_unnamed
from .import_rows import Importer, apply_row

log = logging.getLogger(__name__)

TABLE = "imports"
NOT_FOUND = "Record not found"
GONE = "The uploaded archive is no longer available; upload it again"
PROGRESS_EVERY = 10
CHUNK = 1024 * 1024
# The zips other services export, each read (and checked whole) by its own reader.
FOREIGN_READERS = {"instagram": instagram_reader.read_instagram, "tiktok": tiktok_reader.read_tiktok}


def ensure_room(ctx: Context, size: int) -> None:
    """503 before an upload's body is read when the disk cannot hold it."""
    disk_space.ensure_room(scratch(ctx.config, IMPORTS), size)


def _save(folder: Path, source: BinaryIO, limit: int) -> Path:
    """Copy the upload under a fresh random name, in chunks, refusing it past `limit`; the file
    is complete before it is named."""
    key = f"{secrets.token_urlsafe(24)}.zip"
    partial = folder / f".{key}.part"
    try:
        with disk_space.storage_errors():
            folder.mkdir(parents=True, exist_ok=True)
            with open(partial, "wb") as out:
                size = 0
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise PayloadTooLarge(f"the archive is larger than {limit // 1024 // 1024} MB")
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, folder / key)
    finally:
        partial.unlink(missing_ok=True)
    return folder / key


def _read_csv(source: BinaryIO) -> bytes:
    data = source.read(import_csv.MAX_BYTES + 1)
    if len(data) > import_csv.MAX_BYTES:
        raise PayloadTooLarge(import_csv.TOO_LARGE)
    return data


async def request_import(ctx: Context, actor: Actor, kind: str | None, mode: str | None, source: BinaryIO | bytes, *,
                         background: bool = True) -> ImportJob:
    """Check an upload (a file object, or bytes) and queue its import; a refused upload raises
    and stores nothing."""
    kind, mode = import_csv.kind_of(kind), import_csv.mode_of(mode)
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    if kind in import_csv.FILE_KINDS:
        path = await asyncio.to_thread(_save, scratch(ctx.config, IMPORTS), source, archive_reader.MAX_ARCHIVE_BYTES)
        try:
            total = await asyncio.to_thread(_checked_total, kind, path)
            with disk_space.storage_errors():
                await ctx.files.imports.put(path.name, path, "application/zip")
        finally:
            path.unlink(missing_ok=True)
        rows, key = [], path.name
    else:
        parsed = import_csv.parse(kind, await asyncio.to_thread(_read_csv, source))
        rows, key, total = parsed.rows, None, len(parsed.rows)
    now = ctx.now_ms()
    job_id = new_id(now)
    lease = jobs.lease_until(ctx) if background else None
    async with ctx.db.transaction() as conn:
        await store.insert_job(conn, job_id, actor.id, kind, mode, rows, key, total, now, lease=lease)
    if lease is not None:
        spawn(ctx, run_job(ctx, job_id, held=lease))
    return await store.get_job(ctx.db.reader, job_id)


def _checked_total(kind: str, path: Path) -> int:
    """How many items the zip at `path` holds, once its reader has checked it through."""
    if kind == "archive":
        archive = archive_reader.read_archive(path)
        return len(archive.notes) + len(archive.bookmarks) + len(archive.likes)
    export = FOREIGN_READERS[kind](path)
    return len(export.posts) + len(export.failures)


async def request_pull(ctx: Context, actor: Actor, given: str, *, background: bool = True) -> ImportJob:
    """Queue the pull of the posts of the account `given` names, which moved to `actor`
    (outbox_import.PullRefused when it did not, or is not an alias). A pull of the same account
    already queued or running is returned rather than doubled."""
    old = await outbox_import.old_account(ctx, actor, given)
    now = ctx.now_ms()
    lease = jobs.lease_until(ctx) if background else None
    async with ctx.db.transaction() as conn:
        job_id = await store.running_pull(conn, actor.id, old.uri)
        fresh = job_id is None
        if fresh:
            job_id = new_id(now)
            await store.insert_job(conn, job_id, actor.id, "outbox", "merge", [], None, 0, now, source_uri=old.uri, lease=lease)
    if fresh and lease is not None:
        spawn(ctx, run_job(ctx, job_id, held=lease))
    return await store.get_job(ctx.db.reader, job_id)


async def run_job(ctx: Context, job_id: int, *, held: int | None = None) -> ImportJob | None:
    """Apply one job, unless another process holds its lease (`held`: the lease this one was
    given). Never raises for a failed import: the error goes on the row."""
    lease = jobs.lease_until(ctx)
    async with ctx.db.transaction() as conn:
        job = await store.get_job(conn, job_id)
        if job is None or not await job_leases.claim(conn, TABLE, job_id, ctx.now_ms(), lease, held):
            return job
        await store.set_running(conn, job_id)
    await jobs.while_leased(ctx, TABLE, job_id, lease, _apply(ctx, job))
    return await store.get_job(ctx.db.reader, job_id)


async def _apply(ctx: Context, job: ImportJob) -> None:
    job_id = job.id
    actor = await actor_store.get_actor(ctx.db.reader, job.actor_id)

    async def progress(total: int, processed: int, imported: int, failures: list) -> None:
        async with ctx.db.transaction() as conn:
            await store.set_progress(conn, job_id, total, processed, imported, failures)

    state, error = "done", None
    try:
        if job.kind in import_csv.FILE_KINDS:
            await _run_archive(ctx, job, actor, progress)
        elif job.kind == "outbox":
            outcome = archive_import.Outcome(job.total, job.processed, job.imported)
            await outbox_import.import_outbox(ctx, actor, job.source_uri, progress, start=job.processed, outcome=outcome)
        else:
            await _run_csv(ctx, job, actor, progress)
    except Exception as e:
        log.exception("import %s of actor %s failed", job_id, job.actor_id)
        state, error = "failed", getattr(e, "message", None) or f"{type(e).__name__}: {e}"[:500]
    async with ctx.db.transaction() as conn:
        await store.set_finished(conn, job_id, state, error, ctx.now_ms())
    if job.kind in import_csv.FILE_KINDS and job.file_key:
        await ctx.files.imports.delete(job.file_key)


async def _run_csv(ctx: Context, job: ImportJob, actor: Actor, progress) -> None:
    rows = await store.job_rows(ctx.db.reader, job.id)
    importer = Importer(ctx, actor)
    if job.mode == "overwrite" and job.processed == 0:
        await importer.prune(job.kind, rows)
    failures, imported = [], job.imported
    for number, row in enumerate(rows, start=1):
        if number <= job.processed:
            continue
        failure = await apply_row(importer, job.kind, row)
        if failure:
            failures.append(failure)
        else:
            imported += 1
        if number % PROGRESS_EVERY == 0 or number == len(rows):
            await progress(len(rows), number, imported, failures)
            failures = []


async def _run_archive(ctx: Context, job: ImportJob, actor: Actor, progress) -> None:
    outcome = archive_import.Outcome(job.total, job.processed, job.imported)
    if job.file_key is None or not ARCHIVE_KEY.fullmatch(job.file_key):
        raise NotFound(NOT_FOUND)
    opened = await ctx.files.imports.open(job.file_key)
    if opened is None:
        raise Gone(GONE)
    # A zip is read by seeking: one in a bucket is first copied here.
    path = opened.path or await _local_copy(scratch(ctx.config, IMPORTS), job.file_key, opened.chunks)
    try:
        if job.kind == "archive":
            await archive_import.import_archive(ctx, actor, path, progress, start=job.processed, outcome=outcome)
        else:
            export = await asyncio.to_thread(FOREIGN_READERS[job.kind], path)
            await foreign_import.import_export(ctx, actor, export, progress, start=job.processed, outcome=outcome)
    finally:
        if opened.path is None:
            path.unlink(missing_ok=True)


async def _local_copy(folder: Path, key: str, chunks) -> Path:
    with disk_space.storage_errors():
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        partial = folder / f".{key}.part"
        try:
            with open(partial, "wb") as out:
                async for chunk in chunks:
                    await asyncio.to_thread(out.write, chunk)
            os.replace(partial, folder / key)
        finally:
            partial.unlink(missing_ok=True)
    return folder / key


async def resume_interrupted(ctx: Context) -> int:
    """At start: clear half-written uploads and the archives no unfinished job names, then carry
    on with the jobs no live process holds."""
    await sweep_unnamed(ctx.files.imports, await store.file_keys(ctx.db.reader), "uploaded archives")
    return await take_up_abandoned(ctx)


async def take_up_abandoned(ctx: Context) -> int:
    """Run the jobs no live process holds: queued for anyone, or left by a process that died."""
    return await jobs.take_up_abandoned(ctx, TABLE, run_job)


async def own_job(db: Database, actor: Actor, job_id: int) -> ImportJob:
    """A job of `actor`'s; anyone else's is 404, as if it did not exist."""
    job = await store.get_job(db.reader, job_id)
    if job is None or job.actor_id != actor.id:
        raise NotFound(NOT_FOUND)
    return job


async def recent_jobs(db: Database, actor: Actor) -> list[ImportJob]:
    return await store.jobs_of(db.reader, actor.id)


async def import_file(ctx: Context, username: str, kind: str, mode: str, path: Path) -> ImportJob:
    """The command line's import: checked and applied at once, in the foreground."""
    try:
        actor = await find_local_actor(ctx.db, ctx.config, username)
    except NotFound:
        raise NotFound(f"no local user named '{username}'") from None
    with open(path, "rb") as source:
        job = await request_import(ctx, actor, kind, mode, source, background=False)
    return await run_job(ctx, job.id)


async def pull_posts(ctx: Context, username: str, given: str) -> ImportJob:
    """The command line's pull of a moved account's posts, applied at once, in the foreground."""
    try:
        actor = await find_local_actor(ctx.db, ctx.config, username)
    except NotFound:
        raise NotFound(f"no local user named '{username}'") from None
    job = await request_pull(ctx, actor, given, background=False)
    return await run_job(ctx, job.id)
