"""Load generator for the benchmarks, run as a separate process so that the client does not share
the GIL with the redfed instance under test (which runs in a thread of the benchmark's process).

    python bench/_load.py SPEC.pickle RESULT.json

SPEC is a pickled dict: requests (list of (method, url, headers, body)), concurrency, total (how
many to send; requests are cycled), max_seconds (a hard stop). RESULT gets count, seconds,
statuses and latency percentiles in milliseconds. Every loop is bounded by count and by time.
"""

import asyncio
import json
import pickle
import sys
import time
from collections import Counter

import aiohttp


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


async def run(spec: dict) -> dict:
    requests, concurrency = spec["requests"], spec["concurrency"]
    total, deadline_s = spec.get("total", len(requests)), spec["max_seconds"]
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors: Counter = Counter()
    next_index = 0
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, auto_decompress=False) as session:
        start = time.perf_counter()
        deadline = start + deadline_s

        async def worker():
            nonlocal next_index
            while next_index < total and time.perf_counter() < deadline:
                method, url, headers, body = requests[next_index % len(requests)]
                next_index += 1
                t0 = time.perf_counter()
                try:
                    async with session.request(method, url, headers=headers, data=body, allow_redirects=False) as r:
                        await r.read()
                        statuses[r.status] += 1
                except Exception as error:  # counted, not fatal: a benchmark reports what happened
                    errors[type(error).__name__] += 1
                    continue
                latencies.append(time.perf_counter() - t0)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - start
    latencies.sort()
    ms = [v * 1000 for v in latencies]
    return {
        "count": len(latencies), "seconds": seconds, "per_second": len(latencies) / seconds if seconds else 0,
        "statuses": {str(k): v for k, v in statuses.items()}, "errors": dict(errors),
        "p50_ms": percentile(ms, 50), "p90_ms": percentile(ms, 90), "p99_ms": percentile(ms, 99),
        "max_ms": ms[-1] if ms else float("nan"), "concurrency": concurrency,
    }


def main() -> None:
    with open(sys.argv[1], "rb") as f:
        spec = pickle.load(f)
    result = asyncio.run(run(spec))
    with open(sys.argv[2], "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
