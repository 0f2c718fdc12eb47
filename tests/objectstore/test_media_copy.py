"""`redfed media copy --to s3`, through the real entry point: every stored upload and archive of a
local instance goes to the bucket under the same key, with its progress on stderr; a copy killed
half-way and run again skips what arrived whole and copies the rest (a partial object too); the
instance switched to storage = "s3" then serves the same files from the bucket."""

import io
import os
import signal
import subprocess
import sys

from PIL import Image

from redfed.services.media import media as media_service
from redfed.services.portability import exports

from ..support.http import get

UPLOADS = 25


def _config_file(instance, media: dict) -> str:
    settings = "\n".join(f'{key} = "{value}"' for key, value in media.items() if key != "storage")
    return str(instance.config_file(f'[media]\nstorage = "local"\n{settings}\n'))


def _upload(instance, owner, shade: int):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (shade, 80, 160)).save(buffer, "PNG")
    buffer.seek(0)
    return instance.run(media_service.upload(instance.ctx, owner, buffer)).media


def _local_files(instance) -> dict[str, int]:
    found = {}
    for area, root in (("media", instance.config.media_path), ("exports", instance.config.base_dir / "exports")):
        for path in root.rglob("*"):
            if path.is_file() and path.parent.name != "tmp":
                found[f"{area}/{path.relative_to(root).as_posix()}"] = path.stat().st_size
    return found


def _copy(config: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "redfed", "--config", config, "media", "copy", "--to", "s3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _kill_after_first_progress(process: subprocess.Popen) -> str:
    said = b""
    while b"files:" not in said and process.poll() is None:
        said += os.read(process.stderr.fileno(), 64)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    return said.decode()


def test_media_copy__resumes_after_a_kill__then_the_instance_serves_from_the_bucket(start_instance, s3_server, bucket):
    instance = start_instance("a")
    alice = instance.create_user("alice").actor
    uploads = [_upload(instance, alice, shade) for shade in range(UPLOADS)]
    job = instance.run(exports.request_export(instance.ctx, alice, background=False))
    assert instance.run(exports.run_job(instance.ctx, job.id)).state == "done"
    local = _local_files(instance)
    assert len(local) == 2 * UPLOADS + 1
    config = _config_file(instance, s3_server.media_section(bucket))

    # Given a copy killed after its first file, and one object that arrived only in part,
    said = _kill_after_first_progress(_copy(config))
    assert "\r1/" in said
    partial = f"media/{uploads[-1].file_key}"
    s3_server.client().put_object(Bucket=bucket, Key=partial, Body=b"the first bytes")
    arrived = {key: size for key, size in s3_server.keys(bucket).items() if key != partial}
    assert 1 <= len(arrived) < len(local)

    # when it is run again, it skips what arrived whole and copies the rest.
    finished = _copy(config)
    out, err = finished.communicate(timeout=120)
    assert finished.returncode == 0, err.decode()
    assert f"{len(local)}/{len(local)} files: {len(local) - len(arrived)} copied" in err.decode()
    assert f"{len(arrived)} already there" in err.decode()
    assert f"{len(local)} files in the bucket" in out.decode()
    assert s3_server.keys(bucket) == local

    # Switched to the bucket, the instance serves the same files, and the local ones can go.
    served = {media.file_key: get(instance.url(f"/media/{media.file_key}")).body for media in uploads}
    port = instance.port
    instance.stop()
    for path in instance.config.media_path.rglob("*.png"):
        path.unlink()
    moved = start_instance("a", port=port, media=s3_server.media_section(bucket))
    for key, data in served.items():
        assert get(moved.url(f"/media/{key}")).body == data
    assert s3_server.keys(bucket) == local  # the start sweep kept every file

