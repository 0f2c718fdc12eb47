"""Where export and import jobs get run (layer 4): every web process takes up, at start and then
every POLL_SECONDS, the jobs no live process holds, and gives back its own at stop."""

import asyncio
import logging

from ..context import Context
from . import background, exports, imports

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0


async def resume(ctx: Context) -> None:
    """At start: clear what a stop left half-written, and run the jobs no process holds."""
    await exports.resume_interrupted(ctx)
    await imports.resume_interrupted(ctx)


async def follow(ctx: Context) -> None:
    """Until cancelled: take up queued jobs and those of processes that died."""
    while True:
        await asyncio.sleep(POLL_SECONDS)
        try:
            await exports.take_up_abandoned(ctx)
            await imports.take_up_abandoned(ctx)
        except Exception:
            log.exception("taking up export and import jobs failed")


async def stop(ctx: Context) -> None:
    await background.stop_all(ctx)
