"""`redfed serve` in a process of its own, on a free loopback port, for tests that kill it."""

import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from .http import request
from .ports import port_for_child


def redfed(*args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "redfed", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


class Server:
    def __init__(self, folder):
        self.folder, self.port = folder, port_for_child()
        self.base = f"http://127.0.0.1:{self.port}"
        redfed("init", "--url", self.base, "--dir", str(folder), "--allow-private-addresses")
        self.config = str(folder / "instance.toml")
        redfed("--config", self.config, "user", "create", "alice", "--email", "alice@example.com")
        self.token = redfed("--config", self.config, "token", "create", "alice").strip()
        self.process = None

    def start(self) -> "Server":
        log = open(self.folder / "serve.log", "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "redfed", "--config", self.config, "serve"], stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request("GET", self.base + "/api/v1/instance", timeout=2).status == 200:
                    return self
            except OSError:
                time.sleep(0.05)
        pytest.fail("redfed serve did not start")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def api(self, method: str, path: str, body: bytes | None = None, content_type: str = "application/json"):
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": content_type}
        return request(method, self.base + path, headers=headers, body=body, timeout=10)

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.folder / "redfed.sqlite3") as db:
            return db.execute(sql).fetchall()

    def files(self, name: str) -> list[str]:
        """The files under the instance's folder `name`, by their paths inside it (not folders)."""
        folder = self.folder / name
        return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
