"""Background jobs of the web process (layer 4): exports and imports run as tasks beside the
requests that started them. The event loop keeps only weak references to tasks, so each is kept
here until it finishes; otherwise a job could be collected half done."""

import asyncio
import logging
import re
import time
from collections.abc import Coroutine, Iterable

from ...objectstore.base import ObjectStore

log = logging.getLogger(__name__)

running: set[asyncio.Task] = set()
# The keys of exported and uploaded archives: random, so that no one can guess another's.
ARCHIVE_KEY = re.compile(r"[A-Za-z0-9_-]{32}\.zip")


def spawn(job: Coroutine) -> asyncio.Task:
    task = asyncio.create_task(job)
    running.add(task)
    task.add_done_callback(running.discard)
    return task


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
