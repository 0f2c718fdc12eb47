"""One instance run as a large deployment runs it: `redfed serve` twice (two ports behind one public
URL, the first one's) and `redfed worker` as often as asked, on one PostgreSQL database and one
bucket, each a child process of its own that a test can kill."""

import json
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .http import request
from .ports import port_for_child


def redfed(config: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "redfed", "--config", str(config), *args], capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def toml(sections: dict[str, dict]) -> str:
    # json.dumps writes a valid TOML basic string for any text, and TOML's numbers and booleans.
    return "".join(
        f"[{name}]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items()) + "\n"
        for name, values in sections.items()
    )


class Cluster:
    def __init__(self, folder: Path, database_url: str, media: dict, *, web_processes: int = 2, worker_processes: int = 2, **sections):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        ports = [port_for_child() for _ in range(web_processes)]
        self.urls = [f"http://127.0.0.1:{port}" for port in ports]
        self.base_url = self.urls[0]
        (folder / "secret.key").write_text(secrets.token_hex(32) + "\n")
        self.configs = [self._write_config(n, port, database_url, media, sections) for n, port in enumerate(ports)]
        self.serves: list[subprocess.Popen | None] = [None] * web_processes
        self.workers: list[subprocess.Popen | None] = [None] * worker_processes

    def _write_config(self, n: int, port: int, database_url: str, media: dict, more: dict) -> Path:
        sections = {
            "instance": {"base_url": self.base_url},
            "database": {"url": database_url},
            "media": media,
            "federation": {"allow_private_addresses": True},
            "security": {"secret_key_file": "secret.key", "password_hash_memory_kib": 1024, "password_hash_iterations": 1},
            "server": {"listen": f"127.0.0.1:{port}"},
            **more,
            "workers": {"in_process": False, **more.get("workers", {})},
        }
        path = self.folder / f"serve-{n}.toml"
        path.write_text(toml(sections), encoding="utf-8")
        return path

    def command(self, *args: str) -> str:
        """`redfed ARGS` run once against the instance, e.g. `user create` or `token create`."""
        return redfed(self.configs[0], *args)

    def start(self) -> "Cluster":
        self.command("migrate")
        for n in range(len(self.serves)):
            self.start_serve(n)
        for n in range(len(self.workers)):
            self.start_worker(n)
        return self

    def start_serve(self, n: int) -> None:
        self.serves[n] = self._spawn(f"serve-{n}", self.configs[n], "serve")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request("GET", self.urls[n] + "/api/v1/instance", timeout=2).status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"redfed serve {n} did not start: {self.log(f'serve-{n}')}")

    def start_worker(self, n: int) -> None:
        self.workers[n] = self._spawn(f"worker-{n}", self.configs[0], "worker")

    def _spawn(self, name: str, config: Path, command: str) -> subprocess.Popen:
        with (self.folder / f"{name}.log").open("ab") as log:
            return subprocess.Popen([sys.executable, "-m", "redfed", "--config", str(config), command], stdout=log, stderr=log)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def kill_worker(self, n: int) -> None:
        self.workers[n].send_signal(signal.SIGKILL)
        self.workers[n].wait(timeout=10)

    def stop(self) -> None:
        for process in [*self.workers, *self.serves]:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*self.workers, *self.serves]:
            if process is not None:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
