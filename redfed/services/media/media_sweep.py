"""Start-up recovery of uploads (layer 4): rows and stored files made to agree again.

A stop can fall anywhere in an upload: between staging its files and committing its row, between
the commit and publishing, or while a background upload was processing. At the next start, before
serving, staged files whose rows exist are published, every other staged or scratch file goes,
and stored files that no row (nor a queued video job) names are removed (in a bucket, only once older than the store's
grace period: another process may be between staging and committing). Uploads whose file is gone
are deleted while unposted, and reported to the operator otherwise.
"""

import logging
import time
from dataclasses import dataclass, field

from ...store.media import jobs
from ...store.media import media as store
from ..context import Context
from ..disk_space import storage_errors
from . import media_files as files

log = logging.getLogger(__name__)


@dataclass
class Swept:
    """What a sweep did, for the operator."""

    published: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    scratch: int = 0
    present: set[str] = field(default_factory=set)


async def recover_interrupted(ctx: Context) -> int:
    """Fail uploads a stopped process left processing, and sweep the store (see the module's
    docstring); what was swept is logged. How many uploads were failed."""
    async with ctx.db.transaction() as conn:
        count = await store.fail_processing(conn, ctx.now_ms() + 1, "processing was interrupted")
    stored = await store.stored_files(ctx.db.reader)
    known = {key for media in stored for key in (media.file_key, media.preview_key) if key}
    known |= await jobs.kept_files(ctx.db.reader)
    with storage_errors():
        swept = await sweep(ctx, known)
    lost = [media for media in stored if media.file_key not in swept.present]
    unposted = [media for media in lost if media.post_id is None]
    if unposted:
        async with ctx.db.transaction() as conn:
            await store.delete_many_unattached(conn, [media.id for media in unposted])
        await ctx.files.media.delete(*(media.preview_key for media in unposted))
    _log_sweep(swept, [media.id for media in unposted], [media.id for media in lost if media.post_id is not None])
    return count


async def sweep(ctx: Context, known: set[str]) -> Swept:
    """Publish staged files named in `known`, remove the other staged, scratch and stored files."""
    files_store, swept = ctx.files.media, Swept()
    for key in await files_store.staged():
        if key in known:
            await files_store.publish(key)
            swept.published.append(key)
        else:
            await files_store.delete(key)
            swept.scratch += 1
    swept.scratch += await files_store.clear_scratch()
    # Compared with the times the disk or the bucket gave the files, not with the instance's clock.
    settled = time.time() - files_store.sweep_grace_seconds
    async for listed in files_store.list_keys():
        if not files.content_type_of(listed.key):
            continue
        if listed.key in known:
            swept.present.add(listed.key)
        elif listed.modified <= settled:
            await files_store.delete(listed.key)
            swept.orphans.append(listed.key)
    return swept


def _log_sweep(swept: Swept, deleted: list[int], posted: list[int]) -> None:
    def some(items: list) -> str:
        return ", ".join(map(str, items[:10])) + (" ..." if len(items) > 10 else "")

    if swept.published:
        log.warning(
            "media sweep: published %d files whose rows were committed before a stop: %s", len(swept.published), some(swept.published)
        )
    if swept.orphans:
        log.warning("media sweep: removed %d files that no upload names: %s", len(swept.orphans), some(swept.orphans))
    if swept.scratch:
        log.warning("media sweep: removed %d temporary files of interrupted uploads", swept.scratch)
    if deleted:
        log.warning("media sweep: deleted %d unposted uploads whose file was missing: ids %s", len(deleted), some(deleted))
    if posted:
        log.error(
            "media sweep: %d posted uploads have lost their file (restore it from a backup): ids %s", len(posted), some(posted)
        )
