"""The operator's commands for running an instance with confidence, through the real entry point:
`redfed doctor` on a healthy and a broken instance, `redfed init` making its folder and letting
loopback labs reach each other, and `redfed serve` writing JSON log lines with no credential in
them."""

import json
import logging
import os
import signal
import subprocess
import sys
import time

from redfed import logs

from ..support import api
from ..support.http import get
from ..support.ports import port_for_child
from ..test_cli import assert_one_line_error, redfed


def test_doctor__a_healthy_instance_passes_every_check(start_instance):
    a = start_instance("a")

    result = redfed("--config", str(a.config_file()), "doctor")

    assert result.returncode == 0, result.stdout + result.stderr
    checks = [line.split(":")[0].split() for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert checks == [["ok", "config"], ["ok", "database"], ["ok", "media"], ["ok", "reach"], ["ok", "clock"]]
    assert f"{a.base_url}/health answers" in result.stdout


def test_doctor__says_what_is_wrong_and_what_to_do(tmp_path):
    closed = port_for_child()  # nothing serves there
    config = tmp_path / "instance.toml"
    config.write_text(f'[instance]\nbase_url = "http://127.0.0.1:{closed}"\n[database]\npath = "nowhere.sqlite3"\n')
    (tmp_path / "media").write_text("a file where the media folder should be")

    result = redfed("--config", str(config), "doctor")

    assert result.returncode == 1
    out = result.stdout
    assert f"FAIL  database: {tmp_path / 'nowhere.sqlite3'} does not exist\n      fix: run redfed init" in out
    assert "FAIL  media: media storage: cannot write files under" in out
    assert f"FAIL  reach: http://127.0.0.1:{closed}/health" in out and "fix: start redfed serve" in out
    assert "FAIL  config: the secret key file" in out
    assert not (tmp_path / "nowhere.sqlite3").exists()  # the doctor changes nothing


def test_init__makes_its_folder_and_lets_loopback_labs_reach_each_other(tmp_path):
    folder = tmp_path / "labs" / "a"

    result = redfed("init", "--url", "http://127.0.0.1:8001", "--dir", str(folder))

    assert result.returncode == 0, result.stderr
    assert "allow_private_addresses = true" in (folder / "instance.toml").read_text()
    public = redfed("init", "--url", "https://social.example", "--dir", str(tmp_path / "public"))
    assert "allow_private_addresses = false" in (tmp_path / "public" / "instance.toml").read_text(), public.stderr


def test_serve__json_log_lines_without_credentials(tmp_path):
    port = port_for_child()
    assert redfed("init", "--url", f"http://127.0.0.1:{port}", "--dir", str(tmp_path)).returncode == 0
    with (tmp_path / "instance.toml").open("a") as config:
        config.write("\n[operations]\njson_logs = true\n")
    env = {k: v for k, v in os.environ.items() if k != "REDFED_CONFIG"}
    process = subprocess.Popen(
        [sys.executable, "-m", "redfed", "--config", str(tmp_path / "instance.toml"), "serve", "--access-log"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/health")
        secret = "s3cr3t-t0ken-value"
        get(f"http://127.0.0.1:{port}/api/v1/streaming/health?access_token={secret}&stream=user")
        get(f"http://127.0.0.1:{port}/api/v1/timelines/home", headers={"Authorization": f"Bearer {secret}"})
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message"} <= set(entry) for entry in lines)
    requests = [entry["message"] for entry in lines if entry["logger"] == "redfed.access"]
    assert any('"GET /api/v1/streaming/health 1.1" 200' in line for line in requests)
    assert secret not in out + err


def test_log_lines__credentials_in_urls_are_masked():
    record = logging.LogRecord(
        "redfed.test", logging.INFO, __file__, 1, "fetched %s", ("https://x.example/cb?code=abc123&state=s&postal_code=75001",), None,
    )

    assert logs.MaskCredentials().filter(record)

    assert record.getMessage() == "fetched https://x.example/cb?code=[redacted]&state=s&postal_code=75001"


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if get(url, timeout=1).status == 200:
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


def test_token_list_and_revoke__a_revoked_token_stops_working(start_instance):
    a = start_instance("a")
    a.create_user("alice")
    config = str(a.config_file())
    from_app = api.token_for(a, "alice", scopes="read", app_name="Phanpy")
    from_cli = redfed("--config", config, "token", "create", "alice", "--scopes", "read write")
    assert from_cli.returncode == 0, from_cli.stderr

    listed = redfed("--config", config, "token", "list", "alice")
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(row[1], row[2], row[4]) for row in rows] == [("Phanpy", "read", "never used"), ("redfed CLI", "read write", "never used")]
    assert from_app not in listed.stdout and from_cli.stdout.strip() not in listed.stdout  # ids, never secrets

    revoked = redfed("--config", config, "token", "revoke", rows[0][0])

    assert revoked.returncode == 0 and revoked.stdout.strip() == f"revoked token {rows[0][0]}"
    assert get(a.url("/api/v1/accounts/verify_credentials"), headers={"Authorization": f"Bearer {from_app}"}).status == 401
    assert get(a.url("/api/v1/accounts/verify_credentials"), headers={"Authorization": f"Bearer {from_cli.stdout.strip()}"}).status == 200
    assert [line.split("\t")[1] for line in redfed("--config", config, "token", "list", "alice").stdout.splitlines()] == ["redfed CLI"]
    assert_one_line_error(redfed("--config", config, "token", "revoke", rows[0][0]), f"no live token with id {rows[0][0]}")
    assert_one_line_error(redfed("--config", config, "token", "list", "nobody"), "no local user named 'nobody'")
