"""The two file stores keep the same promises: what is staged is invisible until published, a
Path handed over is moved, deletion takes staged and published files, and the listing a sweep
walks names every published file with its size."""

from pathlib import Path

import pytest

from redfed.config import MediaConfig
from redfed.objectstore.base import ObjectStore
from redfed.objectstore.local import LocalStore
from redfed.objectstore.s3 import Bucket, S3Store

KEY = "ab/cd/abcd0123456789abcdef0123456789ab.jpg"


@pytest.fixture(params=["local", "s3"])
async def store(request, tmp_path):
    if request.param == "local":
        yield LocalStore(tmp_path / "media")
        return
    server = request.getfixturevalue("s3_server")
    bucket = Bucket(MediaConfig(**server.media_section(server.new_bucket())))
    bucket_store = S3Store(bucket, "media/", tmp_path / "media" / "tmp")
    yield bucket_store
    await bucket_store.close()


async def _listed(files: ObjectStore) -> dict[str, int]:
    return {listed.key: listed.size async for listed in files.list_keys()}


async def test_store__staged_files_are_stored_once_published(store):
    await store.stage(KEY, b"jpeg bytes", "image/jpeg")
    await store.publish(KEY)
    assert await store.read(KEY) == b"jpeg bytes"
    assert await store.size(KEY) == len(b"jpeg bytes") and await store.exists(KEY)
    assert await _listed(store) == {KEY: len(b"jpeg bytes")}


async def test_store__a_path_is_moved_into_the_store(store, tmp_path):
    received = tmp_path / "received.upload"
    received.write_bytes(b"x" * 600_000)  # several chunks when read back
    await store.put(KEY, received, "image/jpeg")
    assert not received.exists()
    opened = await store.open(KEY)
    assert opened.size == 600_000 and b"".join([chunk async for chunk in opened.chunks]) == b"x" * 600_000


async def test_store__delete_removes_staged_and_published_files_and_ignores_missing_ones(store):
    other = KEY.replace(".jpg", "-small.jpg")
    await store.put(KEY, b"one")
    await store.stage(other, b"two")
    await store.delete(KEY, other, "ff/ff/missing.jpg", None)
    assert await store.open(KEY) is None and await store.size(other) is None
    assert await _listed(store) == {} and await store.staged() == []


async def test_local_store__staged_files_wait_in_scratch_space_until_published(tmp_path):
    files = LocalStore(tmp_path / "media")
    await files.stage(KEY, b"staged")
    assert await files.open(KEY) is None and await files.staged() == [KEY]
    (tmp_path / "media" / "tmp" / "abandoned.upload").write_bytes(b"half")
    assert await files.clear_scratch() == 1 and await files.staged() == [KEY]
    await files.publish(KEY)
    assert Path(files.path(KEY)).read_bytes() == b"staged" and await files.staged() == []


def test_s3_store__public_url_is_the_public_base_and_the_object_name(tmp_path):
    public = Bucket(MediaConfig(storage="s3", bucket="b", public_base_url="https://cdn.example/"))
    assert S3Store(public, "media/", tmp_path).public_url(KEY) == f"https://cdn.example/media/{KEY}"
    assert S3Store(Bucket(MediaConfig(storage="s3", bucket="b")), "media/", tmp_path).public_url(KEY) is None
