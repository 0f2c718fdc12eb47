"""SIGKILL in the middle of uploads, round after round: after each restart the media folder and
the media rows agree (issue 28). Every ready upload's files are in place, no stored file is
without its row, nothing is left in `media/tmp`, and the sweep said what it did in the log.

`redfed serve` runs in a process of its own; the moments of the kills come from a fixed seed so
that a failure replays.
"""

import io
import os
import random
import threading
import time

import requests
from PIL import Image

from .support.served import Server

ROUNDS = 3
UPLOADS_AT_ONCE = 4


def photo(side: int) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(server: Server, data: bytes) -> None:
    try:
        requests.post(
            server.base + "/api/v1/media", headers={"Authorization": f"Bearer {server.token}"},
            files={"file": ("photo.png", data, "image/png")}, timeout=30,
        )
    except requests.RequestException:
        pass  # killed while answering


def assert_files_agree_with_rows(server: Server) -> None:
    media = server.folder / "media"
    rows = server.rows("SELECT file_key, preview_key FROM media WHERE state = 'ready'")
    named = {key for row in rows for key in row if key}
    stored = {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file() and p.parent.name != "tmp"}
    assert stored == named
    assert list((media / "tmp").iterdir()) == [] if (media / "tmp").is_dir() else True
    assert server.rows("SELECT count(*) FROM media WHERE state = 'processing'") == [(0,)]


def test_sigkill_during_uploads__after_each_restart_files_and_rows_agree(tmp_path):
    chance = random.Random(2828)
    images = [photo(side) for side in (300, 500, 700, 900)]
    server = Server(tmp_path).start()
    try:
        for _ in range(ROUNDS):
            senders = [threading.Thread(target=upload, args=(server, chance.choice(images))) for _ in range(UPLOADS_AT_ONCE)]
            for sender in senders:
                sender.start()
            time.sleep(chance.uniform(0.05, 0.8))
            server.kill()
            for sender in senders:
                sender.join(timeout=30)
            server.start()
            assert_files_agree_with_rows(server)
        before = server.rows("SELECT count(*) FROM media")[0][0]
        upload(server, images[0])
        assert server.rows("SELECT count(*) FROM media")[0][0] == before + 1
        assert_files_agree_with_rows(server)
    finally:
        server.stop()
    log = (server.folder / "serve.log").read_text()
    assert "Traceback" not in log
