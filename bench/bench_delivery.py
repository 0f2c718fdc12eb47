"""Fan-out of one post to K follower inboxes: enqueue time and the DeliveryWorker's throughput.

    /work/venv/bin/python bench/bench_delivery.py [--profile]

Followers are remote actors inserted with SQL whose inboxes are on a stand-in remote (_remote.py,
another process, answering 202 at once and counting). Scenarios: K=100 and K=1000 personal
inboxes on one host; K=1000 personal inboxes over 50 hosts (ports); K=1000 followers on 50 hosts
with shared inboxes (deduplicated to 50 deliveries). For each: the time of
services.social.posts.create_local_post (its one transaction writes the post and every delivery row),
then DeliveryWorker.run_once until nothing is due (claim, sign with draft-cavage, POST, record),
at the configured workers.concurrency (default 4) and at 32. Bounded in count and seconds.
"""

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

from _common import LiveInstance, Remote, free_ports, header, in_loop, profiled, row

from redfed.services.social import posts


async def add_followers(instance, author_id: int, tag: str, k: int, ports: list[int], shared: bool) -> None:
    now = int(time.time() * 1000)
    rows = []
    for i in range(k):
        base = f"http://127.0.0.1:{ports[i % len(ports)]}"
        uri = f"{base}/users/{tag}{i}"
        rows.append((uri, f"{tag}{i}", base.removeprefix("http://"), uri + "/inbox",
                     base + "/inbox" if shared else None, now, now, now))
    async with instance.runtime.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO actors (uri, username, domain, is_local, inbox_uri, shared_inbox_uri, published_at, "
            "updated_at, fetched_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?)", rows)
        await conn.execute(
            "INSERT INTO follows (uri, follower_id, followee_id, state, created_at, accepted_at) "
            "SELECT uri || '#follow', id, ?, 'accepted', ?, ? FROM actors WHERE username LIKE ? || '%' AND is_local = 0",
            (author_id, now, now, tag))


async def enqueue(instance, author) -> tuple[float, int]:
    ctx = instance.ctx
    t0 = time.perf_counter()
    await posts.create_local_post(ctx, author, "Fan-out benchmark: hello, followers! 你好 #bench")
    seconds = time.perf_counter() - t0
    async with ctx.db.reader.execute("SELECT count(*) FROM deliveries WHERE state = 'pending'") as c:
        pending = (await c.fetchone())[0]
    return seconds, pending


async def deliver_all(instance, max_seconds: float) -> tuple[int, float]:
    worker, total = instance.node.delivery, 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < max_seconds:
        handled = await worker.run_once()
        total += handled
        if handled == 0:
            break
    return total, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--seconds", type=float, default=90, help="time bound per delivery run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="redfed-bench-") as tmp:
        ports = free_ports(50)
        remote = Remote(ports, {}, Path(tmp))
        instance = LiveInstance(Path(tmp) / "delivery").start()
        try:
            run(instance, remote, ports, args)
        finally:
            instance.stop()
            remote.stop()


def run(instance: LiveInstance, remote: Remote, ports: list[int], args) -> None:
    header("bench_delivery: one post fanned out to K inboxes")
    default_config = instance.node.delivery.config
    scenarios = [
        ("K=100 personal, 1 host", 100, ports[:1], False),
        ("K=1000 personal, 1 host", 1000, ports[:1], False),
        ("K=1000 personal, 50 hosts", 1000, ports, False),
        ("K=1000 shared, 50 hosts", 1000, ports, True),
    ]
    for n, (label, k, hosts, shared) in enumerate(scenarios):
        for concurrency in (default_config.workers.concurrency, 32):
            username = f"author{n}c{concurrency}"
            instance.create_user(username)
            author = instance.actor(username)
            in_loop(instance, add_followers(instance, author.id, f"f{n}c{concurrency}x", k, hosts, shared))
            instance.node.delivery.config = dataclasses.replace(
                default_config, workers=dataclasses.replace(default_config.workers, concurrency=concurrency))
            seconds, pending = in_loop(instance, enqueue(instance, author))
            before = remote.stats()["posts"]
            if args.profile and k == 1000 and not shared and len(hosts) == 1 and concurrency == 32:
                out = {}
                profiled(instance, lambda: out.update(r=in_loop(instance, deliver_all(instance, args.seconds))),
                         label=f"delivery {label}, concurrency {concurrency}")
                delivered, took = out["r"]
                label_p = " (under cProfile)"
            else:
                delivered, took = in_loop(instance, deliver_all(instance, args.seconds), timeout=args.seconds + 60)
                label_p = ""
            received = remote.stats()["posts"] - before
            row(f"enqueue: create_local_post, {label}", f"{seconds * 1000:.1f} ms",
                f"{pending} delivery rows written in the post's transaction")
            row(f"deliver: {label}, workers.concurrency={concurrency}{label_p}", f"{delivered / took:,.0f} deliveries/s",
                f"{delivered} in {took:.2f} s; sink received {received}; signing included")
    instance.node.delivery.config = default_config


if __name__ == "__main__":
    main()
