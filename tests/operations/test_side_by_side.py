"""The README's commands for instances side by side on one machine, run as written in a fresh
folder (free ports instead of 8001 and 8002): two instances, a user on each, both served; one
user follows the other across them, and `redfed doctor` is content with both. And everything an
instance writes in a checkout is ignored by git."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mastodon import Mastodon

from ..support.ports import port_for_child
from ..test_cli import redfed

ROOT = Path(__file__).resolve().parents[2]
# This checkout's redfed, run from another folder; no config from the environment.
_ENV = {**{k: v for k, v in os.environ.items() if k != "REDFED_CONFIG"}, "PYTHONPATH": str(ROOT)}


@pytest.fixture
def two_labs(tmp_path):
    """Folders a and b initialised, a user each, both serving; yields (base URL, config) pairs."""
    labs, processes = [], []
    for name, user in (("a", "alice"), ("b", "bob")):
        url = f"http://127.0.0.1:{port_for_child()}"
        assert _run(tmp_path, "init", "--url", url, "--dir", name).returncode == 0
        config = f"{name}/instance.toml"
        created = _run(tmp_path, "--config", config, "user", "create", user, "--email", f"{user}@example.com", "--admin")
        assert created.returncode == 0, created.stderr
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "redfed", "--config", config, "serve"], cwd=tmp_path, env=_ENV,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
        labs.append((url, tmp_path / config))
    try:
        yield labs
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "redfed", *args], cwd=cwd, capture_output=True, text=True, timeout=60, env=_ENV)


def _client(url: str, config: Path, user: str) -> Mastodon:
    token = redfed("--config", str(config), "token", "create", user).stdout.strip()
    return Mastodon(api_base_url=url, access_token=token, version_check_mode="none", request_timeout=30)


def _eventually(check, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, "did not happen in time"
        time.sleep(0.2)
    return found


def test_side_by_side__labs_from_the_readme_federate_and_pass_the_doctor(two_labs):
    (a_url, a_config), (b_url, b_config) = two_labs
    _eventually(lambda: _up(a_url) and _up(b_url))
    bob = _client(b_url, b_config, "bob")
    alice_handle = f"alice@{a_url.removeprefix('http://')}"

    [alice_on_b] = bob.account_search(alice_handle, resolve=True)
    bob.account_follow(alice_on_b["id"])

    alice = _client(a_url, a_config, "alice")
    followers = _eventually(lambda: alice.account_followers(alice.me()["id"]))
    assert [f["acct"] for f in followers] == [f"bob@{b_url.removeprefix('http://')}"]
    for config in (a_config, b_config):
        doctor = redfed("--config", str(config), "doctor")
        assert doctor.returncode == 0, doctor.stdout


def _up(url: str) -> bool:
    try:
        return Mastodon(api_base_url=url, version_check_mode="none", request_timeout=2).instance_health()
    except Exception:  # noqa: BLE001 - not serving yet, whatever the client raises
        return False


@pytest.mark.parametrize("written", [
    "instance.toml", "secret.key", "redfed.sqlite3", "redfed.sqlite3-wal", "media/ab/cd/photo.webp",
    "media/tmp/pending-x", "exports/archive.zip", "imports/upload.csv",
])
def test_gitignore__covers_what_an_instance_writes_in_a_checkout(written):
    ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", written], cwd=ROOT)
    assert ignored.returncode == 0, f"{written} would show up as untracked"
