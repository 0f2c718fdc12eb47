"""A full disk is a temporary condition, not a crash (issue 28; CHECKLIST 41).

The instance's whole folder (database and media) lives on a real 16 MB tmpfs that the test fills
to its last byte. Writes then answer 503 with Retry-After and a message that says why, to apps,
to servers and to people alike; nothing half-written is left; reads go on; and once space returns
writes work again without a restart. Storage faults of other kinds are told apart by the real
errors SQLite and the kernel raise.
"""

import errno
import json
import logging
import sqlite3
import subprocess

import pytest

from redfed.db.faults import StorageUnavailable, as_storage_fault

from ..support import api, databases
from ..support.hostile import PUBLIC, HostileServer, sign_post
from ..support.http import get, request
from ..support.instance import LiveInstance
from ..imports.archives import mastodon_archive
from ..imports.support import multipart
from ..pages.test_forms import Browser


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


@pytest.fixture
def instance(small_disk, clock):
    live = LiveInstance(small_disk / "a", clock, federation={"inbox_per_host_per_minute": 1_000_000}).start()
    yield live
    live.stop()


@pytest.fixture
def remote():
    server = HostileServer().start()
    yield server
    server.stop()


def fill(disk) -> None:
    # Unbuffered: a buffered file would try the last bytes again on close, and fail there.
    with open(disk / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError as error:
            assert error.errno == errno.ENOSPC


def free(disk) -> None:
    (disk / "filler").unlink()


def until_refused(send, ok: int, limit: int = 200):
    """Send until the first answer other than `ok` (SQLite first reuses the room its log has)."""
    for _ in range(limit):
        reply = send()
        if reply.status != ok:
            assert reply.status == 503, reply.text
            return reply
    pytest.fail("the disk never filled")


def _statuses_count(client) -> int:
    return client.account_verify_credentials()["statuses_count"]


_DATABASE_ON_THE_DISK = databases.only_on_sqlite("the database fills the small disk only when it is SQLite's file there")


@_DATABASE_ON_THE_DISK
def test_a_full_disk__writes_get_503_with_retry_after_reads_go_on_and_writes_return(instance, small_disk):
    instance.create_user("alice")
    alice = api.client(instance, "alice")
    headers = {"Authorization": f"Bearer {alice.access_token}", "Content-Type": "application/json"}
    fill(small_disk)
    # SQLite reuses the pages its log already has: the first writes may still fit.
    replies = [
        request("POST", instance.url("/api/v1/statuses"), headers=headers, body=json.dumps({"status": f"post {n}"}).encode())
        for n in range(200)
    ]
    statuses = [r.status for r in replies]
    assert set(statuses) <= {200, 503}
    refused = [r for r in replies if r.status == 503]
    assert refused, "the disk never filled"
    assert refused[0].json() == {"error": "the server's disk is full, try again later"}
    assert int(refused[0].headers["Retry-After"]) > 0
    # Every post that was acknowledged is there, whole; none that was refused.
    made = statuses.count(200)
    assert _statuses_count(alice) == made
    assert get(instance.url("/api/v1/timelines/public")).status == 200
    free(small_disk)
    assert alice.status_post("space again")["content"] == "<p>space again</p>"
    assert _statuses_count(alice) == made + 1


@_DATABASE_ON_THE_DISK
def test_a_full_disk__the_inbox_answers_503_so_the_sender_retries(instance, small_disk, remote):
    mallory = remote.add_actor("mallory")
    fill(small_disk)
    refused = until_refused(
        lambda: sign_post(instance.url("/inbox"), mallory.create(mallory.note("hi", to=[PUBLIC])), mallory.signing_key, instance.clock()).send(),
        ok=202,
    )
    assert "disk is full" in refused.json()["error"]
    assert "Retry-After" in refused.headers
    free(small_disk)
    again = sign_post(instance.url("/inbox"), mallory.create(mallory.note("later", to=[PUBLIC])), mallory.signing_key, instance.clock())
    assert again.send().status == 202


@_DATABASE_ON_THE_DISK
def test_a_full_disk__people_get_a_page_that_says_so(instance, small_disk):
    instance.create_user("alice")
    browser = Browser()
    token = browser.sign_in_token(instance)
    fill(small_disk)
    form = {"csrf_token": token, "username": "alice", "password": "correct horse battery"}
    refused = until_refused(lambda: browser.open(instance.url("/auth/sign_in"), form), ok=303)
    assert refused.status == 503
    assert refused.headers["Content-Type"].startswith("text/html")
    assert "disk is full" in refused.text


@_DATABASE_ON_THE_DISK
def test_a_full_disk__is_warned_about_once_a_minute_not_per_request(instance, small_disk, caplog):
    instance.create_user("alice")
    alice = api.client(instance, "alice")
    headers = {"Authorization": f"Bearer {alice.access_token}", "Content-Type": "application/json"}
    fill(small_disk)
    with caplog.at_level(logging.WARNING):
        replies = [
            request("POST", instance.url("/api/v1/statuses"), headers=headers, body=json.dumps({"status": f"{n}"}).encode())
            for n in range(200)
        ]
    assert sum(r.status == 503 for r in replies) >= 2
    assert "Traceback" not in caplog.text
    assert caplog.text.count("storage full") <= 1


def test_a_full_disk__an_import_archive_is_refused_before_its_body_is_read(instance, small_disk):
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    body, content_type = multipart({"type": "archive"}, {"data": ("archive.zip", mastodon_archive())})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    fill(small_disk)
    refused = request("POST", instance.url("/api/v1/imports"), headers=headers, body=body)
    assert refused.status == 503 and refused.json() == {"error": "the server's disk is full, try again later"}
    assert [path for path in (instance.config.base_dir / "imports").rglob("*") if path.is_file()] == []
    free(small_disk)
    assert request("POST", instance.url("/api/v1/imports"), headers=headers, body=body).status == 202


def test_storage_faults__are_told_apart_from_bugs(tmp_path):
    path = tmp_path / "ro.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    readonly = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as refused:
        readonly.execute("INSERT INTO t VALUES (1)")
    assert as_storage_fault(refused.value).kind == "readonly"
    with pytest.raises(sqlite3.OperationalError) as bug:
        readonly.execute("SELECT nothing FROM nowhere")
    assert as_storage_fault(bug.value) is None
    assert as_storage_fault(OSError(errno.EROFS, "Read-only file system")).kind == "readonly"
    assert as_storage_fault(OSError(errno.ENOSPC, "No space left on device")).kind == "full"
    assert as_storage_fault(OSError(errno.ENOENT, "No such file")) is None
    assert isinstance(as_storage_fault(OSError(errno.ENOSPC, "full")), StorageUnavailable)
