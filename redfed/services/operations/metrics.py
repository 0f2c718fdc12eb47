"""Prometheus metrics (layer 4), with the maintained `prometheus-client` library.

Two kinds of figures, because an instance may run as several processes (`redfed serve` and
`redfed worker`, on one PostgreSQL database):

- what this process did (requests, inbox refusals, delivery attempts): counters in this
  process's own registry. Prometheus scrapes each process (its `instance` label tells them
  apart); `sum(rate(...))` across them is the instance's rate.
- what the instance holds (queue depths and ages, worker lag, media by processing
  state, users, storage): read from the database at scrape time, so every process reports the
  same values; aggregate them with `max`, never `sum`.

Each `Metrics` has its own registry, not the library's global one: tests run several instances
in one process.
"""

import os
import re
import socket
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from ... import __version__
from ...errors import RedfedError
from .figures import Figures

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# Inbox refusals by the kind of reason, so that the label's values stay few whatever the
# messages carry (a key id, an algorithm name).
_REASONS = tuple((re.compile(pattern), reason) for pattern, reason in (
    (r"signature required", "no_signature"), (r"\bdigest\b", "digest"), (r"\bdate\b|\(created\)", "date"),
    (r"signer is not the actor", "actor_mismatch"), (r"\borigin\b|attributed|undo its own", "origin"),
    (r"\bkey\b", "key"), (r"\bsuspended\b", "domain_blocked"),
))


def inbox_reason(error: RedfedError) -> str:
    """A short, bounded name for why an inbox request was refused."""
    message = error.message.lower()
    for pattern, reason in _REASONS:
        if pattern.search(message):
            return reason
    return {400: "malformed", 413: "too_large", 415: "content_type", 429: "rate_limited"}.get(
        error.status, "signature" if error.status == 401 else f"status_{error.status}"
    )


class Metrics:
    def __init__(self, role: str = "serve"):
        self.role = role
        self.registry = registry = CollectorRegistry()
        self.requests = Counter(
            "redfed_http_requests", "HTTP requests answered by this process", ["group", "method", "status"],
            registry=registry,
        )
        self.request_seconds = Histogram(
            "redfed_http_request_duration_seconds", "Time to answer, by route group", ["group"],
            buckets=_SECONDS, registry=registry,
        )
        self.inbox = Counter(
            "redfed_inbox_requests", "Inbox POSTs by outcome (accepted, dropped, refused) and reason",
            ["outcome", "reason"], registry=registry,
        )
        self.deliveries = Counter(
            "redfed_delivery_attempts", "Delivery attempts made by this process, by result (sent, retry, gone, failed)",
            ["result"], registry=registry,
        )
        Gauge(
            "redfed_process_info", "This process: its role and version", ["role", "version", "process"],
            registry=registry,
        ).labels(role, __version__, f"{socket.gethostname()}:{os.getpid()}").set(1)
        ProcessCollector(registry=registry)
        self._database = _DatabaseFigures()
        registry.register(self._database)
        self._streams = _StreamFigures()
        registry.register(self._streams)

    def watch_streams(self, read: Callable[[], tuple[int, int, int]]) -> None:
        """Export this process's streaming figures, read at each scrape: (open connections, events
        delivered, connections closed for falling behind)."""
        self._streams.read = read

    def observe_request(self, group: str, method: str, status: int, seconds: float) -> None:
        method = method if method in _METHODS else "other"  # clients may send any word
        self.requests.labels(group, method, f"{status // 100}xx").inc()
        self.request_seconds.labels(group).observe(seconds)

    def inbox_accepted(self) -> None:
        self.inbox.labels("accepted", "").inc()

    def inbox_dropped(self, reason: str) -> None:
        self.inbox.labels("dropped", reason).inc()

    def inbox_refused(self, error: RedfedError) -> None:
        self.inbox.labels("refused", inbox_reason(error)).inc()

    def delivery_result(self, state: str) -> None:
        """One attempt's outcome as the delivery queue records it (pending means it will be retried)."""
        self.deliveries.labels("retry" if state == "pending" else state).inc()

    def exposition(self, figures: Figures, pool: tuple[int, int] | None) -> bytes:
        """The text format of this process's counters and of `figures` (read just before)."""
        self._database.latest = (figures, pool)
        return generate_latest(self.registry)


class _DatabaseFigures:
    """Gauges of what the database held at the scrape."""

    latest: tuple[Figures, tuple[int, int] | None] | None = None

    def collect(self):
        if self.latest is None:
            return
        figures, pool = self.latest
        yield from _queue_families(figures)
        yield from _size_families(figures)
        probe = GaugeMetricFamily("redfed_database_read_seconds", "Time the scrape took to read these figures")
        probe.add_metric([], figures.read_seconds)
        yield probe
        if pool is not None:
            connections = GaugeMetricFamily("redfed_database_pool_connections", "This process's pool", labels=["state"])
            connections.add_metric(["open"], pool[0])
            connections.add_metric(["idle"], pool[1])
            yield connections

    def describe(self):
        return []


class _StreamFigures:
    """This process's streaming connections, once the streaming API has been used."""

    read: Callable[[], tuple[int, int, int]] | None = None

    def collect(self):
        if self.read is None:
            return
        connections, delivered, too_slow = self.read()
        yield _gauge("redfed_streaming_connections", "Streaming API connections open on this process", connections)
        events = CounterMetricFamily("redfed_streaming_events_delivered", "Events handed to streaming connections")
        events.add_metric([], delivered)
        yield events
        closed = CounterMetricFamily(
            "redfed_streaming_closed_too_slow", "Streaming connections closed because they fell too far behind"
        )
        closed.add_metric([], too_slow)
        yield closed

    def describe(self):
        return []


def _queue_families(figures: Figures):
    depth = GaugeMetricFamily("redfed_queue_depth", "Rows waiting in a queue (due: their time has come)", labels=["queue", "when"])
    age = GaugeMetricFamily("redfed_queue_oldest_age_seconds", "Age of the oldest waiting row", labels=["queue"])
    lag = GaugeMetricFamily("redfed_worker_lag_seconds", "How long the longest-due row has waited for a worker", labels=["queue"])
    for queue in figures.queues:
        depth.add_metric([queue.name, "due"], queue.due)
        depth.add_metric([queue.name, "later"], queue.pending - queue.due)
        age.add_metric([queue.name], _age(figures.now, queue.oldest_queued_at))
        lag.add_metric([queue.name], _age(figures.now, queue.oldest_due_at))
    media = GaugeMetricFamily("redfed_media", "Media files by processing state", labels=["state"])
    for state, count in sorted(figures.media_states.items()):
        media.add_metric([state], count)
    workers = GaugeMetricFamily("redfed_workers_running", "Processes whose queue workers were seen in the last minute")
    workers.add_metric([], len(figures.workers))
    return [depth, age, lag, media, workers]


def _size_families(figures: Figures):
    totals = figures.totals
    yield _gauge("redfed_users", "Local users", totals.users)
    yield _gauge("redfed_active_users", "Local users active in the last 30 days", totals.active_users)
    yield _gauge("redfed_local_posts", "Posts written on this instance", totals.local_posts)
    yield _gauge("redfed_sign_ups_pending", "Sign-ups waiting for approval", totals.pending_sign_ups)
    yield _gauge("redfed_media_stored_bytes", "Bytes of media files recorded", totals.media_bytes)
    if totals.database_bytes is not None:
        yield _gauge("redfed_database_bytes", "Size of the database", totals.database_bytes)


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation)
    family.add_metric([], value)
    return family


def _age(now: int, then: int | None) -> float:
    return max(0.0, (now - then) / 1000) if then is not None else 0.0
