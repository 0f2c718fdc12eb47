"""The inbox worker (layer 5): apply stored activities, record each outcome on its row.

An unknown activity type is kept as ignored (a trace, not an error). A remote that cannot be
reached, or a busy database, is retried with backoff a few times; an activity that is simply wrong
is marked failed with the reason. So is one that raises anything else: strangers choose what they
send, the same input fails the same way on every try, and retrying it only logged the same
traceback five times (issue 25). Whatever one item does, the worker goes on to the next. Nothing
is dropped silently.
"""

import json
import logging
import time
from collections.abc import Callable

from ..errors import FetchError, RedfedError, ServiceUnavailable
from ..federation.delivery import retry_delay_seconds
from ..models import InboxItem
from ..protocol.documents import storable_text
from ..services.context import Context
from ..store import inbox as store
from .dispatch import HANDLERS

log = logging.getLogger(__name__)

LEASE_MS = 5 * 60 * 1000
MAX_ATTEMPTS = 5
MAX_ERROR = 1000


class InboxWorker:
    def __init__(self, ctx: Context, *, clock: Callable[[], float] = time.time):
        self.ctx, self.clock = ctx, clock

    async def run_once(self, limit: int = 64) -> int:
        """Apply one batch of due items; return how many were taken (0: nothing due)."""
        async with self.ctx.db.transaction() as conn:
            items = await store.claim_due(conn, self._now_ms(), LEASE_MS, limit)
        for item in items:
            try:
                await self._apply(item)
            except ServiceUnavailable:
                pass  # a busy or full store, warned about where it was met: the lease brings it back
            except Exception:  # even its outcome could not be recorded: the lease brings it back
                log.exception("inbox item %s could not be recorded", item.activity_id)
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
        except Exception as error:  # a bug met by this input: keep the evidence on the row
            log.exception("inbox item %s (%s from %s) failed unexpectedly", item.activity_id, item.activity_type, item.actor_uri)
            return await self._finish(item, "failed", f"{type(error).__name__}: {error}")
        await self._finish(item, "done" if applied else "ignored", None if applied else "nothing to apply")

    async def _finish(self, item: InboxItem, state: str, error: str | None) -> None:
        async with self.ctx.db.transaction() as conn:
            await store.finish_item(conn, item.id, state, self._now_ms(), _storable(error))

    async def _retry(self, item: InboxItem, error: str) -> None:
        if item.attempts + 1 >= MAX_ATTEMPTS:
            return await self._finish(item, "failed", f"gave up after {item.attempts + 1} tries: {error}")
        delay = retry_delay_seconds(item.attempts + 1, self.ctx.config)
        async with self.ctx.db.transaction() as conn:
            await store.retry_item(conn, item.id, self._now_ms() + int(delay * 1000), _storable(error))

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)


def _storable(error: str | None) -> str | None:
    # An exception's text may quote the stranger's input: bounded, and encodable as UTF-8.
    return None if error is None else storable_text(error[:MAX_ERROR])
