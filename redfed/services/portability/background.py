"""Background jobs of the web process (layer 4): exports and imports run as tasks beside the
requests that started them. The event loop keeps only weak references to tasks, so each is kept
here until it finishes; otherwise a job could be collected half done."""

import asyncio
import logging
from collections.abc import Coroutine, Iterable
from pathlib import Path

log = logging.getLogger(__name__)

running: set[asyncio.Task] = set()


def spawn(job: Coroutine) -> asyncio.Task:
    task = asyncio.create_task(job)
    running.add(task)
    task.add_done_callback(running.discard)
    return task


def sweep_unnamed(folder: Path, named: Iterable[str], what: str) -> list[str]:
    """At start: remove the half-written files and the finished ones (`*.zip`) that no job names,
    left by a stop between writing a file and recording it, or between forgetting it and removing
    it. Tells the operator what went; returns the names removed."""
    if not folder.is_dir():
        return []
    for partial in folder.glob(".*.part"):
        partial.unlink(missing_ok=True)
    named = set(named)
    swept = sorted(path.name for path in folder.glob("*.zip") if path.name not in named)
    for name in swept:
        (folder / name).unlink(missing_ok=True)
    if swept:
        log.warning("removed %d %s that no job named (left by a stop): %s", len(swept), what, ", ".join(swept))
    return swept
