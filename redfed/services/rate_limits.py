"""Rate limits shared by every process of an instance (layer 4): counted in the database, so a
guesser or a flooding server gains nothing by landing on another process.

A `Window` counts hits per key over a sliding window, approximated by SLICES slices of it: each
hit adds to its slice's row (one upsert), and a check sums the slices that start within the
window (one read on the primary key), so a hit counts for the window give or take a slice. Rows older than a day are forgotten now and then.
"""

from ..db.api import Database
from ..store import rate_counts as store

SLICES = 5
FORGET_AFTER_MS = 24 * 3600 * 1000
FORGET_EVERY_MS = 3600 * 1000


class Window:
    def __init__(self, db: Database, name: str, window_ms: int):
        self.db, self.name, self.window_ms = db, name, window_ms
        self.slice_ms = max(1, window_ms // SLICES)
        self._forgotten_at = 0

    async def total(self, key: str, now: int) -> int:
        """Hits of `key` in the window ending `now`."""
        return await store.total(self.db.reader, self.name, key, now - self.window_ms)

    async def add(self, key: str, now: int, hits: int = 1) -> int:
        """Count `hits` more for `key`; the window's total afterwards."""
        async with self.db.transaction() as conn:
            await store.add(conn, self.name, key, now - now % self.slice_ms, hits)
            if now - self._forgotten_at > FORGET_EVERY_MS:
                self._forgotten_at = now
                await store.forget_before(conn, now - FORGET_AFTER_MS)
            return await store.total(conn, self.name, key, now - self.window_ms)

    async def clear(self, key: str) -> None:
        async with self.db.transaction() as conn:
            await store.clear(conn, self.name, key)

    def seconds_to_next_slice(self, now: int) -> float:
        """When the oldest slice may leave the window: the soonest a full window frees a place."""
        return (self.slice_ms - now % self.slice_ms) / 1000
