"""Clients that hang up mid-request stop nothing (issue 23; the commonest fault a public server sees).

A client that gives up makes hypercorn cancel its request's task wherever it is. Here busy peers
and impatient apps abandon real requests over loopback after 1 to 100 ms, 32 at a time, round after
round; after each round the instance still takes signed inbox POSTs and applies them, creates and
shows statuses, and delivers. What a disconnect means on each route:
- a signed inbox POST is stored once or not at all (a replay of its id is a no-op);
- a status is created whole, with its deliveries queued, or not at all; retried with the same
  Idempotency-Key it is never created twice;
- a favourite or a follow is made whole or not at all.
"""

import asyncio
import json
import threading

import aiohttp
import pytest

from redfed.store import inbox as inbox_store
from redfed.store import posts as post_store

from ..support import api
from ..support.hostile import PUBLIC, HostileServer, sign_post
from ..support.http import request

CONCURRENCY = 32
TIMEOUTS_MS = (1, 2, 5, 10, 20, 30, 50, 80, 100)


@pytest.fixture
def instance(start_instance):
    # The flood throttle would answer most of these with 429 before they reach the database.
    return start_instance("a", federation={"inbox_per_host_per_minute": 1_000_000})


@pytest.fixture
def remote():
    server = HostileServer().start()
    yield server
    server.stop()


@pytest.fixture
def alice(instance):
    instance.create_user("alice")
    return api.client(instance, "alice")


def abandon(requests: list[tuple[str, str, dict, bytes]], timeout_ms: float) -> None:
    """Send every (method, url, headers, body), CONCURRENCY at a time, giving up after timeout_ms."""

    async def one(session, gate, method, url, headers, body):
        async with gate:
            try:
                timeout = aiohttp.ClientTimeout(total=timeout_ms / 1000)
                async with session.request(method, url, headers=headers, data=body, timeout=timeout) as reply:
                    await reply.read()
            except (asyncio.TimeoutError, aiohttp.ClientError):
                pass

    async def all_of_them():
        gate = asyncio.Semaphore(CONCURRENCY)
        # A new connection for each: an abandoned one is closed, as a real impatient client's is.
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as session:
            await asyncio.gather(*(one(session, gate, *r) for r in requests))

    asyncio.run(all_of_them())


def _bearer(client) -> dict:
    return {"Authorization": f"Bearer {client.access_token}", "Content-Type": "application/json"}


def test_abandoned_signed_inbox_posts__every_later_write_still_works(instance, alice, remote):
    mallory = remote.add_actor("mallory")
    sent_ids = []
    for timeout_ms in TIMEOUTS_MS:
        batch = []
        for n in range(3 * CONCURRENCY):
            activity = mallory.create(mallory.note(f"note {timeout_ms}/{n}", to=[PUBLIC]))
            sent_ids.append(activity["id"])
            signed = sign_post(instance.url("/inbox"), activity, mallory.signing_key, instance.clock())
            batch.append(("POST", signed.url, signed.headers, signed.body))
        abandon(batch, timeout_ms)
        _assert_inbox_takes_and_applies(instance, mallory)
        _assert_statuses_are_created_and_read(instance, alice, f"after {timeout_ms} ms")
    # Whatever was stored was stored once: one row per id, and none of them half-applied.
    states = instance.run(inbox_store.item_states(instance.runtime.db.reader))
    assert set(states) <= {"done"}
    assert sum(states.values()) <= len(sent_ids) + len(TIMEOUTS_MS)


def _assert_inbox_takes_and_applies(instance, mallory) -> None:
    note = mallory.note("a polite note", to=[PUBLIC])
    reply = sign_post(instance.url("/inbox"), mallory.create(note), mallory.signing_key, instance.clock()).send()
    assert reply.status == 202
    instance.drain()
    assert instance.run(post_store.find_post_by_uri(instance.runtime.db.reader, note["id"])) is not None
    assert request("GET", instance.url("/api/v1/timelines/public")).status == 200


def _assert_statuses_are_created_and_read(instance, alice, text: str) -> None:
    status = alice.status_post(text)
    assert alice.status(status["id"])["content"] == f"<p>{text}</p>"


def test_abandoned_status_posts__each_is_whole_or_absent_and_a_retry_makes_one(instance, alice, remote):
    follower = remote.add_actor("fern")
    _follow_from(instance, follower, "alice")
    statuses_url = instance.url("/api/v1/statuses")
    for round_, timeout_ms in enumerate(TIMEOUTS_MS):
        keys = [f"round {round_} post {n}" for n in range(CONCURRENCY)]
        batch = [
            ("POST", statuses_url, {**_bearer(alice), "Idempotency-Key": key}, json.dumps({"status": key}).encode())
            for key in keys
        ]
        abandon(batch, timeout_ms)
        # The apps retry, as Mastodon's do, with the same keys: one status per key, never two.
        for method, url, headers, body in batch[:4]:
            assert request(method, url, headers=headers, body=body).status == 200
    mine = _all_statuses(alice)
    texts = [s["content"] for s in mine]
    assert len(texts) == len(set(texts))
    # Every status made has its Create queued for the follower: drained, fern's inbox has them all.
    instance.drain()
    delivered = {json.loads(r.body)["object"]["id"] for r in remote.requests(method="POST") if b'"Create"' in r.body}
    assert {s["uri"] for s in mine} <= delivered


def _follow_from(instance, actor, username: str) -> None:
    follow = actor.activity("Follow", instance.url(f"/users/{username}"))
    assert sign_post(instance.url(f"/users/{username}/inbox"), follow, actor.signing_key, instance.clock()).send().status == 202
    instance.drain()


def _all_statuses(client) -> list[dict]:
    me = client.account_verify_credentials()
    page = client.account_statuses(me["id"], limit=40)
    return client.fetch_remaining(page)


def test_the_same_idempotency_key_at_once__one_status(instance, alice):
    replies = []

    def post():
        body = json.dumps({"status": "only once, however eager the app"}).encode()
        replies.append(request("POST", instance.url("/api/v1/statuses"), headers={**_bearer(alice), "Idempotency-Key": "k-1"}, body=body))

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status for r in replies] == [200] * 8
    assert len({r.json()["id"] for r in replies}) == 1
    assert alice.account_verify_credentials()["statuses_count"] == 1


def test_abandoned_favourites_and_follows__whole_or_absent(instance, alice):
    instance.create_user("bob")
    bob = api.client(instance, "bob")
    posts = [bob.status_post(f"bob's post {n}") for n in range(CONCURRENCY)]
    bob_id = bob.account_verify_credentials()["id"]
    for timeout_ms in TIMEOUTS_MS:
        batch = [("POST", instance.url(f"/api/v1/statuses/{p['id']}/favourite"), _bearer(alice), b"") for p in posts]
        batch += [("POST", instance.url(f"/api/v1/accounts/{bob_id}/{verb}"), _bearer(alice), b"")
                  for verb in ("follow", "unfollow") * (CONCURRENCY // 2)]
        abandon(batch, timeout_ms)
        _assert_statuses_are_created_and_read(instance, alice, f"favourites after {timeout_ms} ms")
    # Counts agree with rows: each favourite that was made is counted once on its post.
    favourited = [bob.status(p["id"]) for p in posts]
    assert all(s["favourites_count"] in (0, 1) for s in favourited)
    liked_by_alice = alice.favourites(limit=40)
    assert {s["id"] for s in liked_by_alice} == {s["id"] for s in favourited if s["favourites_count"] == 1}
    # The relationship ends up one or the other, never a half-made follow.
    relation = alice.account_relationships(bob_id)[0]
    assert relation["following"] in (True, False) and not relation["requested"]
    assert alice.account_follow(bob_id)["following"]
