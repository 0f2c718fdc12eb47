"""Slow clients cannot starve the others (issue 23): a client trickling its headers is cut off
after server.idle_timeout_seconds, one trickling its body gets 408 after
server.body_timeout_seconds, bodies beyond server.max_concurrent_bodies get 503 at once, and
connections opened and abandoned are released (CHECKLIST 53, 55); meanwhile everyone else is
answered.

The slow clients are raw sockets on the test's own event loop, a byte at a time, as an attacker or
a bad mobile link would send; the ordinary clients are the test suite's usual ones, in threads.
Latencies are recorded (`record_property`), never asserted: the machine is shared.
"""

import asyncio
import dataclasses
import json
import os
import socket
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from redfed.app import create_app
from redfed.config import ServerConfig
from redfed.server import hypercorn_config

from ..support import api
from ..support.http import get, request

# Timeouts short enough for a test, long enough to mean something on a busy machine.
IDLE_TIMEOUT = 1.0
BODY_TIMEOUT = 1.5
# Liveness bound for anything that should happen within a timeout or two.
LIVENESS = 20.0


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


class RawClient:
    """One HTTP/1.1 connection over a raw socket, driven a byte at a time as a slow client does."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.received = bytearray()
        self.started = time.monotonic()
        self.closed_at: float | None = None  # when the server closed the connection
        self.answered_at: float | None = None

    @classmethod
    async def connect(cls, port: int) -> "RawClient":
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        client = cls(sock)  # timed from before the server can see the connection
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
        return client

    @property
    def done(self) -> bool:
        return self.closed_at is not None or self.answered_at is not None

    async def send(self, data: bytes) -> None:
        try:
            await asyncio.get_running_loop().sock_sendall(self.sock, data)
        except OSError:
            self._closed()

    async def read_for(self, seconds: float) -> None:
        """Take what the server sends within `seconds` (less if it sends or closes sooner)."""
        try:
            data = await asyncio.wait_for(asyncio.get_running_loop().sock_recv(self.sock, 65536), max(seconds, 0))
        except TimeoutError:
            return
        except OSError:
            data = b""
        if not data:
            self._closed()
        self.received += data
        if self.answered_at is None and self.answer() is not None:
            self.answered_at = time.monotonic()

    async def trickle(self, data: bytes, interval: float, limit: float = LIVENESS) -> None:
        """Send `data` a byte every `interval` seconds until it is all sent, the server answers or
        closes, or `limit` seconds have passed."""
        deadline = time.monotonic() + limit
        for i in range(len(data)):
            if self.done or time.monotonic() > deadline:
                return
            await self.send(data[i : i + 1])
            await self.read_for(interval)

    async def wait(self, until=lambda client: client.done, limit: float = LIVENESS) -> None:
        """Read until `until(self)` holds, the server closes, or `limit` seconds have passed."""
        deadline = time.monotonic() + limit
        while not until(self) and self.closed_at is None and time.monotonic() < deadline:
            await self.read_for(deadline - time.monotonic())

    def answer(self) -> Answer | None:
        """The final answer once complete (an interim 100 Continue is skipped)."""
        data = bytes(self.received)
        while data.startswith(b"HTTP/1.1 1") and b"\r\n\r\n" in data:
            data = data.split(b"\r\n\r\n", 1)[1]
        head, found, body = data.partition(b"\r\n\r\n")
        if not found:
            return None
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
        if len(body) < int(headers.get("content-length", 0)):
            return None
        return Answer(int(status_line.split()[1]), headers, body)

    def close(self) -> None:
        self.sock.close()

    def _closed(self) -> None:
        if self.closed_at is None:
            self.closed_at = time.monotonic()


def _post_head(instance, token: str, length: int, expect_continue: bool = False) -> bytes:
    lines = [
        "POST /api/v1/statuses HTTP/1.1", f"Host: {instance.domain}", f"Authorization: Bearer {token}",
        "Content-Type: application/json", f"Content-Length: {length}",
    ]
    if expect_continue:
        lines.append("Expect: 100-continue")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Readers:
    """Ordinary GETs, one after another from a thread, for as long as the slow clients last."""

    def __init__(self, url: str):
        self.url, self.replies, self._stop = url, [], asyncio.Event()

    async def __aenter__(self):
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc):
        self._stop.set()
        await self._task

    async def _run(self) -> None:
        while not self._stop.is_set():
            began = time.monotonic()
            reply = await asyncio.to_thread(get, self.url, None, LIVENESS)
            self.replies.append((reply.status, time.monotonic() - began))
            await asyncio.sleep(0.02)

    def record(self, record_property) -> None:
        latencies = sorted(seconds for _, seconds in self.replies)
        if not latencies:
            return
        record_property("ordinary_gets", len(latencies))
        record_property("get_p50_ms", round(statistics.median(latencies) * 1000, 1))
        record_property("get_max_ms", round(latencies[-1] * 1000, 1))


def _resident_megabytes() -> float:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def _open_descriptors() -> int:
    # The instance runs in this process, so its sockets are counted here too.
    return len(os.listdir("/proc/self/fd"))


async def _descriptors_settle(at_most: int) -> int:
    deadline = time.monotonic() + LIVENESS
    while _open_descriptors() > at_most and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return _open_descriptors()


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")


def test_slow_loris__headers_trickled_a_byte_at_a_time_are_cut_off_while_others_are_answered(
    start_instance, record_property
):
    instance = start_instance("a", server={"idle_timeout_seconds": IDLE_TIMEOUT})
    endless_headers = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"z" * 4000

    async def scenario():
        lorises = await asyncio.gather(*(RawClient.connect(instance.port) for _ in range(300)))
        async with Readers(instance.url("/api/v1/instance")) as readers:
            await asyncio.gather(*(loris.trickle(endless_headers, interval=0.25) for loris in lorises))
        for loris in lorises:
            loris.close()
        return lorises, readers

    lorises, readers = asyncio.run(scenario())
    readers.record(record_property)
    lasted = [loris.closed_at - loris.started for loris in lorises if loris.closed_at is not None]
    record_property("loris_closed_after_max_s", round(max(lasted), 2))
    assert len(lasted) == len(lorises), "every trickling connection is closed by the server"
    assert min(lasted) >= IDLE_TIMEOUT, "none is cut before its time"
    assert readers.replies and all(status == 200 for status, _ in readers.replies)


def test_trickled_body__408_after_the_body_timeout_while_writes_go_on(start_instance, record_property):
    instance = start_instance("a", server={"body_timeout_seconds": BODY_TIMEOUT})
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    body = json.dumps({"status": "never finished " + "." * 200}).encode()
    writer = api.client(instance, token=token)
    written = []

    async def keep_writing(stop: asyncio.Event) -> None:
        while not stop.is_set():
            status = await asyncio.to_thread(writer.status_post, f"meanwhile {len(written)}")
            written.append(status["id"])
            await asyncio.sleep(0.1)

    async def scenario():
        stop = asyncio.Event()
        writes = asyncio.create_task(keep_writing(stop))
        slow = await asyncio.gather(*(RawClient.connect(instance.port) for _ in range(20)))
        await asyncio.gather(*(client.send(_post_head(instance, token, len(body))) for client in slow))
        await asyncio.gather(*(client.trickle(body, interval=0.2) for client in slow))
        stop.set()
        await writes
        for client in slow:
            client.close()
        return slow

    slow = asyncio.run(scenario())
    answers = [client.answer() for client in slow]
    assert [answer.status if answer else None for answer in answers] == [408] * len(slow)
    assert all("error" in answer.json() for answer in answers)
    # Answered long before the trickle would end (the body takes 40 s at this pace), not before its time.
    waited = [client.answered_at - client.started for client in slow]
    record_property("answered_after_max_s", round(max(waited), 2))
    assert min(waited) >= BODY_TIMEOUT
    assert written, "writes went on while the bodies trickled"
    assert writer.account_verify_credentials()["statuses_count"] == len(written), "a timed-out body made no status"


def test_bodies_beyond_the_bound__503_at_once_while_those_within_it_finish(start_instance):
    instance = start_instance("a", server={"max_concurrent_bodies": 4, "body_timeout_seconds": 30.0})
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    body = json.dumps({"status": "slow and steady"}).encode()

    async def scenario():
        holders = await asyncio.gather(*(RawClient.connect(instance.port) for _ in range(4)))
        for holder in holders:
            # 100 Continue comes once the server has the headers: the request now holds a slot.
            await holder.send(_post_head(instance, token, len(body), expect_continue=True))
            await holder.wait(until=lambda client: client.received.startswith(b"HTTP/1.1 100"))
        trickling = [asyncio.create_task(holder.trickle(body, interval=0.2)) for holder in holders]
        extras = await asyncio.gather(*(RawClient.connect(instance.port) for _ in range(8)))
        await asyncio.gather(*(extra.send(_post_head(instance, token, len(body))) for extra in extras))
        await asyncio.gather(*(extra.trickle(body, interval=0.2) for extra in extras))
        read_meanwhile = await asyncio.to_thread(get, instance.url("/api/v1/instance"))
        await asyncio.gather(*trickling)
        await asyncio.gather(*(holder.wait() for holder in holders))
        for client in (*holders, *extras):
            client.close()
        return holders, extras, read_meanwhile

    holders, extras, read_meanwhile = asyncio.run(scenario())
    refused = [extra.answer() for extra in extras]
    assert [answer.status if answer else None for answer in refused] == [503] * len(extras)
    assert all(answer.headers["retry-after"] == "5" and "too many" in answer.json()["error"] for answer in refused)
    assert max(extra.answered_at for extra in extras) < min(holder.answered_at for holder in holders), (
        "the extra bodies are refused while the others are still arriving, not after"
    )
    assert read_meanwhile.status == 200, "reads are never refused"
    assert [holder.answer().status for holder in holders] == [200] * len(holders)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    assert request("POST", instance.url("/api/v1/statuses"), headers=headers, body=body).status == 200
    assert api.client(instance, token=token).account_verify_credentials()["statuses_count"] == len(holders) + 1


@needs_proc
def test_a_thousand_idle_connections__closed_after_the_idle_timeout_and_their_descriptors_released(
    start_instance, record_property
):
    instance = start_instance("a", server={"idle_timeout_seconds": IDLE_TIMEOUT})
    before = _open_descriptors()
    record_property("rss_before_mb", round(_resident_megabytes(), 1))

    async def scenario():
        idle = await asyncio.gather(*(RawClient.connect(instance.port) for _ in range(1000)))
        async with Readers(instance.url("/api/v1/instance")) as readers:
            await asyncio.sleep(IDLE_TIMEOUT / 2)
            record_property("rss_while_open_mb", round(_resident_megabytes(), 1))
            await asyncio.gather(*(client.wait() for client in idle))
        for client in idle:
            client.close()
        return idle, readers, await _descriptors_settle(before + 10)

    idle, readers, after = asyncio.run(scenario())
    readers.record(record_property)
    record_property("rss_after_mb", round(_resident_megabytes(), 1))
    assert all(client.closed_at is not None for client in idle), "the server closes connections that never send"
    assert readers.replies and all(status == 200 for status, _ in readers.replies)
    assert after <= before + 10, f"{after - before} descriptors left behind"


@needs_proc
def test_abandoned_streaming_connections__released_at_once(start_instance):
    instance = start_instance("a")
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    head = (f"GET /api/v1/streaming/public?access_token={token} HTTP/1.1\r\nHost: {instance.domain}\r\n\r\n").encode()

    async def scenario(before: int):
        streams = await asyncio.gather(*(RawClient.connect(instance.port) for _ in range(200)))
        await asyncio.gather(*(stream.send(head) for stream in streams))
        await asyncio.gather(*(stream.wait(until=lambda client: b":)" in client.received) for stream in streams))
        opened = _open_descriptors()
        for stream in streams:
            stream.close()  # the app killed, the tab closed: gone without a word
        return streams, opened, await _descriptors_settle(before + 10)

    # A first round opens what stays open by design (PostgreSQL's pool grows to its size under
    # 200 streams); the second is the one counted.
    asyncio.run(scenario(_open_descriptors()))
    before = _open_descriptors()
    streams, opened, after = asyncio.run(scenario(before))
    assert all(b":)" in stream.received for stream in streams), "every stream was open"
    assert opened >= before + 2 * len(streams)
    assert after <= before + 10, f"{after - before} descriptors left behind"
    assert get(instance.url("/api/v1/instance")).status == 200


def test_the_server_section_sets_the_limits_of_hypercorn_and_quart(config):
    server = ServerConfig(
        idle_timeout_seconds=2.5, max_header_bytes=8192, body_timeout_seconds=30.0, graceful_timeout_seconds=4.0,
        backlog=64,
    )
    config = dataclasses.replace(config, server=server)
    hconfig = hypercorn_config(config)
    assert (hconfig.keep_alive_timeout, hconfig.h11_max_incomplete_size) == (2.5, 8192)
    assert (hconfig.graceful_timeout, hconfig.backlog, hconfig.read_timeout) == (4.0, 64, None)
    assert create_app(config).config["BODY_TIMEOUT"] == 30.0
