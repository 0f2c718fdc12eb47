"""Per-host inbox rate limit (layer 5, pure): a token bucket per sending host, in memory.

One server flooding the inbox (CHECKLIST 42) is told to slow down with 429 and Retry-After before
its activities are stored, so local users' requests keep their share of the machine. The web face
counts a request only once its signature proves which server sent it.
"""

import time
from collections.abc import Callable

MAX_HOSTS = 10_000


class HostThrottle:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.rate = per_minute / 60.0
        self.burst = float(per_minute)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # host → (tokens, last refill)

    def take(self, host: str) -> float | None:
        """None when the request may go ahead; else the seconds to wait before trying again."""
        now = self.clock()
        tokens, last = self._buckets.get(host, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[host] = (tokens, now)
            return (1 - tokens) / self.rate
        if len(self._buckets) >= MAX_HOSTS and host not in self._buckets:
            self._buckets.clear()  # bounded memory; a reset only ever lets hosts through
        self._buckets[host] = (tokens - 1, now)
        return None
