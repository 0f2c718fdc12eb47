"""Delivery is a table: outages, retries on Mastodon's curve, crashes, and hosts that stay down."""

import asyncio

import pytest

from redfed.config import Config
from redfed.federation import delivery
from redfed.federation.http import HttpResponse
from redfed.models import Delivery
from redfed.services.social import posts
from redfed.store import deliveries as delivery_store

from ..support.hostile import sign_post
from ..support.waiting import wait_until
from .test_posts import _connect, _settle, _stored

DAY = 24 * 3600


def _rows(instance):
    async def read():
        async with instance.runtime.db.reader.execute(
            "SELECT state, attempts, next_attempt_at, last_status, last_error FROM deliveries ORDER BY id"
        ) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    return instance.run(read())


@pytest.fixture
def followed(start_instance):
    """bob@b follows alice@a, so alice's posts are delivered to b."""
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob")
    _connect(b, a, "bob", "alice")
    return a, b


def test_delivery__a_down_receiver_gets_the_post_when_it_comes_back(followed, start_instance, clock):
    a, b = followed
    port, folder = b.port, b.folder
    b.stop()
    post = a.run(posts.create_local_post(a.ctx, a.actor("alice"), "are you there?"))
    a.drain()
    [(state, attempts, next_at, status, error)] = _rows(a)[-1:]
    assert (state, attempts, status) == ("pending", 1, None)
    assert "connect" in error.lower() or "refused" in error.lower()
    assert next_at > clock() * 1000  # backed off, not due yet
    assert a.drain() == 0

    # Given: the receiver comes back at the same address. When: the retry falls due.
    b = start_instance(folder.name, port=port)
    clock.advance(120)
    _settle(a, b)
    assert _rows(a)[-1][0] == "sent"
    assert _stored(b, post.uri) is not None


def test_delivery__retries_follow_mastodons_curve_and_give_up_after_max_attempts(followed, clock):
    a, b = followed
    b.stop()
    a.run(posts.create_local_post(a.ctx, a.actor("alice"), "hello?"))
    delays = []
    for _ in range(a.config.delivery.max_attempts):
        before = clock() * 1000
        a.drain()
        state, attempts, next_at, _, error = _rows(a)[-1]
        if state != "pending":
            break
        delays.append((next_at - before) / 1000)
        clock.advance(next_at / 1000 - clock() + 1)
    assert state == "failed" and attempts == a.config.delivery.max_attempts
    assert "gave up after 16 tries" in error
    # Each wait is longer than the one before (attempt^4 plus jitter), and the whole span is
    # about two days, as with Mastodon's 16 tries.
    assert all(later > earlier for earlier, later in zip(delays[3:], delays[4:]))
    assert 1.5 * DAY < sum(delays) < 3.5 * DAY


def test_delivery__a_worker_that_dies_mid_batch_leaves_its_rows_to_be_claimed_again(followed, clock):
    a, b = followed
    post = a.run(posts.create_local_post(a.ctx, a.actor("alice"), "survive this"))

    async def claim_and_die():
        async with a.runtime.db.transaction() as conn:
            return await delivery_store.claim_due(conn, int(clock() * 1000), int(lease_seconds * 1000), 10)

    lease_seconds = a.config.workers.lease_seconds
    assert len(a.run(claim_and_die())) == 1  # claimed, then the "process" is gone
    assert a.drain() == 0  # the lease still holds
    clock.advance(lease_seconds + 1)
    _settle(a, b)
    assert _rows(a)[-1][0] == "sent"
    assert _stored(b, post.uri) is not None


def test_delivery__a_graceful_stop_hands_what_it_was_sending_back_at_once(instance, hostile, clock):
    alice = instance.create_user("alice").actor
    reader = hostile.add_actor("reader")
    assert sign_post(alice.uri + "/inbox", reader.activity("Follow", alice.uri), reader.signing_key, clock()).send().status == 202
    instance.drain()
    hostile.inbox_delay = 5  # the reader's server is slow...
    instance.run(posts.create_local_post(instance.ctx, alice, "for a slow reader"))
    sending = asyncio.run_coroutine_threadsafe(instance.node.drain(), instance._loop)
    wait_until(lambda: len(_inbox_posts(hostile)) == 2, "the post to reach the slow inbox", 10)  # the Accept, then the post
    sending.cancel()  # ...and the worker stops, as on SIGTERM, while the post is on its way
    wait_until(lambda: _claimed(instance) == [], "the stopping worker to hand its rows back", 10)

    hostile.inbox_delay = 0
    assert instance.drain() == 1  # due again now, not when the lease runs out
    assert _rows(instance)[-1][0] == "sent"


def _claimed(instance) -> list:
    async def read():
        async with instance.runtime.db.reader.execute(
            "SELECT id FROM deliveries WHERE claimed_until IS NOT NULL ORDER BY id"
        ) as cursor:
            return [row[0] for row in await cursor.fetchall()]

    return instance.run(read())


def _inbox_posts(server) -> list:
    return [r for r in server.requests(method="POST") if r.path.endswith("inbox")]


def test_delivery__a_host_failing_on_seven_days_is_skipped_until_it_talks_to_us(followed, start_instance, clock):
    a, b = followed
    port, folder = b.port, b.folder
    b.stop()
    for day in range(delivery.UNAVAILABLE_AFTER_DAYS):
        a.run(posts.create_local_post(a.ctx, a.actor("alice"), f"day {day}"))
        a.drain()
        clock.advance(DAY)
    host = f"127.0.0.1:{port}"
    days, unavailable_since, _ = a.run(delivery_store.get_host(a.runtime.db.reader, host))
    assert len(days) == 7 and unavailable_since is not None
    a.run(posts.create_local_post(a.ctx, a.actor("alice"), "skipped"))
    a.drain()
    assert _rows(a)[-1][:2] == ("failed", 1) and _rows(a)[-1][4] == "host is marked unavailable"

    # Any inbound activity from the host clears the mark.
    b = start_instance(folder.name, port=port)
    bob_post = b.run(posts.create_local_post(b.ctx, b.actor("bob"), f"@alice@{a.domain} I am back"))
    _settle(a, b)
    assert _stored(a, bob_post.uri) is not None
    assert a.run(delivery_store.get_host(a.runtime.db.reader, host))[:2] == ([], None)


@pytest.mark.parametrize("status, state", [(404, "gone"), (410, "gone"), (400, "failed"), (403, "failed")])
def test_classify__permanent_answers_are_not_retried(status, state):
    outcome = _classify(status, {})
    assert outcome.state == state


@pytest.mark.parametrize("status", [401, 408, 429, 500, 502, 503])
def test_classify__temporary_answers_are_retried(status):
    assert _classify(status, {}).state == "pending"


def test_classify__retry_after_is_honoured():
    outcome = _classify(429, {"Retry-After": "3600"})
    assert 3599 <= (outcome.next_attempt_at - 1_000_000_000_000) / 1000 <= 3601


def test_classify__a_short_retry_after_does_not_shorten_the_backoff():
    # A remote in maintenance answering "try again in 3 s" to every try must not use up the
    # retry budget in a minute: the tenth retry still waits as the backoff curve says.
    outcome = _classify(503, {"Retry-After": "3"}, attempts=9)
    waited = (outcome.next_attempt_at - 1_000_000_000_000) / 1000
    assert waited == delivery.retry_delay_seconds(10, Config(), lambda: 0.0) > 3600


def _classify(status, headers, attempts=0):
    worker = delivery.DeliveryWorker(None, None, Config(), clock=lambda: 1_000_000_000.0, rng=lambda: 0.0)
    row = Delivery(1, 1, "https://remote.example/inbox", "remote.example", attempts, 1, "{}")
    return worker._classify(row, HttpResponse(status, headers, b"", "https://remote.example/inbox"))
