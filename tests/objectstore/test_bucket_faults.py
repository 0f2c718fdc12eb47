"""The bucket going away while redfed serves (checklist 54): uploads answer 503 with Retry-After
and leave nothing behind (no row, no object, no scratch file), files already stored answer 503
rather than 404, the process stays up, warns once without the credentials, and works again by
itself when the bucket is back. A wrong bucket at start is one clear line."""

import http.client
import io
import os
import subprocess
import sys
import time

import pytest
import requests
from PIL import Image

from redfed.errors import ConfigError
from redfed.instance import Instance
from redfed.objectstore.faults import MESSAGE

from ..support import api
from ..support.instance import make_config
from ..support.s3 import SECRET_ACCESS_KEY, S3Server
from ..support.videos import clip



@pytest.fixture
def own_server(tmp_path):
    """A server of this test's own, which it may stop and start again."""
    server = S3Server.spawn(tmp_path / "s3")
    yield server
    server.stop()


@pytest.fixture
def setup(start_instance, own_server):
    bucket = own_server.new_bucket()
    instance = start_instance("a", media=own_server.media_section(bucket))
    instance.create_user("alice")
    return instance, api.token_for(instance, "alice"), bucket


def png(side: int = 600) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), "purple").save(buffer, "PNG")
    return buffer.getvalue()


def noise_png() -> bytes:
    """Over the size processed after the answer (media.BACKGROUND_IMAGE_BYTES)."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)).save(buffer, "PNG")
    return buffer.getvalue()


def upload_request(instance, token: str, data: bytes, version: str = "v1") -> requests.PreparedRequest:
    return requests.Request(
        "POST", instance.url(f"/api/{version}/media"), headers={"Authorization": f"Bearer {token}"},
        files={"file": ("photo.png", data, "image/png")},
    ).prepare()


def send(prepared: requests.PreparedRequest) -> requests.Response:
    return requests.Session().send(prepared, timeout=30)


def media_rows(instance) -> int:
    async def count():
        async with instance.runtime.db.reader.execute("SELECT COUNT(*) FROM media") as cursor:
            return (await cursor.fetchone())[0]

    return instance.run(count())


def scratch(instance) -> list[str]:
    folder = instance.config.media_path / "tmp"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def upload_while_the_bucket_goes(instance, prepared: requests.PreparedRequest, server: S3Server) -> http.client.HTTPResponse:
    """Send half the upload, stop the bucket's server, send the rest: the bucket goes away mid-upload."""
    connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=30)
    connection.putrequest("POST", prepared.path_url)
    for name, value in prepared.headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    half = len(prepared.body) // 2
    connection.send(prepared.body[:half])
    server.stop()
    connection.send(prepared.body[half:])
    return connection.getresponse()


def test_bucket_gone_mid_upload__503_with_retry_after__nothing_half_done__recovers(setup, own_server, caplog):
    instance, token, bucket = setup
    stored = send(upload_request(instance, token, png())).json()
    rows, objects = media_rows(instance), own_server.keys(bucket)

    with caplog.at_level("WARNING"):
        answer = upload_while_the_bucket_goes(instance, upload_request(instance, token, png()), own_server)
        assert answer.status == 503 and answer.getheader("Retry-After") == "30" and MESSAGE.encode() in answer.read()
        assert media_rows(instance) == rows and scratch(instance) == []
        # A file stored before is not "not found" while its bucket is away.
        assert requests.get(stored["url"], timeout=30).status_code == 503
        # A background upload cannot store its file either: its row ends failed, not half-ready.
        accepted = send(upload_request(instance, token, noise_png(), "v2"))
        assert accepted.status_code == 202
        assert _final_status(instance, token, accepted.json()["id"]) == 422
        # A video's original is stored before the answer: 503 at once, nothing kept.
        refused = send(upload_request(instance, token, clip(), "v2"))
        assert refused.status_code == 503 and media_rows(instance) == rows + 1 and scratch(instance) == []
    assert "file storage unavailable" in caplog.text and SECRET_ACCESS_KEY not in caplog.text
    assert requests.get(instance.url("/api/v1/instance"), timeout=10).status_code == 200

    own_server.start()  # the same address; moto keeps nothing, so the operator restores the bucket
    own_server.client().create_bucket(Bucket=bucket)
    assert own_server.keys(bucket) == {}
    again = send(upload_request(instance, token, png()))
    assert again.status_code == 200 and requests.get(again.json()["url"], timeout=30).status_code == 200
    assert len(own_server.keys(bucket)) == len(objects) and scratch(instance) == []


def _final_status(instance, token: str, media_id: str) -> int:
    deadline = time.monotonic() + 30
    while True:
        status = requests.get(instance.url(f"/api/v1/media/{media_id}"), headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code
        if status != 206 or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


async def test_start__a_bucket_that_cannot_be_used_is_one_clear_line(tmp_path, s3_server):
    config = make_config(tmp_path, "http://127.0.0.1:8000", media=s3_server.media_section("no-such-bucket"))
    with pytest.raises(ConfigError) as refused:
        await Instance(config).start()
    said = str(refused.value)
    assert said.startswith(f"media storage: cannot use bucket 'no-such-bucket' at {s3_server.url}")
    assert "\n" not in said and SECRET_ACCESS_KEY not in said


def test_serve__a_bucket_that_cannot_be_used_is_one_line_and_exit_1(tmp_path, s3_server):
    media = s3_server.media_section("no-such-bucket")
    settings = "\n".join(f'{key} = "{value}"' for key, value in media.items())
    config = tmp_path / "instance.toml"
    config.write_text(f'[instance]\nbase_url = "http://127.0.0.1:8000"\n[media]\n{settings}\n')
    result = subprocess.run([sys.executable, "-m", "redfed", "--config", str(config), "serve"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("redfed: media storage: cannot use bucket 'no-such-bucket'") and SECRET_ACCESS_KEY not in line
