"""What the database says about the running instance (layer 4), read in one place for the
metrics scrape and the admin dashboard. Every process reads the same rows, so with several
processes on one PostgreSQL database the figures agree whichever process is asked."""

import time
from dataclasses import dataclass

from ...db.api import Database
from ...store.operations import growth, heartbeats, queues
from ...store.operations.growth import Totals
from ...store.operations.heartbeats import Heartbeat
from ...store.operations.queues import QueueFigures

# A worker process finishes a round at least every few seconds; one not seen for this long is
# taken for stopped.
WORKER_SILENT_MS = 60_000


@dataclass(frozen=True)
class Figures:
    now: int  # ms
    queues: list[QueueFigures]
    media_states: dict[str, int]  # processing, ready, failed
    totals: Totals
    workers: list[Heartbeat]  # seen within WORKER_SILENT_MS
    read_seconds: float  # how long reading all this took: the database's responsiveness


async def read(db: Database, now: int) -> Figures:
    started = time.perf_counter()
    conn = db.reader
    names = list(queues.QUEUES)
    figures = [await queues.queue_figures(conn, name, now) for name in names]
    media_states = await growth.media_by_state(conn)
    totals = await growth.totals(conn, now)
    workers = await heartbeats.list_since(conn, now - WORKER_SILENT_MS)
    return Figures(now, figures, media_states, totals, workers, time.perf_counter() - started)
