"""A post made through one process reaches a streaming client connected to another process of the
same instance within a second (issue 12): every process tails the one event log, and on
PostgreSQL each commit wakes them through LISTEN/NOTIFY. An event whose transaction commits after
a later one's is still streamed."""

import json
import time

import aiohttp
import asyncpg
import pytest

from ..support import api
from ..support.databases import ON_POSTGRESQL
from ..support.processes import another_process


def _ws_url(process, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return process.url("/api/v1/streaming").replace("http", "ws", 1) + "?" + query


async def _next_update(ws, timeout: float) -> tuple[str, dict]:
    while True:
        message = await ws.receive_json(timeout=timeout)
        if message.get("event") in ("update", "status.update"):
            return message["event"], json.loads(message["payload"])


async def _subscribed(ws) -> None:
    # The stream is in force once a later command is answered (commands are handled in order).
    await ws.send_json({"type": "subscribe", "stream": "no-such-stream"})
    assert (await ws.receive_json(timeout=5))["error"] == "Unknown stream type"


async def test_a_post_through_one_process__reaches_a_stream_on_another_within_a_second(start_instance):
    one = start_instance("one")
    two = another_process(start_instance, one, "two")
    one.create_user("alice")
    alice = api.client(one, "alice")
    reader = api.token_for(two, "alice")
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(_ws_url(two, stream="public:local", access_token=reader)) as ws:
            await _subscribed(ws)
            for n in range(3):
                posted_at = time.monotonic()
                status = alice.status_post(f"hello from process one, {n}")
                event, payload = await _next_update(ws, timeout=5)
                assert (event, payload["id"]) == ("update", str(status["id"]))
                assert time.monotonic() - posted_at < 1.0


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite commits one writer at a time: ids never commit out of order")
async def test_an_event_committed_after_a_later_one__is_streamed_all_the_same(start_instance):
    one = start_instance("one")
    two = another_process(start_instance, one, "two")
    one.create_user("alice")
    alice = api.client(one, "alice")
    edited = alice.status_post("first version")
    reader = api.token_for(two, "alice")
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(_ws_url(two, stream="public:local", access_token=reader)) as ws:
            await _subscribed(ws)
            slow = await asyncpg.connect(one.config.database.url)
            try:
                # A transaction takes the next event id, and commits only after a later event has.
                held = slow.transaction()
                await held.start()
                await slow.execute(
                    "INSERT INTO stream_events (kind, post_id, actor_id, visibility, is_local, created_at) "
                    "SELECT 'status.update', id, actor_id, 'public', 1, $2 FROM posts WHERE id = $1",
                    int(edited["id"]), int(time.time() * 1000),
                )
                later = alice.status_post("posted meanwhile")
                event, payload = await _next_update(ws, timeout=5)
                assert (event, payload["id"]) == ("update", str(later["id"]))
                await held.commit()
            finally:
                await slow.close()
            event, payload = await _next_update(ws, timeout=5)
            assert (event, payload["id"]) == ("status.update", str(edited["id"]))
