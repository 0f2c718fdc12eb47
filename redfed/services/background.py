"""Background jobs of the web process (layer 4): exports and imports run as tasks beside the
requests that started them. The event loop keeps only weak references to tasks, so each is kept
here until it finishes; otherwise a job could be collected half done."""

import asyncio
from collections.abc import Coroutine
from pathlib import Path

running: set[asyncio.Task] = set()


def spawn(job: Coroutine) -> asyncio.Task:
    task = asyncio.create_task(job)
    running.add(task)
    task.add_done_callback(running.discard)
    return task


def clear_partials(folder: Path) -> None:
    """Remove the half-written files (`.NAME.part`) a stop left in a job's folder."""
    if folder.is_dir():
        for partial in folder.glob(".*.part"):
            partial.unlink(missing_ok=True)
