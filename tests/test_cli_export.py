"""`redfed export USER --out FILE`, through the real entry point, against a live instance's files."""

import json
import subprocess
import sys
import zipfile

from .services.test_exports import check_archive, populate


def _config_file(instance):
    return instance.config_file()


def _redfed(*args):
    # Bytes, decoded here: text mode would turn the progress bar's "\r" into newlines.
    result = subprocess.run([sys.executable, "-m", "redfed", *args], capture_output=True, timeout=60)
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode(), result.stderr.decode())


def test_export__writes_the_archive_with_a_progress_bar(instance, tmp_path):
    account = populate(instance)
    out = tmp_path / "alice.zip"
    result = _redfed("--config", str(_config_file(instance)), "export", "alice", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "\r[##########] 100%" in result.stderr and "\r[" in result.stderr.split("100%")[0]
    assert f"wrote {out}" in result.stdout
    assert not zipfile.ZipFile(out).testzip()
    check_archive(account, out.read_bytes())
    assert json.loads(zipfile.ZipFile(out).read("outbox.json"))["totalItems"] == len(account.posts) + 1  # and one boost


def test_export__an_unknown_user_is_one_line_and_exit_1(instance, tmp_path):
    out = tmp_path / "nobody.zip"
    result = _redfed("--config", str(_config_file(instance)), "export", "nobody", "--out", str(out))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["redfed: no local user named 'nobody'"]
    assert not out.exists()
