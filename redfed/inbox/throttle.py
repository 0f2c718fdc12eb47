"""Per-host inbox rate limit (layer 5): requests per sending host per minute, counted by every
process of the instance together in the database (services.rate_limits).

One server flooding the inbox (CHECKLIST 42) is told to slow down with 429 and Retry-After before
its activities are stored, so local users' requests keep their share of the machine. The web face
counts a request only once its signature proves which server sent it. A host's share is spread
over the minute: within any BURST_MS it may send only about its steady rate (burst_allowance).

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
BURST_MS = 10_000


def burst_allowance(per_minute: int) -> int:
    """What a host may send within BURST_MS: its steady rate, so that a minute's share cannot
    arrive in one burst, but never fewer than 10 (or the minute's share, if smaller) so that a
    small server catching up is not held back."""
    return max(-(-per_minute * BURST_MS // WINDOW_MS), min(per_minute, 10))


@dataclass
class _Known:
    totals: list[int]  # the host's requests in each window, all processes, when last read
    read_at: int
    unsent: int = 0  # this process's requests not yet added to the database


class HostThrottle:
    def __init__(self, db: Database, per_minute: int, clock: Callable[[], float] = time.time):
        self.batch = max(1, per_minute // 20)
        self.clock = clock
        self._windows = [
            (rate_limits.Window(db, "inbox", WINDOW_MS), per_minute),
            (rate_limits.Window(db, "inbox-burst", BURST_MS), burst_allowance(per_minute)),
        ]
        self._hosts: dict[str, _Known] = {}

    async def take(self, host: str) -> float | None:
        """None when the request may go ahead; else the seconds to wait before trying again."""
        now = int(self.clock() * 1000)
        known = self._hosts.get(host)
        if known is None or now - known.read_at >= REFRESH_MS:
            known = await self._send(host, known, now)
        if (wait := self._wait(known, known.unsent + 1, now)) is not None:
            return wait
        known.unsent += 1
        if known.unsent >= self.batch:
            known = await self._send(host, known, now)
            # Other processes may have spent the share meanwhile.
            return self._wait(known, 0, now)
        return None

    def _wait(self, known: _Known, more: int, now: int) -> float | None:
        """The seconds until a window that `more` requests would overfill frees a place, if any."""
        full = [window for (window, limit), total in zip(self._windows, known.totals) if total + more > limit]
        return max(window.seconds_to_next_slice(now) for window in full) if full else None

    async def _send(self, host: str, known: _Known | None, now: int) -> _Known:
        """Add this process's unsent requests, and learn the host's totals."""
        unsent = known.unsent if known else 0
        totals = [
            await window.add(host, now, unsent) if unsent else await window.total(host, now)
            for window, _ in self._windows
        ]
        if len(self._hosts) >= MAX_HOSTS and host not in self._hosts:
            self._hosts.clear()  # bounded memory; what is forgotten is read again
        self._hosts[host] = _Known(totals, now)
        return self._hosts[host]
