"""The heartbeat a process running the queue workers leaves in the database (layer 4), so that
readiness and the dashboard can tell a quiet queue from one no worker is serving."""

import os
import secrets
import socket
from collections.abc import Callable

from ... import __version__
from ...db.api import Database
from ...store.operations import heartbeats
from ...store.operations.heartbeats import Heartbeat

BEAT_EVERY_MS = 10_000
# Rows of processes gone this long are removed (each restart is a new process).
FORGET_AFTER_MS = 7 * 24 * 3600 * 1000


class HeartbeatWriter:
    def __init__(self, db: Database, role: str, clock: Callable[[], float]):
        self.db, self.role, self.clock = db, role, clock
        # Several instances may share one OS process (the tests do): the suffix keeps them apart.
        self.process = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.started_at = self._now()
        self._last = 0

    def _now(self) -> int:
        return int(self.clock() * 1000)

    async def beat(self) -> None:
        """Record that the workers finished a round; at most every BEAT_EVERY_MS, since the workers
        go round every second."""
        now = self._now()
        if self._last and now - self._last < BEAT_EVERY_MS:
            return
        async with self.db.transaction() as conn:
            await heartbeats.beat(conn, Heartbeat(self.process, self.role, __version__, self.started_at, now))
            await heartbeats.forget_before(conn, now - FORGET_AFTER_MS)
        self._last = now
