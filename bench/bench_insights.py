"""What counting views costs the pages that count them: a post's page and a hashtag page, with
insights on and off, at concurrency 16.

    /work/venv/bin/python bench/bench_insights.py [--seconds 10] [--viewers 5000]

Every request carries a different User-Agent, so each is a new viewer for the day's dedupe (the
counter's worst case: one HMAC, one set insert and one counter increment per post shown). Counts
are flushed every 2 s during the run, as a busy server would. The issue's target: within 5 % of
insights off.
"""

import argparse
import tempfile
from pathlib import Path

from _common import LiveInstance, fmt_latency, header, in_loop, load, row

from redfed.services.social import posts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--viewers", type=int, default=5000)
    args = parser.parse_args()
    header(f"bench_insights: post and hashtag pages, insights off and on, {args.viewers} viewers")
    figures = {}
    with tempfile.TemporaryDirectory(prefix="redfed-bench-") as tmp:
        for enabled in (False, True):
            instance = LiveInstance(Path(tmp) / f"on-{enabled}", insights={"enabled": enabled, "flush_seconds": 2}).start()
            try:
                figures[enabled] = run(instance, args, enabled)
            finally:
                instance.stop()
    for label in figures[False]:
        off, on = figures[False][label], figures[True][label]
        row(f"{label}: on vs off", f"{(on / off - 1) * 100:+.1f} %", f"{on:,.0f} vs {off:,.0f} req/s")


def run(instance: LiveInstance, args, enabled: bool) -> dict[str, float]:
    instance.create_user("alice")
    for i in range(20):  # a hashtag page of 20 local posts: 20 counts per request
        post = in_loop(instance, posts.create_local_post(instance.ctx, instance.actor("alice"), f"Harbour {i} #harbour"))
    found = {}
    for label, path in (("post page", f"/@alice/{post.id}"), ("hashtag page", "/tags/harbour")):
        requests = [("GET", instance.url(path), {"User-Agent": f"reader-{n}"}, None) for n in range(args.viewers)]
        load(requests[:200], 8, total=200, max_seconds=10)  # warm up
        result = load(requests, 16, total=50_000, max_seconds=args.seconds)
        row(f"{label}, insights {'on' if enabled else 'off'}", f"{result['per_second']:,.0f} req/s",
            f"{fmt_latency(result)}; {result['count']} requests, statuses {result['statuses']}")
        found[label] = result["per_second"]
    return found


if __name__ == "__main__":
    main()
