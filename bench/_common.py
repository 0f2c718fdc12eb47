"""Shared helpers for the benchmarks in this folder (not a benchmark itself).

Live instances come from the project's own test support (tests/support/instance.py, api.py); the
load generator (_load.py) and the stand-in remote servers (_remote.py) run as child processes, so
that neither shares the GIL with the instance under test.
"""

import cProfile
import http.client
import io
import json
import os
import pickle
import platform
import pstats
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.api import token_for  # noqa: E402  (needs the repo root on sys.path)
from tests.support.instance import LiveInstance  # noqa: E402

__all__ = ["LiveInstance", "token_for", "ROOT", "BENCH"]

AP = "application/activity+json"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


# reporting ------------------------------------------------------------------------------------


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"nproc={os.cpu_count()} cpu={model!r} python={platform.python_version()} "
            f"sqlite={sqlite3.sqlite_version} date={time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
            f"loadavg(1m)={os.getloadavg()[0]:.2f}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50_ms": percentile(ms, 50), "p90_ms": percentile(ms, 90),
            "p99_ms": percentile(ms, 99), "max_ms": max(ms) if ms else float("nan")}


def row(figure: str, value: str, notes: str = "") -> None:
    """One line of the results table, in the Markdown shape RESULTS.md uses."""
    print(f"| {figure} | {value} | {notes} |", flush=True)


def header(title: str) -> None:
    print(f"\n## {title}\n\n{machine()}\n\n| figure | value | notes |\n| --- | --- | --- |", flush=True)


def fmt_latency(s: dict) -> str:
    return f"p50 {s['p50_ms']:.2f} ms, p99 {s['p99_ms']:.2f} ms"


# processes ------------------------------------------------------------------------------------


def free_ports(n: int) -> list[int]:
    sockets, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


def load(requests: list[tuple], concurrency: int, *, total: int | None = None, max_seconds: float = 20) -> dict:
    """Send `requests` (cycled up to `total`) from a child process with aiohttp; its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        spec, out = Path(tmp) / "spec.pickle", Path(tmp) / "out.json"
        spec.write_bytes(pickle.dumps({"requests": requests, "concurrency": concurrency,
                                       "total": total or len(requests), "max_seconds": max_seconds}))
        subprocess.run([sys.executable, str(BENCH / "_load.py"), str(spec), str(out)], check=True,
                       timeout=max_seconds + 60)
        return json.loads(out.read_text())


class Remote:
    """The stand-in remote servers (_remote.py) on the given ports, serving `docs` by path."""

    def __init__(self, ports: list[int], docs: dict, folder: Path):
        self.ports = ports
        docs_file = folder / "remote-docs.json"
        docs_file.write_text(json.dumps(docs))
        self._proc = subprocess.Popen(
            [sys.executable, str(BENCH / "_remote.py"), str(docs_file), *map(str, ports), "--lifetime", "900"],
            stdout=subprocess.PIPE, text=True,
        )
        if self._proc.stdout.readline().strip() != "ready":
            self.stop()
            raise RuntimeError("remote server did not start")

    def stats(self) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", self.ports[0], timeout=10)
        try:
            conn.request("GET", "/_stats")
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()


class Sequential:
    """Sequential requests on one keep-alive connection, timed (for latency at concurrency 1).
    The instance runs in a thread of this process; a blocked socket read releases the GIL."""

    def __init__(self, base_url: str, headers: dict | None = None):
        parts = urlsplit(base_url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.headers = headers or {}

    def get(self, path: str, headers: dict | None = None) -> tuple[float, int, bytes, dict]:
        t0 = time.perf_counter()
        try:
            self.conn.request("GET", path, headers={**self.headers, **(headers or {})})
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed an idle keep-alive connection (hypercorn: after 5 s); reconnect.
            self.conn.close()
            t0 = time.perf_counter()
            self.conn.request("GET", path, headers={**self.headers, **(headers or {})})
            response = self.conn.getresponse()
        body = response.read()
        return time.perf_counter() - t0, response.status, body, dict(response.getheaders())

    def close(self) -> None:
        self.conn.close()


# profiling ------------------------------------------------------------------------------------


async def _profile_on(profile: cProfile.Profile) -> None:
    profile.enable()  # profiles the thread this coroutine runs on: the instance's event loop


async def _profile_off(profile: cProfile.Profile) -> None:
    profile.disable()


def profiled(instance: LiveInstance, work, *, top: int = 18, label: str = "") -> str:
    """Run `work()` with cProfile enabled on the instance's loop thread; the top entries by own
    time and by cumulative time, restricted to redfed and its libraries."""
    profile = cProfile.Profile()
    instance.run(_profile_on(profile))
    try:
        work()
    finally:
        instance.run(_profile_off(profile))
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(r"redfed/", top)
    out = text.getvalue()
    # Shorten the absolute paths for reading.
    out = out.replace(str(ROOT) + "/", "").replace(sys.prefix + "/lib/python3.11/site-packages/", "")
    print(f"\n### profile {label}\n```\n{out}\n```", flush=True)
    return out


def in_loop(instance: LiveInstance, coroutine, timeout: float = 600):
    """`instance.run` with a longer bound (it waits 60 s)."""
    import asyncio

    return asyncio.run_coroutine_threadsafe(coroutine, instance._loop).result(timeout=timeout)


# data -----------------------------------------------------------------------------------------

EN_WORDS = ("coffee bicycle garden river mountain photo market camera bread window morning winter "
            "summer music library station harbour ferry lantern pottery cheese orchard meadow "
            "kitchen bakery weather street journey chapter").split()
ZH_WORDS = ["咖啡", "自行车", "花园", "河流", "山", "照片", "市场", "相机", "面包", "窗户", "早上", "冬天",
            "夏天", "音乐", "图书馆", "车站", "港口", "北京", "上海", "朋友", "天气", "旅行"]


def post_text(rng: random.Random, i: int) -> str:
    """English, Chinese or both, with a word unique to every 1000th post for rare-term queries."""
    kind = rng.random()
    if kind < 0.6:
        words = " ".join(rng.choice(EN_WORDS) for _ in range(rng.randint(8, 30)))
    elif kind < 0.9:
        words = "".join(rng.choice(ZH_WORDS) for _ in range(rng.randint(6, 20))) + "。"
    else:
        words = " ".join(rng.choice(EN_WORDS) for _ in range(6)) + " " + "".join(rng.choice(ZH_WORDS) for _ in range(6))
    if i % 1000 == 0:
        words += f" zebrafish{i // 1000}"
    return f"<p>{words}</p>"


async def populate(db, viewer_id: int, *, posts: int, followed: int, others: int, seed: int = 7) -> dict:
    """Remote actors, `followed` of them followed (accepted) by `viewer_id`, and `posts` posts
    spread over all of them and the viewer, inserted in one transaction with plain INSERTs that
    match migrations/*.sql (the triggers fill the search index and the event log as usual)."""
    rng = random.Random(seed)
    now = int(time.time() * 1000)
    n_actors = followed + others
    actor_rows = []
    for i in range(n_actors):
        domain = f"remote{i % 50}.example"
        uri = f"https://{domain}/users/u{i}"
        actor_rows.append((uri, f"u{i}", domain, f"Remote {i}", uri, uri + "/inbox", uri + "/outbox",
                           uri + "/followers", f"https://{domain}/inbox", now - 86_400_000, now, now))
    t0 = time.perf_counter()
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO actors (uri, username, domain, is_local, display_name, url, inbox_uri, outbox_uri, "
            "followers_uri, shared_inbox_uri, published_at, updated_at, fetched_at) "
            "VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)", actor_rows)
        async with conn.execute("SELECT id FROM actors WHERE is_local = 0 AND domain LIKE 'remote%.example' ORDER BY id") as c:
            ids = [r[0] for r in await c.fetchall()]
        await conn.executemany(
            "INSERT INTO follows (uri, follower_id, followee_id, state, created_at, accepted_at) "
            "VALUES (?, ?, ?, 'accepted', ?, ?)",
            [(f"https://bench.example/follows/{viewer_id}/{a}", viewer_id, a, now, now) for a in ids[:followed]])
        authors = ids + [viewer_id]
        start_ms = now - posts * 20  # one post every 20 ms of history
        post_rows = []
        for i in range(posts):
            author = rng.choice(authors)
            ms = start_ms + i * 20
            pid = (ms << 16) | rng.getrandbits(16)
            uri = f"https://bench.example/posts/{i}"
            visibility = "public" if rng.random() < 0.85 else "unlisted"
            post_rows.append((pid, uri, uri, author, int(author == viewer_id), visibility, post_text(rng, i),
                              json.dumps([PUBLIC]), ms, ms))
        await conn.executemany(
            "INSERT INTO posts (id, uri, url, actor_id, is_local, type, visibility, content, audience, "
            "published_at, created_at) VALUES (?, ?, ?, ?, ?, 'Note', ?, ?, ?, ?, ?)", post_rows)
    return {"actors": len(ids), "posts": posts, "seconds": time.perf_counter() - t0,
            "post_ids": [r[0] for r in post_rows]}
