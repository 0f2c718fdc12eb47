"""`redfed db copy`: an instance on SQLite moves into PostgreSQL and serves the same account,
posts and followers there; a copy cut short resumes; a target with data is refused."""

import signal
import subprocess
import sys

import pytest

from ..support import api, databases
from ..support.instance import LiveInstance

pytestmark = databases.only_on_postgresql

ON_SQLITE = {"url": ""}  # the config's [database] when the instance must start on its SQLite file


@pytest.fixture
def on_sqlite(tmp_path, clock):
    """alice with 60 posts (replies among them), bob following her and boosting one."""
    instance = LiveInstance(tmp_path / "site", clock, database=ON_SQLITE).start()
    instance.create_user("alice")
    instance.create_user("bob")
    alice, bob = api.client(instance, "alice"), api.client(instance, "bob")
    first = alice.status_post("第一条笔记 #咖啡")
    for n in range(59):
        alice.status_post(f"note {n}", in_reply_to_id=first["id"] if n % 10 == 0 else None)
    bob.account_follow(alice.me()["id"])
    bob.status_reblog(first["id"])
    yield instance
    if not instance.stopped:
        instance.stop()


def _command(instance: LiveInstance, target: str, *extra: str) -> list[str]:
    """The operator's command, with a config file naming the instance's SQLite database."""
    config = instance.config_file()
    return [sys.executable, "-m", "redfed", "--config", str(config), "db", "copy", "--to", target, *extra]


def _copy(instance: LiveInstance, target: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(_command(instance, target, *extra), capture_output=True, text=True, timeout=300)


def _seen_by_a_visitor(instance: LiveInstance) -> dict:
    """The profile, followers and newest posts a visitor sees, and what a search finds."""
    visitor, reader = api.client(instance), api.client(instance, "bob")
    alice = visitor.account_lookup("alice")
    statuses = visitor.account_statuses(alice["id"], limit=40)
    return {
        "account": (alice["username"], alice["followers_count"], alice["statuses_count"]),
        "followers": [a["acct"] for a in visitor.account_followers(alice["id"])],
        "newest": [(s["id"], s["content"], s["in_reply_to_id"]) for s in statuses],
        "search": [s["id"] for s in reader.search_v2("咖啡", result_type="statuses")["statuses"]],
    }


def test_copy__the_instance_serves_the_same_account_posts_and_followers_from_postgresql(on_sqlite, tmp_path, clock):
    before = _seen_by_a_visitor(on_sqlite)
    target = databases.database_section(tmp_path / "target")["url"]
    on_sqlite.stop()

    copied = _copy(on_sqlite, target)

    assert copied.returncode == 0, copied.stderr
    assert "the counts match" in copied.stdout
    moved = LiveInstance(on_sqlite.folder, clock, on_sqlite.port, database={"url": target}).start()
    try:
        assert _seen_by_a_visitor(moved) == before
        # New rows get ids after the copied ones: posting works at once.
        assert api.client(moved, "alice").status_post("after the move")["id"]
    finally:
        moved.stop()


def test_copy__cut_short_resumes_where_it_stopped(on_sqlite, tmp_path):
    target = databases.database_section(tmp_path / "target")["url"]
    on_sqlite.stop()
    with subprocess.Popen(_command(on_sqlite, target, "--batch-rows", "5"), stderr=subprocess.PIPE, text=True) as running:
        for line in iter(lambda: running.stderr.read(40), ""):
            if "posts: 1" in line:  # some batches of posts are in, not all
                running.send_signal(signal.SIGKILL)
                break
        running.wait(timeout=60)
    assert running.returncode == -signal.SIGKILL

    resumed = _copy(on_sqlite, target, "--batch-rows", "5")

    assert resumed.returncode == 0, resumed.stderr
    assert "the counts match" in resumed.stdout


def test_copy__refuses_a_target_that_holds_data(on_sqlite, tmp_path):
    target = databases.database_section(tmp_path / "target")["url"]
    on_sqlite.stop()
    assert _copy(on_sqlite, target).returncode == 0

    again = _copy(on_sqlite, target)

    assert again.returncode == 1
    assert "not empty" in again.stderr
