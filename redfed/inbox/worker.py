"""The inbox worker (layer 5): apply stored activities, record each outcome on its row.

An unknown activity type is kept as ignored (a trace, not an error). A remote that cannot be
reached is retried with backoff a few times; an activity that is simply wrong is marked failed
with the reason. Nothing is dropped silently.
"""

import json
import logging
import time
from collections.abc import Callable

from ..errors import FetchError, RedfedError, ServiceUnavailable
from ..federation.delivery import retry_delay_seconds
from ..models import InboxItem
from ..services.context import Context
from ..store import inbox as store
from .dispatch import HANDLERS

log = logging.getLogger(__name__)

LEASE_MS = 5 * 60 * 1000
MAX_ATTEMPTS = 5


class InboxWorker:
    def __init__(self, ctx: Context, *, clock: Callable[[], float] = time.time):
        self.ctx, self.clock = ctx, clock

    async def run_once(self, limit: int = 64) -> int:
        """Apply one batch of due items; return how many were taken (0: nothing due)."""
        async with self.ctx.db.transaction() as conn:
            items = await store.claim_due(conn, self._now_ms(), LEASE_MS, limit)
        for item in items:
            await self._apply(item)
        return len(items)

    async def _apply(self, item: InboxItem) -> None:
        handler = HANDLERS.get(item.activity_type)
        if handler is None:
            return await self._finish(item, "ignored", f"unhandled type {item.activity_type}")
        try:
            actor = await self.ctx.resolver.actor(item.actor_uri)
            applied = await handler(self.ctx, actor, json.loads(item.raw))
        except (FetchError, ServiceUnavailable) as error:
            return await self._retry(item, error.message)
        except RedfedError as error:
            log.info("inbox item %s (%s from %s) failed: %s", item.activity_id, item.activity_type, item.actor_uri, error.message)
            return await self._finish(item, "failed", error.message)
        except Exception as error:  # a bug: keep the evidence on the row and try again later
            log.exception("inbox item %s crashed", item.activity_id)
            return await self._retry(item, f"{type(error).__name__}: {error}")
        await self._finish(item, "done" if applied else "ignored", None if applied else "nothing to apply")

    async def _finish(self, item: InboxItem, state: str, error: str | None) -> None:
        async with self.ctx.db.transaction() as conn:
            await store.finish_item(conn, item.id, state, self._now_ms(), error)

    async def _retry(self, item: InboxItem, error: str) -> None:
        if item.attempts + 1 >= MAX_ATTEMPTS:
            return await self._finish(item, "failed", f"gave up after {item.attempts + 1} tries: {error}")
        delay = retry_delay_seconds(item.attempts + 1, self.ctx.config)
        async with self.ctx.db.transaction() as conn:
            await store.retry_item(conn, item.id, self._now_ms() + int(delay * 1000), error)

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)
