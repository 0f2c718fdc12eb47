"""Per-host inbox rate limit (layer 5): requests per sending host per minute, counted by every
process of the instance together in the database (services.rate_limits).

One server flooding the inbox (CHECKLIST 42) is told to slow down with 429 and Retry-After before
its activities are stored, so local users' requests keep their share of the machine. The web face
counts a request only once its signature proves which server sent it.

Counting each request in the database would add a write to every inbox POST. A process adds its
hits in batches instead (a twentieth of the limit, at least one), deciding on the total the write
returns, and between writes on what it knows, read again once REFRESH_MS old: a flooding host
gets at most a batch per process past the limit (none when a batch is one request).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..db.api import Database
from ..services import rate_limits

MAX_HOSTS = 10_000
REFRESH_MS = 1_000
WINDOW_MS = 60_000


@dataclass
class _Known:
    total: int  # the host's requests in the window, all processes, when last read
    read_at: int
    unsent: int = 0  # this process's requests not yet added to the database


class HostThrottle:
    def __init__(self, db: Database, per_minute: int, clock: Callable[[], float] = time.time):
        self.limit = per_minute
        self.batch = max(1, per_minute // 20)
        self.clock = clock
        self._window = rate_limits.Window(db, "inbox", WINDOW_MS)
        self._hosts: dict[str, _Known] = {}

    async def take(self, host: str) -> float | None:
        """None when the request may go ahead; else the seconds to wait before trying again."""
        now = int(self.clock() * 1000)
        known = self._hosts.get(host)
        if known is None or now - known.read_at >= REFRESH_MS:
            known = await self._send(host, known, now)
        if known.total + known.unsent >= self.limit:
            return self._window.seconds_to_next_slice(now)
        known.unsent += 1
        if known.unsent >= self.batch:
            known = await self._send(host, known, now)
            if known.total > self.limit:  # other processes spent the share meanwhile
                return self._window.seconds_to_next_slice(now)
        return None

    async def _send(self, host: str, known: _Known | None, now: int) -> _Known:
        """Add this process's unsent requests, and learn the host's total."""
        unsent = known.unsent if known else 0
        total = await self._window.add(host, now, unsent) if unsent else await self._window.total(host, now)
        if len(self._hosts) >= MAX_HOSTS and host not in self._hosts:
            self._hosts.clear()  # bounded memory; what is forgotten is read again
        self._hosts[host] = _Known(total, now)
        return self._hosts[host]
