"""Sending Web Push messages (layer 3): the worker of the push queue.

Rows are queued in the transaction that creates the notification (services.push), so a crash
loses none. `PushWorker.run_once()` claims due rows with a lease, encrypts each payload for its
subscriber at send time and POSTs it to the push service, then classifies the answer the way
deliveries are classified (federation.delivery): 2xx sent; 404/410 the subscription is gone and
removed (RFC 8030 §7.3, as Mastodon does); 408/429/5xx and network errors retried on the
delivery curve, honouring Retry-After; other 4xx failed.
"""

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable

from yarl import URL

from ..config import Config
from ..db.api import Database
from ..errors import AddressRefused, FetchError
from ..protocol import webpush
from ..store.push import deliveries as store
from ..store.push import subscriptions as subscription_store
from .delivery import retry_after_seconds, retry_at_ms
from .http import HttpClient, HttpResponse

log = logging.getLogger(__name__)

LEASE_MS = 5 * 60 * 1000
_RETRYABLE = frozenset({408, 429})


class PushWorker:
    def __init__(
        self, db: Database, http: HttpClient, config: Config, vapid: webpush.VapidKey, *,
        clock: Callable[[], float] = time.time, rng: Callable[[], float] = random.random,
    ):
        self.db, self.http, self.config, self.vapid = db, http, config, vapid
        self.clock, self.rng = clock, rng

    async def run_once(self, limit: int = 64) -> int:
        """Send one batch of due pushes; how many were attempted (0: nothing due)."""
        now_ms = int(self.clock() * 1000)
        async with self.db.transaction() as conn:
            batch = await store.claim_due(conn, now_ms, LEASE_MS, limit)
        if not batch:
            return 0
        limit_concurrency = asyncio.Semaphore(self.config.workers.concurrency)

        async def attempt(push: store.PushDelivery) -> store.Outcome:
            async with limit_concurrency:
                return await self._attempt(push)

        try:
            outcomes = await asyncio.gather(*(attempt(p) for p in batch))
        except asyncio.CancelledError:
            # A process stopping gracefully hands its batch back for another worker to send now.
            await asyncio.shield(self._release([p.id for p in batch]))
            raise
        gone = sorted({p.subscription_id for p, o in zip(batch, outcomes) if o.state == "gone"})
        async with self.db.transaction() as conn:
            await store.record_outcomes(conn, outcomes, now_ms)
            await subscription_store.delete_subscriptions(conn, gone)
        return len(batch)

    async def _release(self, ids: list[int]) -> None:
        async with self.db.transaction() as conn:
            await store.release_claims(conn, ids)

    async def _attempt(self, push: store.PushDelivery) -> store.Outcome:
        origin = str(URL(push.endpoint).origin())
        # Mastodon's payload carries the subscribing token, and apps decode it as a required field.
        payload = json.dumps({**json.loads(push.payload), "access_token": push.access_token})
        sent = webpush.message(
            payload.encode(), push.p256dh, push.auth, self.vapid, origin, self.config.instance.base_url,
            self.clock(), standard=push.standard,
        )
        try:
            response = await self.http.request("POST", push.endpoint, headers=sent.headers, body=sent.body)
        except AddressRefused as error:
            return self._outcome(push, "failed", None, error.message)
        except FetchError as error:
            return self._retry(push, None, error.message, None)
        log.info("pushed %s to %s: %s", push.id, origin, response.status)
        return self._classify(push, response)

    def _classify(self, push: store.PushDelivery, response: HttpResponse) -> store.Outcome:
        status = response.status
        if 200 <= status < 300:
            return self._outcome(push, "sent", status, None)
        if status in (404, 410):
            return self._outcome(push, "gone", status, f"push service answered {status}")
        if status in _RETRYABLE or status >= 500:
            wait = retry_after_seconds(response.headers.get("Retry-After"), self.clock())
            return self._retry(push, status, f"push service answered {status}", wait)
        return self._outcome(push, "failed", status, f"push service answered {status}")

    def _retry(self, push: store.PushDelivery, status: int | None, error: str, wait: float | None) -> store.Outcome:
        if push.attempts + 1 >= self.config.delivery.max_attempts:
            return self._outcome(push, "failed", status, f"gave up after {push.attempts + 1} tries: {error}")
        due = retry_at_ms(push.attempts + 1, wait, self.config, self.clock(), self.rng)
        return store.Outcome(push.id, "pending", status, error, due)

    def _outcome(self, push: store.PushDelivery, state: str, status: int | None, error: str | None) -> store.Outcome:
        return store.Outcome(push.id, state, status, error, int(self.clock() * 1000))
