"""Inbox POST throughput and latency with real draft-cavage signatures, then the inbox worker's
apply rate over what was stored.

    /work/venv/bin/python bench/bench_inbox.py [--actors 64] [--requests 3000] [--profile]

`--actors` remote actors (8 distinct RSA keys among them) live on 4 stand-in remote hosts
(_remote.py, a separate process). Each actor's key is fetched once, in a warm-up; after that
every POST is verified against the stored key. Requests are signed before each timed run
(redfed.protocol.signatures.sign_request, valid for 5 minutes) and sent by aiohttp from another
process at concurrency 16 and 64. The workers do not run during the POSTs (only store + 202),
as in the test instances; afterwards the inbox worker applies everything stored (InboxWorker.run_once,
what instance.drain() runs) and its rate is timed. Every loop is bounded in count and seconds.
"""

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (AP, PUBLIC, LiveInstance, Remote, fmt_latency, free_ports, header, in_loop, load, profiled,
                     row)

from redfed.protocol.keys import generate_rsa_keypair
from redfed.protocol.signatures import SigningKey, sign_request

AS = "https://www.w3.org/ns/activitystreams"
CONTENT = ("<p>Morning walk by the river, the ferry was late again. 今天的天气很好，我们去河边散步。 "
           "<a href=\"https://example.org/photos\">photos</a> #walk</p>")


class Actors:
    def __init__(self, count: int, ports: list[int]):
        pairs = [generate_rsa_keypair() for _ in range(8)]
        self.actors = []
        for i in range(count):
            base = f"http://127.0.0.1:{ports[i % len(ports)]}"
            uri = f"{base}/users/r{i}"
            private_pem, public_pem = pairs[i % len(pairs)]
            self.actors.append({"uri": uri, "base": base, "key": SigningKey(uri + "#main-key", private_pem),
                                "public_pem": public_pem, "path": f"/users/r{i}", "username": f"r{i}"})
        self.serial = 0

    def docs(self) -> dict:
        return {a["path"]: {
            "@context": [AS, "https://w3id.org/security/v1"], "id": a["uri"], "type": "Person",
            "preferredUsername": a["username"], "name": f"Remote {a['username']}", "inbox": a["uri"] + "/inbox",
            "outbox": a["uri"] + "/outbox", "followers": a["uri"] + "/followers",
            "endpoints": {"sharedInbox": a["base"] + "/inbox"},
            "publicKey": {"id": a["key"].key_id, "owner": a["uri"], "publicKeyPem": a["public_pem"]},
        } for a in self.actors}

    def create(self, actor: dict) -> bytes:
        self.serial += 1
        n = self.serial
        note = {"id": f"{actor['uri']}/statuses/{n}", "type": "Note", "attributedTo": actor["uri"],
                "content": CONTENT, "to": [PUBLIC], "cc": [actor["uri"] + "/followers"],
                "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "tag": [{"type": "Hashtag", "name": "#walk", "href": "https://example.org/tags/walk"}]}
        activity = {"@context": AS, "id": f"{actor['uri']}/statuses/{n}/activity", "type": "Create",
                    "actor": actor["uri"], "published": note["published"], "to": [PUBLIC],
                    "cc": note["cc"], "object": note}
        return json.dumps(activity).encode()

    def signed_posts(self, url: str, count: int, now: float) -> list[tuple]:
        out = []
        for i in range(count):
            actor = self.actors[i % len(self.actors)]
            body = self.create(actor)
            headers = sign_request("POST", url, {"Content-Type": AP}, body, actor["key"], now)
            out.append(("POST", url, headers, body))
        return out


async def count_items(instance) -> dict:
    async with instance.runtime.db.reader.execute("SELECT state, count(*) FROM inbox_items GROUP BY state") as c:
        return {r[0]: r[1] for r in await c.fetchall()}


async def apply_all(instance, max_seconds: float) -> tuple[int, float]:
    """InboxWorker.run_once until nothing is due (what instance.drain() does for the inbox)."""
    worker, total = instance.node.inbox, 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < max_seconds:
        handled = await worker.run_once()
        total += handled
        if handled == 0:
            break
    return total, time.perf_counter() - t0


def apply_in_processes(instance, processes: int, max_seconds: float) -> tuple[int, float]:
    """`processes` x `redfed worker` on the instance's database until no item is pending: the
    ingestion rate of a deployment whose workers run apart from the web processes."""
    config = instance.config_file()
    queued = in_loop(instance, count_items(instance)).get("pending", 0)
    t0 = time.perf_counter()
    workers = [subprocess.Popen([sys.executable, "-m", "redfed", "--config", str(config), "worker"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(processes)]
    try:
        while time.perf_counter() - t0 < max_seconds and in_loop(instance, count_items(instance)).get("pending", 0):
            time.sleep(0.05)
        seconds = time.perf_counter() - t0
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
    return queued - in_loop(instance, count_items(instance)).get("pending", 0), seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actors", type=int, default=64)
    parser.add_argument("--requests", type=int, default=3000, help="per run")
    parser.add_argument("--seconds", type=float, default=20, help="time bound per run")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--worker-processes", type=int, default=0,
                        help="apply with this many `redfed worker` processes (0: InboxWorker in this process)")
    parser.add_argument("--per-host-per-minute", type=int, default=10_000_000,
                        help="federation.inbox_per_host_per_minute (redfed's default, 600, answers most of this load 429)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="redfed-bench-") as tmp:
        ports = free_ports(4)
        actors = Actors(args.actors, ports)
        remote = Remote(ports, actors.docs(), Path(tmp))
        instance = LiveInstance(Path(tmp) / "inbox", federation={
            "allow_private_addresses": True, "inbox_per_host_per_minute": args.per_host_per_minute}).start()
        try:
            run(instance, remote, actors, args)
        finally:
            instance.stop()
            remote.stop()


def run(instance: LiveInstance, remote: Remote, actors: Actors, args) -> None:
    header(f"bench_inbox: signed Create POSTs from {args.actors} remote actors on 4 hosts, "
           f"inbox_per_host_per_minute={args.per_host_per_minute}")
    instance.create_user("alice")
    shared, personal = instance.url("/inbox"), instance.url("/users/alice/inbox")

    # Warm-up: every actor's key fetched and stored once (one POST each).
    warm = load(actors.signed_posts(shared, len(actors.actors), time.time()), 8, max_seconds=60)
    warm_gets = remote.stats()["gets"]
    row("warm-up (first POST per actor: key fetch)", f"{warm['per_second']:,.0f} req/s",
        f"{warm['count']} POSTs, {fmt_latency(warm)}, statuses {warm['statuses']}, remote GETs {warm_gets}")

    for label, url, concurrency in (("shared inbox", shared, 16), ("shared inbox", shared, 64),
                                    ("personal inbox", personal, 16)):
        t0 = time.perf_counter()
        requests = actors.signed_posts(url, args.requests, time.time())
        sign_seconds = time.perf_counter() - t0
        result = load(requests, concurrency, max_seconds=args.seconds)
        accepted = result["statuses"].get("202", 0)
        row(f"inbox POST {label}, concurrency {concurrency}", f"{accepted / result['seconds']:,.0f} accepted/s",
            f"{fmt_latency(result)}; {result['count']} sent in {result['seconds']:.1f} s, statuses {result['statuses']}"
            f"{', errors ' + str(result['errors']) if result['errors'] else ''}; (pre-signing: {len(requests) / sign_seconds:,.0f}/s)")
    row("remote key/actor fetches during the timed runs", str(remote.stats()["gets"] - warm_gets),
        "expected ~0: keys cached after the warm-up")

    stored = in_loop(instance, count_items(instance))
    if args.worker_processes:
        applied, seconds = apply_in_processes(instance, args.worker_processes, 180)
        by = f"{args.worker_processes} x redfed worker, process start included"
    else:
        applied, seconds = in_loop(instance, apply_all(instance, 180), timeout=240)
        by = "InboxWorker in the instance's process"
    states = in_loop(instance, count_items(instance))
    row(f"inbox worker apply rate (Create → post), {by}", f"{applied / seconds:,.0f} items/s",
        f"{applied} items in {seconds:.1f} s; before {stored}, after {states}")

    if args.profile:
        requests = actors.signed_posts(shared, 1500, time.time())
        profiled(instance, lambda: load(requests, 16, max_seconds=args.seconds), label="inbox POST x1500, c16")
        profiled(instance, lambda: in_loop(instance, apply_all(instance, 120), timeout=180), label="inbox apply x1500")


if __name__ == "__main__":
    main()
