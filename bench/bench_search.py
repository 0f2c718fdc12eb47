"""Full-text search latency over a populated database (English and Chinese posts).

    /work/venv/bin/python bench/bench_search.py [--posts 100000] [--profile]

Posts are inserted with plain SQL in one transaction (the migration's triggers fill the FTS5
index through redfed_text). Each query is sent `--requests` times, sequentially on one keep-alive
connection, as GET /api/v2/search?type=statuses&q=...&limit=20 by a signed-in user (Mastodon
gives full-text post search to signed-in accounts only). Bounded in count and seconds.
"""

import argparse
import json
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from _common import (LiveInstance, Sequential, fmt_latency, header, in_loop, populate, profiled, row, summary_ms,
                     token_for)

QUERIES = [
    ("common English word", "coffee"),
    ("two English words", "coffee river"),
    ("English prefix", "bicyc"),
    ("rare word (in 1 post)", "zebrafish42"),
    ("Chinese 2-char word", "咖啡"),
    ("Chinese 3-char word", "图书馆"),
    ("two Chinese words", "北京 咖啡"),
    ("mixed English + Chinese", "coffee 咖啡"),
    ("no match", "xylophone"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60, help="per query")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="redfed-bench-") as tmp:
        instance = LiveInstance(Path(tmp) / "search").start()
        try:
            run(instance, args)
        finally:
            instance.stop()


def search_path(q: str) -> str:
    return f"/api/v2/search?type=statuses&limit=20&q={quote(q)}"


def run(instance: LiveInstance, args) -> None:
    header(f"bench_search: /api/v2/search?type=statuses over {args.posts} posts (60% English, 30% Chinese, 10% both)")
    instance.create_user("alice")
    viewer = instance.actor("alice")
    data = in_loop(instance, populate(instance.runtime.db, viewer.id, posts=args.posts, followed=200, others=800))
    row("setup: rows inserted", f"{data['posts']} posts", f"{data['seconds']:.1f} s incl. FTS5 indexing by trigger")
    client = Sequential(instance.base_url, {"Authorization": f"Bearer {token_for(instance, 'alice')}"})
    everything = []
    for label, q in QUERIES:
        times, hits = [], 0
        deadline = time.perf_counter() + 15
        for i in range(args.requests + 3):
            if time.perf_counter() > deadline:
                break
            seconds, status, body, _ = client.get(search_path(q))
            assert status == 200, (q, status, body[:200])
            hits = len(json.loads(body)["statuses"])
            if i >= 3:  # the first few warm the page cache
                times.append(seconds)
        everything += times
        row(f"search: {label} `{q}`", fmt_latency(summary_ms(times)), f"{len(times)} requests, {hits} statuses returned")
    row("search: all queries together", fmt_latency(summary_ms(everything)), f"{len(everything)} requests")
    if args.profile:
        paths = [search_path(q) for _, q in QUERIES] * 10
        profiled(instance, lambda: [client.get(p) for p in paths], label=f"search x{len(paths)}")
    client.close()


if __name__ == "__main__":
    main()
