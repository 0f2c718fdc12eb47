"""Uploads when the media folder's disk is full or read-only (issue 28): 503 with Retry-After and
words that say why, checked before a large upload is written, nothing left behind, and uploads
work again as soon as the disk does, without a restart.

The media folder is a real 16 MB tmpfs (we run as root); the database stays on the ordinary disk.
"""

import errno
import io
import os
import subprocess

import pytest
import requests
from PIL import Image

from redfed.services.media import media_sweep
from redfed.store.media import media as media_store

from ..support import api
from ..support.instance import LiveInstance

DISK_FULL = "the server's disk is full, try again later"
READ_ONLY = "the server cannot write to its storage right now, try again later"


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


@pytest.fixture
def media_disk(tmp_path):
    disk = tmp_path / "media"
    disk.mkdir()
    mounted = _mount("-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


@pytest.fixture
def instance(tmp_path, media_disk, clock):
    live = LiveInstance(tmp_path / "a", clock, media={"path": str(media_disk)}).start()
    yield live
    live.stop()


@pytest.fixture
def token(instance) -> str:
    instance.create_user("alice")
    return api.token_for(instance, "alice")


def photo(side: int) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(instance, token: str, data: bytes) -> requests.Response:
    return requests.post(
        instance.url("/api/v1/media"), headers={"Authorization": f"Bearer {token}"},
        files={"file": ("photo.png", data, "image/png")}, timeout=30,
    )


def fill(disk, leave: int = 0) -> None:
    """Fill `disk` until `leave` bytes are free (0: to the last byte, until ENOSPC)."""
    stats = os.statvfs(disk)
    wanted = stats.f_bavail * stats.f_frsize - leave
    with open(disk / "filler", "wb") as filler:
        try:
            while wanted > 0:
                wanted -= filler.write(b"\0" * min(wanted, 1 << 20))
                filler.flush()
        except OSError as error:
            assert leave == 0 and error.errno == errno.ENOSPC


def stored_files(disk) -> list[str]:
    return sorted(p.relative_to(disk).as_posix() for p in disk.rglob("*") if p.is_file() and p.name != "filler")


def assert_unavailable(response: requests.Response, message: str) -> None:
    assert response.status_code == 503, response.text
    assert response.json() == {"error": message}
    assert int(response.headers["Retry-After"]) > 0


def test_full_disk__upload_gets_503_leaves_nothing_and_works_again_once_space_returns(instance, token, media_disk):
    assert upload(instance, token, photo(64)).status_code == 200
    before = stored_files(media_disk)
    fill(media_disk)
    assert_unavailable(upload(instance, token, photo(64)), DISK_FULL)
    assert stored_files(media_disk) == before
    (media_disk / "filler").unlink()
    response = upload(instance, token, photo(64))
    assert response.status_code == 200, response.text
    assert requests.get(response.json()["url"], timeout=10).status_code == 200


def test_nearly_full_disk__a_large_upload_is_refused_before_it_is_written_a_small_one_goes_through(instance, token, media_disk):
    large = photo(1000)  # about 3 MB: with its re-encoding, more than the 12 MB left less the reserve
    assert len(large) > 2_500_000
    fill(media_disk, leave=12 * 1024 * 1024)
    assert_unavailable(upload(instance, token, large), DISK_FULL)
    assert stored_files(media_disk) == []
    assert upload(instance, token, photo(64)).status_code == 200


def test_read_only_disk__upload_gets_503_and_works_again_once_writable(instance, token, media_disk):
    assert upload(instance, token, photo(64)).status_code == 200
    before = stored_files(media_disk)
    remounted = _mount("-o", "remount,ro", str(media_disk))
    if remounted.returncode != 0:
        pytest.skip(f"cannot remount read-only here: {remounted.stderr.strip()}")
    try:
        assert_unavailable(upload(instance, token, photo(64)), READ_ONLY)
    finally:
        assert _mount("-o", "remount,rw", str(media_disk)).returncode == 0
    assert stored_files(media_disk) == before
    assert upload(instance, token, photo(64)).status_code == 200


def test_start_sweep__publishes_committed_staged_files_and_removes_what_no_row_names(start_instance, caplog):
    """The three moments a stop can fall at, laid out by hand, then the sweep a start runs."""
    instance = start_instance("a")
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    media = instance.config.media_path
    committed, unrecorded, lost = (upload(instance, token, photo(32)).json() for _ in range(3))
    key = {item["id"]: item["url"].split("/media/", 1)[1] for item in (committed, unrecorded, lost)}
    preview = {item["id"]: item["preview_url"].split("/media/", 1)[1] for item in (committed, unrecorded, lost)}
    # A stop after the row was committed, before its files were renamed into place.
    for name in (key[committed["id"]], preview[committed["id"]]):
        (media / name).rename(instance.node.files.media.staged_path(name))
    # A stop after the files were in place, before the row was committed.
    instance.run(_delete_row(instance, int(unrecorded["id"])))
    # A file lost with its row still there, and a temporary file of an interrupted upload.
    (media / key[lost["id"]]).unlink()
    (media / "tmp" / "0123.upload").write_bytes(b"half")

    with caplog.at_level("WARNING", logger="redfed.services.media.media_sweep"):
        instance.run(media_sweep.recover_interrupted(instance.ctx))

    assert requests.get(committed["url"], timeout=10).status_code == 200
    assert requests.get(committed["preview_url"], timeout=10).status_code == 200
    assert not (media / key[unrecorded["id"]]).exists() and not (media / preview[unrecorded["id"]]).exists()
    assert not (media / preview[lost["id"]]).exists()
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(instance.url(f"/api/v1/media/{lost['id']}"), headers=headers, timeout=10).status_code == 404
    assert list((media / "tmp").iterdir()) == []
    said = caplog.text
    assert "published 2 files" in said and key[committed["id"]] in said
    assert "removed 2 files that no upload names" in said and key[unrecorded["id"]] in said
    assert "removed 1 temporary files" in said
    assert f"deleted 1 unposted uploads whose file was missing: ids {lost['id']}" in said


async def _delete_row(instance, media_id: int) -> None:
    async with instance.runtime.db.transaction() as conn:
        await media_store.delete_unattached(conn, media_id)
