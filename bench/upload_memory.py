"""Resident memory of `redfed serve` over many image uploads (issue 23). Run by hand, not in CI:

    python bench/upload_memory.py [--uploads 100] [--source /path/to/a/redfed/checkout]

Starts `redfed serve` from `--source` (default: this checkout) in a temporary folder, uploads
`--uploads` photos of 1-8 megapixels through POST /api/v1/media one after another, and prints
the server's RSS (VmRSS, and VmHWM, the peak) before, during and after, then after 5 s idle.
Pointing `--source` at an older checkout measures the same thing before a change.
"""

import argparse
import io
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from PIL import Image

HERE = Path(__file__).resolve().parent.parent


def rss(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of `pid`, in MB."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            figures[name] = int(value.split()[0]) // 1024
    return figures


def photos(count: int) -> list[tuple[str, bytes]]:
    chance = random.Random(23)
    made = []
    for n in range(count):
        width, height = chance.choice([(1200, 900), (2000, 1500), (3000, 2000), (4000, 2000)])
        # Smooth gradients with a little noise compress like photos, not like static.
        image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
        image.paste(Image.effect_noise((width // 4, height // 4), 40).convert("RGB"), (0, 0))
        buffer = io.BytesIO()
        fmt = ("JPEG", "PNG", "WEBP")[n % 3]
        image.save(buffer, fmt, **({"quality": 90} if fmt != "PNG" else {}))
        made.append((f"image/{fmt.lower()}", buffer.getvalue()))
    return made


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redfed(source: Path, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "redfed", *args], cwd=source, capture_output=True, text=True, check=True)
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=100)
    parser.add_argument("--source", type=Path, default=HERE)
    args = parser.parse_args()
    made = photos(12)
    with tempfile.TemporaryDirectory() as folder:
        base = f"http://127.0.0.1:{free_port()}"
        redfed(args.source, "init", "--url", base, "--dir", folder, "--allow-private-addresses")
        config = str(Path(folder) / "instance.toml")
        redfed(args.source, "--config", config, "user", "create", "bench", "--email", "bench@example.com")
        token = redfed(args.source, "--config", config, "token", "create", "bench").strip()
        log = open(Path(folder) / "serve.log", "wb")
        server = subprocess.Popen([sys.executable, "-m", "redfed", "--config", config, "serve"], cwd=args.source, stdout=log, stderr=log)
        try:
            for _ in range(300):
                try:
                    if requests.get(base + "/api/v1/instance", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.1)
            print(f"source {args.source}  load average {os.getloadavg()[0]:.2f}  {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
            print(f"{'after':>14}  {'VmRSS MB':>9}  {'VmHWM MB':>9}  seconds")
            started = time.monotonic()
            print(f"{'start':>14}  {rss(server.pid)['VmRSS']:>9}  {rss(server.pid)['VmHWM']:>9}  0")
            for n in range(1, args.uploads + 1):
                mime, data = made[n % len(made)]
                response = requests.post(
                    base + "/api/v1/media", headers={"Authorization": f"Bearer {token}"},
                    files={"file": ("photo", data, mime)}, timeout=120,
                )
                response.raise_for_status()
                if n in (1, 10, 25, 50) or n == args.uploads:
                    figures = rss(server.pid)
                    print(f"{f'{n} uploads':>14}  {figures['VmRSS']:>9}  {figures['VmHWM']:>9}  {time.monotonic() - started:.0f}")
            time.sleep(5)
            figures = rss(server.pid)
            print(f"{'5 s idle':>14}  {figures['VmRSS']:>9}  {figures['VmHWM']:>9}  {time.monotonic() - started:.0f}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
