"""`redfed import USER --type TYPE FILE [--overwrite]` and `redfed import-archive USER FILE [--from instagram|tiktok]`,
through the real entry point, against a live instance's files."""

import subprocess
import sys

from redfed.store.social import follows as follow_store

from ..support import api
from .archives import hostile_archives, mastodon_archive
from .foreign_exports import instagram_export


def _config_file(instance):
    return instance.config_file()


def _redfed(instance, *args):
    result = subprocess.run([sys.executable, "-m", "redfed", "--config", str(_config_file(instance)), *args],
                            capture_output=True, text=True, timeout=120)
    return result


def test_import_following__follows_and_reports_rows(instance, tmp_path):
    alice, bob, carol = (instance.create_user(n).actor for n in ("alice", "bob", "carol"))
    path = tmp_path / "following_accounts.csv"
    path.write_text("Account address,Show boosts,Notify on new posts,Languages\nbob,true,false,\nnobody,true,false,\n")
    result = _redfed(instance, "import", "alice", "--type", "following", str(path))
    assert result.returncode == 0, result.stderr
    assert "imported 1 of 2; 1 failed" in result.stdout
    assert "row 3: unknown account (nobody)" in result.stdout
    assert instance.run(follow_store.find_follow(instance.runtime.db.reader, alice.id, bob.id)).state == "accepted"


def test_import_archive__creates_the_posts(instance, tmp_path):
    alice = instance.create_user("alice").actor
    path = tmp_path / "archive.zip"
    path.write_bytes(mastodon_archive())
    result = _redfed(instance, "import-archive", "alice", str(path))
    assert result.returncode == 0, result.stderr
    assert "imported 3 of 3; 0 failed" in result.stdout
    assert len(api.client(instance, "alice").account_statuses(alice.id)) == 3


def test_import_archive__refuses_a_hostile_one_in_one_line(instance, tmp_path):
    alice = instance.create_user("alice").actor
    path = tmp_path / "archive.zip"
    make, message = hostile_archives()["parent path"]
    path.write_bytes(make())
    result = _redfed(instance, "import-archive", "alice", str(path))
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("redfed: ") and message in line
    assert api.client(instance, "alice").account_statuses(alice.id) == []


def test_import__unknown_user_and_bad_type(instance, tmp_path):
    path = tmp_path / "blocks.csv"
    path.write_text("bob\n")
    result = _redfed(instance, "import", "nobody", "--type", "blocks", str(path))
    assert result.returncode == 1 and result.stderr.strip() == "redfed: no local user named 'nobody'"
    result = _redfed(instance, "import", "nobody", "--type", "passwords", str(path))
    assert result.returncode == 2


def test_import_archive_from_instagram__creates_the_posts(instance, tmp_path):
    alice = instance.create_user("alice").actor
    path = tmp_path / "instagram.zip"
    path.write_bytes(instagram_export())
    result = _redfed(instance, "import-archive", "alice", str(path), "--from", "instagram")
    assert result.returncode == 0, result.stderr
    assert "imported 2 of 3; 1 failed" in result.stdout
    assert "row 1: bad_item" in result.stdout
    assert len(api.client(instance, "alice").account_statuses(alice.id)) == 2
