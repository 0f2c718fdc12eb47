"""Counting views of posts and profiles without slowing the request or storing who viewed
(layer 4).

A view is counted once per viewer per day. The viewer (an account id, or an address and user
agent) is reduced to an HMAC under a random salt made each day; the set of those hashes lives only
in this process's memory and is dropped, salt and all, when the day changes, so yesterday's
viewers cannot be recognised even by whoever reads the memory. Counts gather in memory too and are
written in one batch every `insights.flush_seconds` and at a graceful stop: a crash loses at most
the views of the last interval. Each process dedupes on its own, so an instance running several
web processes may count a viewer once per process.
"""

import asyncio
import hashlib
import hmac
import logging
import secrets
from collections import Counter
from collections.abc import Callable
from urllib.parse import urlsplit

from ...config import Config
from ...db.api import Database
from ...store.insights import views as stored_views

log = logging.getLogger(__name__)

DAY_SECONDS = 86_400
SOURCES = ("profile", "hashtag", "explore", "home", "external", "other")

Key = tuple[str, int, int, str]  # kind, subject id, day, source


def source_of(referer: str | None, own_base_url: str) -> str:
    """Where a page view came from, by the page that linked to it."""
    if not referer:
        return "other"
    parts, own = urlsplit(referer), urlsplit(own_base_url)
    if parts.netloc.lower() != own.netloc.lower():
        return "external" if parts.netloc else "other"
    path = parts.path or "/"
    if path.startswith("/tags/"):
        return "hashtag"
    if path.startswith("/explore"):
        return "explore"
    if path in ("/", "/home"):
        return "home"
    if path.startswith("/@") and "/" not in path[2:]:
        return "profile"
    return "other"


class ViewCounter:
    def __init__(self, config: Config, clock: Callable[[], float]):
        self.enabled = config.insights.enabled
        self._settings = config.insights
        self._clock = clock
        self._day = -1
        self._salt = b""
        self._seen: set[bytes] = set()
        self._pending: Counter[Key] = Counter()
        self._purged_day = -1

    def today(self) -> int:
        return int(self._clock() // DAY_SECONDS)

    def count(self, kind: str, subject_id: int, viewer: str, source: str) -> None:
        """Note one view; a viewer already counted today for this subject adds nothing. No I/O."""
        if not self.enabled:
            return
        day = self.today()
        if day != self._day:
            self._day, self._salt, self._seen = day, secrets.token_bytes(32), set()
        seen = hmac.digest(self._salt, f"{kind}:{subject_id}:{viewer}".encode(), hashlib.sha256)[:16]
        if seen in self._seen:
            return
        self._seen.add(seen)
        self._pending[(kind, subject_id, day, source if source in SOURCES else "other")] += 1

    async def flush(self, db: Database) -> int:
        """Write the counts gathered since the last flush, and delete those past the retention
        limit once a day; how many rows were added to. Counts that fail to be written are kept
        for the next flush."""
        pending, self._pending = self._pending, Counter()
        today = self.today()
        if not pending and self._purged_day == today:
            return 0
        try:
            async with db.transaction() as conn:
                if pending:
                    await stored_views.add(conn, ((*key, views) for key, views in pending.items()))
                if self._purged_day != today:
                    await stored_views.forget_before(conn, today - self._settings.retention_days)
        except BaseException:
            self._pending.update(pending)
            raise
        self._purged_day = today
        return len(pending)

    async def run(self, db: Database) -> None:
        """Flush every `flush_seconds` until cancelled; the caller flushes once more at stop."""
        while True:
            await asyncio.sleep(self._settings.flush_seconds)
            try:
                await self.flush(db)
            except Exception:
                log.exception("writing view counts failed; they are kept for the next flush")
