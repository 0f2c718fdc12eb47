"""Video processing jobs (layer 4): uploads probed and accepted, transcoded by the workers.

An accepted video's original is stored under a key of its own and a job row names it, in the
commit that writes the upload's row (state `processing`). A worker leases the job (renewing the
lease while it works, as the other queues), transcodes in a process of its own, then in one
commit records the files on the upload (`ready`) and ends the job; the original goes after. A
refusal or an error marks the upload `failed` with the reason. A worker that stops gives its
lease back, one that dies leaves the job to the next once its lease runs out, so a restart in the
middle of a transcode finishes the job; a video that took its workers down MAX_ATTEMPTS times is
failed instead of taking them down again.
"""

import asyncio
import contextlib
import dataclasses
import logging
from pathlib import Path

from ...db.connection import uninterrupted
from ...errors import RedfedError, ServiceUnavailable, Unprocessable
from ...models import Media
from ...store.media import jobs
from ...store.media import media as store
from ..context import Context
from ..disk_space import storage_errors
from . import media_files as files
from . import media_video as video
from .media_files import PROCESSING_ERROR

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
INTERRUPTED = "Video processing was interrupted too many times"


def lease_ms(ctx: Context) -> int:
    return int(ctx.config.workers.lease_seconds * 1000)


class VideoWorker:
    """Transcodes queued videos, at most `media.video_workers` at once in this process."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    async def run_once(self) -> int:
        """Lease the due jobs this process has room for and run them to their end; how many."""
        ctx, now = self.ctx, self.ctx.now_ms()
        if not await jobs.any_due(ctx.db.reader, now):
            return 0
        async with ctx.db.transaction() as conn:
            claimed = await jobs.claim_due(conn, now, now + lease_ms(ctx), ctx.config.media.video_workers)
        await asyncio.gather(*(run_job(ctx, job) for job in claimed))
        return len(claimed)


async def run_job(ctx: Context, job: jobs.MediaJob) -> Media | None:
    """Process one leased job; the upload as it ends (None when it was deleted meanwhile)."""
    media = await store.get(ctx.db.reader, job.media_id)
    if media is None or media.state != "processing":
        return await _end(ctx, job, None)
    if job.attempts > MAX_ATTEMPTS:
        return await _end(ctx, job, INTERRUPTED)
    keeper = asyncio.create_task(_keep_lease(ctx, job.media_id))
    try:
        return await _transcode(ctx, job, media)
    except Unprocessable as refusal:
        return await _end(ctx, job, refusal.message)
    except ServiceUnavailable:
        await _release(ctx, job.media_id)  # the store or the disk is away: a later round retries
        raise
    except asyncio.CancelledError:
        await _release(ctx, job.media_id)
        raise
    except Exception as error:  # noqa: BLE001 - recorded on the row, which the client polls
        log.exception("processing video %s failed", media.id)
        return await _end(ctx, job, error.message if isinstance(error, RedfedError) else PROCESSING_ERROR)
    finally:
        keeper.cancel()


async def _transcode(ctx: Context, job: jobs.MediaJob, media: Media) -> Media | None:
    root = ctx.config.media_path
    source = await _fetch_source(ctx, job.source_key)
    target = files.temporary_path(root, "mp4")
    try:
        probed = video.Probe(**job.probe)
        done = await asyncio.to_thread(video.transcode, source, target, probed, ctx.config.media)
        key = files.new_key("video/mp4")
        staged = [key]
        fields = {"content_type": "video/mp4", "size": done.size, "meta": {**done.meta, **_custom_small(media)}}
        with storage_errors():
            await ctx.files.media.stage(key, target, "video/mp4")
            if media.preview_key is None:  # an uploaded thumbnail stays the preview
                fields["preview_key"] = files.preview_key(key, done.poster_type)
                fields["blurhash"] = done.blurhash
                staged.append(fields["preview_key"])
                await ctx.files.media.stage(fields["preview_key"], done.poster, done.poster_type)
    finally:
        target.unlink(missing_ok=True)
        if source.parent == root / "tmp":
            source.unlink(missing_ok=True)
    ready = dataclasses.replace(media, state="ready", file_key=key, **fields)
    return await uninterrupted(_commit(ctx, job, ready, staged))


def _custom_small(media: Media) -> dict:
    return {"small": media.meta["small"]} if media.preview_key and "small" in media.meta else {}


async def _fetch_source(ctx: Context, key: str) -> Path:
    """The original on this machine's disk: where the local store keeps it, or a scratch copy."""
    local = ctx.files.media.local_path(key)
    if local is not None:
        return local
    with storage_errors():
        data = await ctx.files.media.read(key)
    if data is None:
        raise Unprocessable(PROCESSING_ERROR)
    path = files.temporary_path(ctx.config.media_path, key.rpartition(".")[2])
    await asyncio.to_thread(path.write_bytes, data)
    return path


async def _commit(ctx: Context, job: jobs.MediaJob, ready: Media, staged: list[str]) -> Media | None:
    try:
        async with ctx.db.transaction() as conn:
            stored = await store.set_ready(conn, ready)
            await jobs.delete(conn, job.media_id)
    except BaseException:
        await _discard(ctx, *staged)
        raise
    if stored is None:  # deleted or settled meanwhile
        await _discard(ctx, *staged)
    else:
        with storage_errors():
            await ctx.files.media.publish(*staged)
    await _discard(ctx, job.source_key)
    return stored


async def _end(ctx: Context, job: jobs.MediaJob, failure: str | None) -> Media | None:
    """End a job without a result: the upload failed with `failure` (None: it is gone already)."""
    async with ctx.db.transaction() as conn:
        if failure is not None:
            await store.set_failed(conn, job.media_id, failure)
        await jobs.delete(conn, job.media_id)
    await _discard(ctx, job.source_key)
    return await store.get(ctx.db.reader, job.media_id)


async def _discard(ctx: Context, *keys: str) -> None:
    # A store that cannot be reached keeps them; no row names them, and a later sweep takes them.
    with contextlib.suppress(ServiceUnavailable), storage_errors():
        await ctx.files.media.delete(*keys)


async def _keep_lease(ctx: Context, media_id: int) -> None:
    while True:
        await asyncio.sleep(lease_ms(ctx) / 3000)
        with contextlib.suppress(ServiceUnavailable):
            async with ctx.db.transaction() as conn:
                await jobs.renew(conn, media_id, ctx.now_ms() + lease_ms(ctx))


async def _release(ctx: Context, media_id: int) -> None:
    with contextlib.suppress(ServiceUnavailable, RuntimeError):  # RuntimeError: a closed database
        async with ctx.db.transaction() as conn:
            await uninterrupted(jobs.release(conn, media_id))

