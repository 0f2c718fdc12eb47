"""The operator's command line, run through its real entry point (`python -m redfed`)."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from .support.http import AP, get
from .support.ports import port_for_child


def redfed(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "redfed", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def assert_one_line_error(result: subprocess.CompletedProcess, text: str) -> None:
    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("redfed: ") and text in line, result.stderr


@pytest.fixture
def initialised(tmp_path):
    result = redfed("init", "--url", "http://127.0.0.1:8001", "--dir", str(tmp_path), "--allow-private-addresses")
    assert result.returncode == 0, result.stderr
    return tmp_path / "instance.toml"


def test_init__writes_config_secret_and_database(initialised):
    folder = initialised.parent
    text = initialised.read_text()
    assert 'base_url = "http://127.0.0.1:8001"' in text
    assert "allow_private_addresses = true" in text
    assert (folder / "redfed.sqlite3").exists()
    assert oct((folder / "secret.key").stat().st_mode & 0o777) == "0o600"


def test_init__refuses_to_overwrite_and_to_use_plain_http_on_public_hosts(initialised, tmp_path):
    again = redfed("init", "--url", "http://127.0.0.1:8001", "--dir", str(initialised.parent))
    assert_one_line_error(again, "already exists")
    other = tmp_path / "other"
    other.mkdir()
    public = redfed("init", "--url", "http://social.example", "--dir", str(other))
    assert_one_line_error(public, "uses plain http on a public host")
    assert not (other / "instance.toml").exists()


def test_user_create__prints_a_generated_password_and_lists_users(initialised):
    created = redfed("--config", str(initialised), "user", "create", "alice", "--email", "alice@example.com", "--admin")
    assert created.returncode == 0, created.stderr
    assert "created admin user alice@127.0.0.1:8001" in created.stdout
    assert "password: " in created.stdout
    listed = redfed("--config", str(initialised), "user", "list")
    assert listed.stdout.splitlines() == ["alice\talice@example.com\tadmin"]


def test_user_create__a_taken_username_is_one_line_on_stderr(initialised):
    redfed("--config", str(initialised), "user", "create", "alice", "--email", "a@example.com", "--password", "correct horse")
    taken = redfed("--config", str(initialised), "user", "create", "Alice", "--email", "b@example.com")
    assert_one_line_error(taken, "username 'Alice' is already taken")


def test_user_disable_and_enable(initialised):
    redfed("--config", str(initialised), "user", "create", "bob", "--email", "b@example.com")
    assert redfed("--config", str(initialised), "user", "disable", "bob").stdout.strip() == "bob disabled"
    assert redfed("--config", str(initialised), "user", "list").stdout.split("\t")[-1].strip() == "disabled"
    assert redfed("--config", str(initialised), "user", "enable", "bob").stdout.strip() == "bob enabled"
    assert_one_line_error(redfed("--config", str(initialised), "user", "disable", "nobody"), "no local user named 'nobody'")


def test_config_is_found_through_the_environment_variable(initialised):
    env = {**os.environ, "REDFED_CONFIG": str(initialised)}
    assert redfed("migrate", env=env).stdout.strip() == "database is up to date"


def test_mistakes_in_the_config_are_one_line_naming_the_key(tmp_path):
    bad = tmp_path / "instance.toml"
    bad.write_text('[instance]\nbase_url = "http://127.0.0.1:8001"\nnmae = "typo"\n')
    assert_one_line_error(redfed("--config", str(bad), "migrate"), "unknown config key 'instance.nmae'")
    bad.write_text('[instance]\nbase_url = "http://127.0.0.1:8001"\n[database]\npath = "/no/such/folder/db.sqlite3"\n')
    assert_one_line_error(redfed("--config", str(bad), "migrate"), "cannot open database")
    assert_one_line_error(redfed("--config", str(tmp_path / "missing.toml"), "user", "list"), "config file not found")


@pytest.mark.parametrize("command", [["serve"], ["worker"], ["migrate"]])
def test_a_database_that_cannot_be_reached_is_one_line_without_its_password(tmp_path, command):
    closed = port_for_child()  # nothing listens there
    config = tmp_path / "instance.toml"
    config.write_text(
        '[instance]\nbase_url = "http://127.0.0.1:8001"\n'
        f'[database]\nurl = "postgresql://redfed:hunter2@127.0.0.1:{closed}/redfed"\n'
    )
    result = redfed("--config", str(config), *command)
    assert_one_line_error(result, f"cannot open database postgresql://redfed:***@127.0.0.1:{closed}/redfed")
    assert "hunter2" not in result.stderr + result.stdout


def test_a_malformed_database_url_is_one_line_naming_the_key(tmp_path):
    config = tmp_path / "instance.toml"
    config.write_text('[instance]\nbase_url = "http://127.0.0.1:8001"\n[database]\nurl = "mysql://x/y"\n')
    assert_one_line_error(redfed("--config", str(config), "serve"), "database.url")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_serve__first_run_creates_everything_and_serves(tmp_path):
    if not _port_free(8000):
        pytest.skip("port 8000, the first-run default, is taken on this machine")
    env = {k: v for k, v in os.environ.items() if k != "REDFED_CONFIG"}
    process = subprocess.Popen(
        [sys.executable, "-m", "redfed", "serve"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        actor = _wait_for_json("http://127.0.0.1:8000/users/admin")
        assert actor["preferredUsername"] == "admin"
        assert (tmp_path / "instance.toml").exists() and (tmp_path / "redfed.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Admin account: admin   password: " in out
    assert "http://127.0.0.1:8000/" in out
    password = out.split("password: ")[1].split()[0]
    login = subprocess.run(
        [sys.executable, "-c", _CHECK_LOGIN, str(tmp_path / "instance.toml"), password], capture_output=True, text=True
    )
    assert login.stdout.strip() == "ok", login.stderr


_CHECK_LOGIN = """
import asyncio, sys
from redfed.config import load_config
from redfed.db.connection import Database
from redfed.services.accounts.accounts import authenticate

async def main():
    config = load_config(sys.argv[1])
    async with Database(config.database_path) as db:
        user = await authenticate(db, "admin", sys.argv[2])
        print("ok" if user and user.is_admin else "no")

asyncio.run(main())
"""


def _wait_for_json(url: str) -> dict:
    deadline = time.monotonic() + 30
    while True:
        try:
            reply = get(url, AP, timeout=1)
            if reply.status == 200:
                return reply.json()
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)
