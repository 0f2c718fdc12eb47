"""Actor document and WebFinger throughput at concurrency 32.

    /work/venv/bin/python bench/bench_actor.py [--seconds 12] [--profile]

GET /users/alice with Accept: application/activity+json, and
GET /.well-known/webfinger?resource=acct:alice@<host>, each from aiohttp in another process at
concurrency 32, bounded by count (20,000) and seconds. Compare STYLE.md: a bare Quart GET
3,100-3,600 req/s, an actor GET with one DB read 2,500-3,300 (measured with one core for the
server; here client and server share the machine's 2 cores).
"""

import argparse
import tempfile
from pathlib import Path

from _common import AP, LiveInstance, fmt_latency, header, load, profiled, row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="redfed-bench-") as tmp:
        instance = LiveInstance(Path(tmp) / "actor").start()
        try:
            run(instance, args)
        finally:
            instance.stop()


def run(instance: LiveInstance, args) -> None:
    header(f"bench_actor: actor GET and WebFinger, concurrency {args.concurrency}")
    instance.create_user("alice")
    targets = [
        ("GET /users/alice (activity+json)", instance.url("/users/alice"), {"Accept": AP}),
        ("GET /.well-known/webfinger", instance.url(f"/.well-known/webfinger?resource=acct:alice@{instance.domain}"), {}),
        ("GET /.well-known/nodeinfo (baseline: no DB read)", instance.url("/.well-known/nodeinfo"), {}),
    ]
    for label, url, headers in targets:
        requests = [("GET", url, headers, None)]
        load(requests, 8, total=300, max_seconds=10)  # warm up
        result = load(requests, args.concurrency, total=20_000, max_seconds=args.seconds)
        row(label, f"{result['per_second']:,.0f} req/s",
            f"{fmt_latency(result)}; {result['count']} requests, statuses {result['statuses']}")
    if args.profile:
        requests = [("GET", targets[0][1], targets[0][2], None)]
        profiled(instance, lambda: load(requests, args.concurrency, total=5000, max_seconds=args.seconds),
                 label="actor GET x5000")


if __name__ == "__main__":
    main()
