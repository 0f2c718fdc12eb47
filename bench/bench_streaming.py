"""Streaming fan-out (issue 27): N streaming clients on the public, hashtag and user streams while
posts arrive through the API at M a second; what share of the updates due reached them, and how
late. Run by hand, not in CI:

    python bench/bench_streaming.py [--clients 100 1000] [--rates 10 50] [--seconds 10]
                                    [--reference /path/to/an/older/checkout]

For each source (this checkout, then `--reference` if given, in the same run so that both meet the
same machine), `redfed serve` runs in a subprocess pinned to one core (taskset -c 0) on a fresh
SQLite instance in a temporary folder: a poster, and ten viewers who follow it and hold the
streams (clients share the ten tokens, a third on each stream, all over WebSocket). The benchmark
process (pinned to the other core) opens the connections, posts at the rate for `--seconds`
(every other post with #bench), then waits up to `--grace` seconds for stragglers. Both servers
run side by side, each idle while the other is measured.

Figures: the rate of posts asked for and achieved (each POST waits for the one before, so a server
that falls behind slows the posting); updates delivered / expected; delay from the start of each POST to its arrival at each
client (p50, p99, max; the POST's own time is included); connections closed by the server; the
server's CPU seconds per thousand delivered updates; its resident memory per connection.
"""

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "bench"))

from _common import machine, percentile  # noqa: E402

VIEWERS = 10
STREAMS = ("public", "hashtag", "user")
ID = '\\"id\\": \\"'  # a status's id, as it appears in the payload string of a WebSocket frame


def redfed(source: Path, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "redfed", *args], cwd=source, capture_output=True, text=True,
                          check=True).stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_figures(pid: int) -> tuple[float, int]:
    """(CPU seconds, resident kB) of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("VmRSS:"))
    return cpu, rss


class Server:
    """`redfed serve` from `source`, with a poster and VIEWERS viewers who follow it."""

    def __init__(self, source: Path, folder: str):
        self.source, self.folder = source, folder
        os.makedirs(folder)
        self.base = f"http://127.0.0.1:{free_port()}"
        redfed(source, "init", "--url", self.base, "--dir", folder, "--allow-private-addresses")
        self.config = str(Path(folder) / "instance.toml")
        self.tokens = {}
        for name in ["poster"] + [f"viewer{i}" for i in range(VIEWERS)]:
            redfed(source, "--config", self.config, "user", "create", name, "--email", f"{name}@example.com")
            self.tokens[name] = redfed(source, "--config", self.config, "token", "create", name).strip()
        self.log = open(Path(folder) / "serve.log", "wb")
        self.process = subprocess.Popen(
            ["taskset", "-c", "0", sys.executable, "-m", "redfed", "--config", self.config, "serve"],
            cwd=source, stdout=self.log, stderr=self.log,
        )

    async def ready(self, session: aiohttp.ClientSession) -> None:
        for _ in range(300):
            try:
                async with session.get(self.base + "/api/v1/instance") as reply:
                    if reply.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        async with session.get(self.base + "/api/v1/accounts/verify_credentials",
                               headers=self.auth("poster")) as reply:
            poster_id = (await reply.json())["id"]
        for i in range(VIEWERS):
            async with session.post(f"{self.base}/api/v1/accounts/{poster_id}/follow",
                                    headers=self.auth(f"viewer{i}")) as reply:
                assert reply.status == 200, await reply.text()

    def auth(self, name: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


class Client:
    def __init__(self, kind: str):
        self.kind = kind
        self.arrived: dict[str, float] = {}
        self.closed_by_server = False

    def due(self, post: dict) -> bool:
        return self.kind != "hashtag" or post["tagged"]

    def took(self, frame: str) -> None:
        """Note an update's arrival. The id is all we need, found in the text: decoding every status
        would load the clients' core, not the server's."""
        if '"event": "update"' in frame:
            start = frame.index(ID) + len(ID)
            self.arrived[frame[start:frame.index('\\"', start)]] = time.monotonic()
        elif frame.startswith('{"error"'):
            self.closed_by_server = True

    async def run(self, session: aiohttp.ClientSession, server: Server, token: str, opened: asyncio.Event) -> None:
        url = server.base.replace("http", "ws", 1) + "/api/v1/streaming?access_token=" + token
        params = {"stream": self.kind, **({"tag": "bench"} if self.kind == "hashtag" else {})}
        async with session.ws_connect(url, max_msg_size=0, heartbeat=None) as ws:
            await ws.send_json({"type": "subscribe", **params})
            opened.set()
            async for message in ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                self.took(message.data)
            self.closed_by_server = self.closed_by_server or ws.close_code not in (None, 1000)


async def post_burst(session: aiohttp.ClientSession, server: Server, rate: int, seconds: float) -> list[dict]:
    made, interval, start = [], 1 / rate, time.monotonic()
    for i in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + i * interval - time.monotonic()))
        tagged = i % 2 == 0
        sent = time.monotonic()
        async with session.post(server.base + "/api/v1/statuses", headers=server.auth("poster"),
                                data={"status": f"post {i}" + (" #bench" if tagged else "")}) as reply:
            made.append({"id": (await reply.json())["id"], "sent": sent, "tagged": tagged})
    return made


async def measure(server: Server, clients: int, rate: int, seconds: float, grace: float) -> dict:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await server.ready(session)
        _, rss_before = proc_figures(server.process.pid)
        crowd = [Client(STREAMS[i % len(STREAMS)]) for i in range(clients)]
        opened = [asyncio.Event() for _ in crowd]
        tasks = [asyncio.create_task(c.run(session, server, server.tokens[f"viewer{i % VIEWERS}"], o))
                 for i, (c, o) in enumerate(zip(crowd, opened))]
        for event in opened:
            await asyncio.wait_for(event.wait(), 60)
        await asyncio.sleep(1)  # every subscription in force
        cpu_before, rss_open = proc_figures(server.process.pid)
        posting = time.monotonic()
        made = await post_burst(session, server, rate, seconds)
        posting = time.monotonic() - posting
        deadline = time.monotonic() + grace
        expected = sum(c.due(p) for c in crowd for p in made)
        while time.monotonic() < deadline and sum(len(c.arrived) for c in crowd) < expected:
            await asyncio.sleep(0.2)
        cpu_after, _ = proc_figures(server.process.pid)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(2)  # the server lets the connections go before the next run
    delays = [c.arrived[p["id"]] - p["sent"] for c in crowd for p in made if p["id"] in c.arrived]
    delivered = len(delays)
    return {
        "delivered": delivered, "expected": expected,
        "p50": percentile(delays, 50) * 1000 if delays else None,
        "p99": percentile(delays, 99) * 1000 if delays else None,
        "max": max(delays) * 1000 if delays else None,
        "closed": sum(c.closed_by_server for c in crowd),
        "cpu_ms_per_1k": (cpu_after - cpu_before) * 1e6 / delivered if delivered else None,
        "kb_per_connection": (rss_open - rss_before) / clients,
        "achieved_rate": len(made) / posting,
    }


def report(label: str, clients: int, rate: int, figures: dict) -> None:
    def ms(value):
        return "-" if value is None else f"{value:,.0f}"

    share = figures["delivered"] / figures["expected"] if figures["expected"] else 0
    print(f"| {label} | {clients} | {rate} ({figures['achieved_rate']:.0f}) | {figures['delivered']:,} / {figures['expected']:,} ({share:.1%}) "
          f"| {ms(figures['p50'])} / {ms(figures['p99'])} / {ms(figures['max'])} | {figures['closed']} "
          f"| {ms(figures['cpu_ms_per_1k'])} | {figures['kb_per_connection']:.0f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--rates", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--grace", type=float, default=15)
    parser.add_argument("--reference", type=Path, help="an older checkout to measure in the same run")
    args = parser.parse_args()
    os.sched_setaffinity(0, {1})  # the clients on the other core than the server
    print(f"# Streaming fan-out\n\n{machine()}\n")
    print("| source | clients | posts/s (achieved) | delivered / expected | delay ms p50 / p99 / max | closed | "
          "server CPU ms per 1k updates | server kB per connection |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    sources = [("this checkout", HERE)] + ([("reference", args.reference)] if args.reference else [])
    with tempfile.TemporaryDirectory() as folder:
        # Both servers up at once, the runs interleaved, so that both meet the same load on the machine.
        servers = [(label, Server(source, f"{folder}/{i}")) for i, (label, source) in enumerate(sources)]
        try:
            for clients in args.clients:
                for rate in args.rates:
                    for label, server in servers:
                        report(label, clients, rate, asyncio.run(measure(server, clients, rate, args.seconds, args.grace)))
        finally:
            for _, server in servers:
                server.stop()

if __name__ == "__main__":
    main()
