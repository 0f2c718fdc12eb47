"""SIGKILL in the middle of a video transcode (issue 15): the job was leased by the killed server,
and after the restart a worker takes it up once the lease has run out and finishes it. Nothing is
transcoded twice at once, nothing is left in the scratch folder, and the original goes.

`redfed serve` runs in a process of its own, with its workers inside and a short lease.
"""

import json
import time

import requests

from .support.served import Server
from .support.videos import clip, described


def upload(server: Server, data: bytes) -> dict:
    response = requests.post(
        server.base + "/api/v2/media", headers={"Authorization": f"Bearer {server.token}"},
        files={"file": ("clip.mp4", data, "video/mp4")}, timeout=30,
    )
    assert response.status_code == 202
    return response.json()


def wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_sigkill_during_a_transcode__the_restarted_server_finishes_the_job(tmp_path):
    server = Server(tmp_path)
    with open(server.config, "a", encoding="utf-8") as config:
        # Scaled down, so re-encoded (a web-safe clip would only be rewrapped, too fast to kill).
        config.write("\n[workers]\nlease_seconds = 2.0\n\n[media]\nvideo_max_side = 240\n")
    source = clip(frames=240, size=(480, 360), fps=30)
    server.start()
    try:
        media = upload(server, source)
        wait_for(lambda: server.rows("SELECT claimed_until FROM media_jobs") not in ([], [(None,)]), 10)
        time.sleep(0.3)
        server.kill()
        assert server.rows("SELECT state FROM media") == [("processing",)], "killed in the middle of the transcode"
        server.start()
        wait_for(lambda: server.rows("SELECT state FROM media") != [("processing",)], 60)
        assert server.rows("SELECT state FROM media") == [("ready",)] and server.rows("SELECT count(*) FROM media_jobs") == [(0,)]
        found = server.api("GET", f"/api/v1/media/{media['id']}")
        assert found.status == 200
        ready = json.loads(found.body)
        assert described(requests.get(ready["url"], timeout=10).content)["codecs"] == ["h264", "aac"]
        key, preview = server.rows("SELECT file_key, preview_key FROM media")[0]
        assert server.files("media") == sorted([key, preview]), "the original and the killed transcode's files are gone"
    finally:
        server.stop()
    assert "Traceback" not in (server.folder / "serve.log").read_text()
