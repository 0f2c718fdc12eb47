"""Timeline and status read latency over a populated database.

    /work/venv/bin/python bench/bench_timelines.py [--posts 100000] [--profile]

A user follows 200 of 1,000 remote accounts; `--posts` posts (default 100k, English and Chinese)
are inserted with plain SQL in one transaction. Then, on one keep-alive connection (latency at
concurrency 1): GET /api/v1/timelines/home?limit=20, a paged walk with max_id, the public
timeline and GET /api/v1/statuses/:id; the same home query through the service directly (and
split into its SQL and its view-building); and home at concurrency 8 from a separate process.
Each phase is bounded in count and in seconds.
"""

import argparse
import asyncio
import json
import random
import tempfile
import time
from pathlib import Path

from _common import (LiveInstance, Sequential, fmt_latency, header, in_loop, load, populate, profiled, row,
                     summary_ms, token_for)

from redfed.services import views
from redfed.services.social import timelines
from redfed.store.social import timelines as timeline_store
from redfed.store.social.timelines import IdRange


def timed_gets(client: Sequential, paths: list[str], max_seconds: float) -> tuple[list[float], list]:
    times, bodies, deadline = [], [], time.perf_counter() + max_seconds
    for path in paths:
        if time.perf_counter() > deadline:
            break
        seconds, status, body, _ = client.get(path)
        assert status == 200, (path, status, body[:200])
        times.append(seconds)
        bodies.append(body)
    return times, bodies


async def service_timings(instance: LiveInstance, viewer, n: int, max_seconds: float) -> dict:
    """Runs in the instance's loop: the service call, and its two halves, timed call by call."""
    ctx, out = instance.ctx, {"service": [], "store": [], "views": []}
    deadline = time.perf_counter() + max_seconds
    for _ in range(n):
        if time.perf_counter() > deadline:
            break
        t0 = time.perf_counter()
        posts = await timelines.home(ctx, viewer, IdRange(limit=20))
        t1 = time.perf_counter()
        await timeline_store.home(ctx.db.reader, viewer.id, 20, page=IdRange(limit=20), now=ctx.now_ms())
        t2 = time.perf_counter()
        await views.status_views(ctx.db, posts, viewer)
        t3 = time.perf_counter()
        out["service"].append(t1 - t0)
        out["store"].append(t2 - t1)
        out["views"].append(t3 - t2)
    # One await on the reader: the thread hop STYLE.md measures at 85-210 µs.
    hops = []
    for _ in range(200):
        t0 = time.perf_counter()
        async with ctx.db.reader.execute("SELECT 1") as cursor:
            await cursor.fetchall()
        hops.append(time.perf_counter() - t0)
    out["hop"] = hops
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="cProfile the home timeline requests")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="redfed-bench-") as tmp:
        instance = LiveInstance(Path(tmp) / "tl").start()
        try:
            run(instance, args)
        finally:
            instance.stop()


def run(instance: LiveInstance, args) -> None:
    header(f"bench_timelines: {args.posts} posts, home of a user following 200 of 1,000 accounts")
    instance.create_user("alice")
    viewer = instance.actor("alice")
    data = in_loop(instance, populate(instance.runtime.db, viewer.id, posts=args.posts, followed=200, others=800))
    row("setup: rows inserted", f"{data['posts']} posts, {data['actors']} actors",
        f"{data['seconds']:.1f} s in one transaction ({data['posts'] / data['seconds']:,.0f} posts/s incl. FTS and event triggers)")
    token = token_for(instance, "alice")
    auth = {"Authorization": f"Bearer {token}"}
    client = Sequential(instance.base_url, auth)
    n = args.requests

    timed_gets(client, ["/api/v1/timelines/home?limit=20"] * 20, 10)  # warm up
    home, bodies = timed_gets(client, ["/api/v1/timelines/home?limit=20"] * n, 30)
    first = json.loads(bodies[0])
    assert len(first) == 20, len(first)
    row("API home ?limit=20 (concurrency 1)", fmt_latency(summary_ms(home)),
        f"{len(home)} requests; client-measured over loopback; STYLE target p99 6 ms (read-time, 1 M statuses, DB only)")

    # Paged walk: each page's max_id is the last status of the page before.
    walk, max_id = [], None
    deadline = time.perf_counter() + 30
    for _ in range(100):
        if time.perf_counter() > deadline:
            break
        path = "/api/v1/timelines/home?limit=20" + (f"&max_id={max_id}" if max_id else "")
        seconds, status, body, _ = client.get(path)
        page = json.loads(body)
        if status != 200 or not page:
            break
        walk.append(seconds)
        max_id = page[-1]["id"]
    row("API home paged walk (max_id), 100 pages", fmt_latency(summary_ms(walk)), f"{len(walk)} pages, {20 * len(walk)} statuses deep")

    public, _ = timed_gets(client, ["/api/v1/timelines/public?limit=20"] * n, 30)
    row("API public ?limit=20", fmt_latency(summary_ms(public)), f"{len(public)} requests")

    rng = random.Random(3)
    ids = rng.sample(data["post_ids"], min(n, len(data["post_ids"])))
    status_times, _ = timed_gets(client, [f"/api/v1/statuses/{i}" for i in ids], 30)
    row("API GET /api/v1/statuses/:id", fmt_latency(summary_ms(status_times)), f"{len(status_times)} random ids")

    direct = in_loop(instance, service_timings(instance, viewer, n, 30))
    row("service timelines.home (20)", fmt_latency(summary_ms(direct["service"])), "in the instance loop, no HTTP")
    row("  of which store.social.timelines.home (SQL)", fmt_latency(summary_ms(direct["store"])), "one query")
    row("  views.status_views (20 posts)", fmt_latency(summary_ms(direct["views"])), "entity data: ~12 queries")
    row("one reader await (SELECT 1)", fmt_latency(summary_ms(direct["hop"])), "aiosqlite thread hop; STYLE: 85-210 µs")

    requests = [("GET", instance.url("/api/v1/timelines/home?limit=20"), auth, None)]
    result = load(requests, 8, total=4000, max_seconds=15)
    row("API home throughput, concurrency 8", f"{result['per_second']:,.0f} req/s",
        f"{fmt_latency(result)}; statuses {result['statuses']}; client in another process")

    if args.profile:
        profiled(instance, lambda: timed_gets(client, ["/api/v1/timelines/home?limit=20"] * 300, 30),
                 label="GET /api/v1/timelines/home x300")
    client.close()


if __name__ == "__main__":
    main()
