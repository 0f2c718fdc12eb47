"""Outbound delivery (layer 3): the queue of signed POSTs to remote inboxes.

`enqueue` writes the activity once and one delivery row per inbox inside the caller's transaction,
so a post and its deliveries commit together: a crash leaves either neither or both. The
`DeliveryWorker` claims due rows with a lease (`workers.lease_seconds`, renewed while it sends),
signs at send time (a fresh Date each try), POSTs, and records each outcome on its row as soon as
it is known (STYLE §1.4):

- 2xx: sent. 404/410: gone, never retried. 429/503: retried after Retry-After.
- 401/408 and 5xx or network errors: retried on Mastodon's curve (attempt^4 s plus jitter).
- other 4xx, and refused addresses: failed at once.

A host that keeps failing on 7 distinct days is marked unavailable and skipped until it shows a
sign of life, as Mastodon does. RFC 9421 is tried first only when configured, falling back to
draft-cavage on 400/401 and remembering per host what worked (the "double knock").
"""

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from ..config import Config
from ..db.api import Connection, Database
from ..errors import AddressRefused, FetchError
from ..models import Actor, ActorKey, Delivery
from ..protocol import keys, proofs
from ..protocol.signatures import SigningKey
from ..store import actors as actor_store
from ..store import deliveries as store
from .audience import host_of
from .domain_policy import DomainPolicy
from .http import HttpClient, HttpResponse

log = logging.getLogger(__name__)

UNAVAILABLE_AFTER_DAYS = 7
_RETRYABLE = frozenset({401, 408, 429})


async def enqueue(
    conn: Connection, activity: dict, actor: Actor, inboxes: Iterable[str], *,
    is_public: bool, object_uri: str | None, now: int,
) -> None:
    """Store `activity` (always, so public ones form the outbox) and a delivery row per inbox."""
    raw = json.dumps(activity, ensure_ascii=False)
    row_id = await store.insert_activity(conn, activity["id"], actor.id, activity["type"], object_uri, is_public, raw, now)
    targets = [(inbox, host_of(inbox)) for inbox in dict.fromkeys(inboxes)]
    if targets:
        await store.insert_deliveries(conn, row_id, targets, now)


def remote_reason(response: HttpResponse) -> str:
    """What a refusing inbox said: its JSON `error` (Mastodon, redfed, Fedify) or the start of its
    text, on one line."""
    text = response.body[:2000].decode("utf-8", "replace")
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if isinstance(document, dict) and isinstance(document.get("error"), str):
        text = document["error"]
    text = " ".join(text.split())[:200]
    return text or "no reason given"


def _activity_id(delivery: Delivery) -> str:
    try:
        return str(json.loads(delivery.activity_raw).get("id"))
    except (ValueError, AttributeError):
        return f"outbox activity {delivery.outbox_activity_id}"


def retry_delay_seconds(attempts: int, config: Config, rng: Callable[[], float] = random.random) -> float:
    """Delay before try number `attempts + 1`: Sidekiq's curve, which Mastodon's deliveries follow."""
    jitter = rng() * 10 * (attempts + 1)
    return min(config.delivery.max_delay_seconds, config.delivery.initial_delay_seconds + attempts**4 + jitter)


def retry_at_ms(attempts: int, wait: float | None, config: Config, now: float, rng: Callable[[], float]) -> int:
    """When try number `attempts + 1` is due. Retry-After is a lower bound on the backoff curve, not
    a replacement for it: a remote answering "Retry-After: 3" to every try would otherwise use up
    the whole retry budget within a minute of maintenance."""
    delay = max(wait or 0.0, retry_delay_seconds(attempts, config, rng))
    return int((now + delay) * 1000)


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


class DeliveryWorker:
    def __init__(
        self, db: Database, http: HttpClient, config: Config, *,
        clock: Callable[[], float] = time.time, rng: Callable[[], float] = random.random,
        domains: DomainPolicy | None = None, observe: Callable[[str], None] = lambda state: None,
    ):
        """`observe` hears the state each attempt leaves its row in (the metrics count them)."""
        self.db, self.http, self.config = db, http, config
        self.clock, self.rng = clock, rng
        self.domains = domains or DomainPolicy(config)
        self.observe = observe

    async def run_once(self, limit: int = 64) -> int:
        """Deliver one batch of due rows; return how many were attempted (0: nothing due)."""
        now_ms = int(self.clock() * 1000)
        lease_ms = int(self.config.workers.lease_seconds * 1000)
        async with self.db.transaction() as conn:
            batch = await store.claim_due(conn, now_ms, lease_ms, limit)
        if not batch:
            return 0
        hosts = {d.host: await store.get_host(self.db.reader, d.host) for d in batch}
        # Looked up per batch, not cached for good: a rotated key must sign the next batch. The
        # costly part, parsing the PEM, stays memoised in protocol.keys.
        actor_keys = {actor_id: await actor_store.list_keys(self.db.reader, actor_id) for actor_id in {d.actor_id for d in batch}}
        signing = {actor_id: SigningKey.newest_rsa(found) for actor_id, found in actor_keys.items()}
        # Each activity is signed once for all its inboxes.
        bodies = {(d.actor_id, d.activity_raw): self._body(d.activity_raw, actor_keys[d.actor_id]) for d in batch}
        limit_concurrency = asyncio.Semaphore(self.config.workers.concurrency)
        outcomes = _OutcomeRecorder(self.db, self.clock, [d.id for d in batch])

        async def attempt(delivery: Delivery):
            async with limit_concurrency:
                started = time.monotonic()
                outcome, style = await self._attempt(
                    delivery, bodies[delivery.actor_id, delivery.activity_raw], hosts[delivery.host], signing[delivery.actor_id],
                )
                took = time.monotonic() - started
            await outcomes.record(outcome)
            return outcome, style, took

        holding = asyncio.create_task(outcomes.hold(lease_ms))
        try:
            results = await asyncio.gather(*(attempt(d) for d in batch))
        except asyncio.CancelledError:
            # A process stopping gracefully hands back what it had not finished, so that another
            # worker sends it now rather than when the lease runs out.
            await asyncio.shield(outcomes.release())
            raise
        finally:
            holding.cancel()
        async with self.db.transaction() as conn:
            await self._record_hosts(conn, batch, results, now_ms)
        for outcome, _, _ in results:
            self.observe(outcome.state)
        return len(batch)

    def _body(self, raw: str, actor_keys: list[ActorKey]) -> bytes:
        """What is sent: the activity, with an FEP-8b32 proof by the sender's Ed25519 key when
        proofs are on (a sender without a private one, as a remote actor's forward, sends it as is)."""
        ed25519 = [k for k in actor_keys if k.kind == "ed25519" and k.private_pem]
        if not (self.config.federation.integrity_proofs and ed25519):
            return raw.encode()
        key = ed25519[-1]
        signed = proofs.sign_proof(json.loads(raw), key.key_id, keys.load_private_key(key.private_pem), self.clock())
        return json.dumps(signed, ensure_ascii=False).encode()

    async def _attempt(
        self, delivery: Delivery, body: bytes, host: tuple, key: SigningKey,
    ) -> tuple[store.Outcome, str | None]:
        """(outcome, signature style that worked) for one delivery."""
        _, unavailable_since, known_style = host
        # Checked at send time, so that a row queued before the block, or by another process that
        # has not seen it yet, is never sent.
        if self.domains.is_suspended(delivery.inbox_uri):
            return self._outcome(delivery, "failed", None, "domain is suspended"), None
        if unavailable_since is not None:
            return self._outcome(delivery, "failed", None, "host is marked unavailable"), None
        style = known_style or ("rfc9421" if self.config.federation.rfc9421_first else "cavage")
        try:
            response = await self.http.post(delivery.inbox_uri, body, key=key, rfc9421=style == "rfc9421")
            if style == "rfc9421" and not known_style and response.status in (400, 401):
                # Double knock: a server that does not read RFC 9421 says so with 400/401.
                style = "cavage"
                response = await self.http.post(delivery.inbox_uri, body, key=key)
        except AddressRefused as error:
            return self._outcome(delivery, "failed", None, error.message), None
        except FetchError as error:
            return self._retry(delivery, None, error.message, None), None
        outcome = self._classify(delivery, response)
        if outcome.state == "sent":
            log.info("delivered %s to %s: %s", _activity_id(delivery), delivery.inbox_uri, response.status)
        else:
            verdict = "to be retried" if outcome.state == "pending" else "refused"
            log.warning("delivery of %s to %s %s: %s", _activity_id(delivery), delivery.inbox_uri, verdict, outcome.error)
        return outcome, style if outcome.state == "sent" else None

    def _classify(self, delivery: Delivery, response: HttpResponse) -> store.Outcome:
        status = response.status
        if 200 <= status < 300:
            return self._outcome(delivery, "sent", status, None)
        error = f"inbox answered {status}: {remote_reason(response)}"
        if status in (404, 410):
            return self._outcome(delivery, "gone", status, error)
        if status in _RETRYABLE or status >= 500:
            wait = retry_after_seconds(response.headers.get("Retry-After"), self.clock()) if status in (429, 503) else None
            return self._retry(delivery, status, error, wait)
        return self._outcome(delivery, "failed", status, error)

    def _retry(self, delivery: Delivery, status: int | None, error: str, wait: float | None) -> store.Outcome:
        if delivery.attempts + 1 >= self.config.delivery.max_attempts:
            return self._outcome(delivery, "failed", status, f"gave up after {delivery.attempts + 1} tries: {error}")
        due = retry_at_ms(delivery.attempts + 1, wait, self.config, self.clock(), self.rng)
        return store.Outcome(delivery.id, "pending", status, error, due)

    def _outcome(self, delivery: Delivery, state: str, status: int | None, error: str | None) -> store.Outcome:
        return store.Outcome(delivery.id, state, status, error, int(self.clock() * 1000))

    async def _record_hosts(self, conn, batch: list[Delivery], results, now_ms: int) -> None:
        """A success clears a host's failure record and adds to what its deliveries take; a
        retryable failure adds today to its failure record."""
        today = datetime.fromtimestamp(now_ms / 1000, UTC).date().isoformat()
        per_host: dict[str, tuple[bool, str | None]] = {}
        took: dict[str, list[float]] = {}
        for delivery, (outcome, style, seconds) in zip(batch, results):
            if outcome.state == "sent":
                per_host[delivery.host] = (True, style)
                took.setdefault(delivery.host, []).append(seconds)
            elif outcome.state == "pending":
                per_host.setdefault(delivery.host, (False, None))
        for host, (succeeded, style) in per_host.items():
            days, unavailable_since, known_style = await store.get_host(conn, host)
            if succeeded:
                await store.save_host(conn, host, [], None, style or known_style, now_ms)
                await store.add_latency(conn, host, round(1000 * sum(took[host]) / len(took[host])))
            elif unavailable_since is None:
                days = sorted(set(days) | {today})
                unavailable = now_ms if len(days) >= UNAVAILABLE_AFTER_DAYS else None
                await store.save_host(conn, host, days, unavailable, known_style, None)


class _OutcomeRecorder:
    """Records each delivery's outcome as soon as it is known, rather than once the batch is done,
    so that a worker killed mid-batch leaves only what was in flight to be sent again.

    Whatever finished while a record was being written goes into the next one (a group commit):
    one transaction per delivery only when they finish one at a time. Meanwhile `hold` renews the
    lease of the rows not yet finished, so that a lease can be short (another worker takes over
    a dead one's rows soon) without a slow batch losing its rows to another worker."""

    def __init__(self, db: Database, clock: Callable[[], float], ids: list[int]):
        self.db, self.clock = db, clock
        self.unfinished = set(ids)
        self._waiting: list[store.Outcome] = []
        self._writing = asyncio.Lock()

    async def record(self, outcome: store.Outcome) -> None:
        self._waiting.append(outcome)
        async with self._writing:
            if not self._waiting:
                return  # the record written while this one waited took it along
            group, self._waiting = self._waiting, []
            async with self.db.transaction() as conn:
                await store.record_outcomes(conn, group, int(self.clock() * 1000))
            self.unfinished.difference_update(outcome.row_id for outcome in group)

    async def release(self) -> None:
        async with self.db.transaction() as conn:
            await store.release_claims(conn, sorted(self.unfinished))

    async def hold(self, lease_ms: int) -> None:
        while True:
            await asyncio.sleep(lease_ms / 3000)
            async with self._writing, self.db.transaction() as conn:
                await store.extend_claims(conn, sorted(self.unfinished), int(self.clock() * 1000) + lease_ms)
