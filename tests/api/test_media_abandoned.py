"""Uploads abandoned by their client (issue 23): a client that sends part of a multipart body, or
all of it, and hangs up leaves no file behind, at once and not at the next start; the files in
the media folder are always the ones the rows name; and the next upload works.

The client is a raw socket on 127.0.0.1 that writes the request's head and a cut of its body,
then closes.
"""

import asyncio
import io
import os
import socket
import threading
import time
import uuid

import pytest
import requests
from PIL import Image

from redfed.services.media import media as media_service

from ..support import api

CUTS = (0.05, 0.3, 0.6, 0.95, 1.0)
ROUNDS = 4


def photo(side: int) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def multipart(data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def abandon(instance, token: str, body: bytes, content_type: str, cut: float) -> None:
    """Send the head and the first `cut` of the body, then hang up without reading an answer."""
    head = (
        f"POST /api/v1/media HTTP/1.1\r\nHost: {instance.domain}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", instance.port), timeout=10) as client:
        client.sendall(head + body[: int(len(body) * cut)])
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # reset, not FIN


def stored(instance) -> tuple[set[str], list[str]]:
    media = instance.config.media_path
    files = {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file() and p.parent.name != "tmp"}
    temporary = sorted(p.name for p in (media / "tmp").iterdir()) if (media / "tmp").is_dir() else []
    return files, temporary


def named_by_rows(instance) -> set[str]:
    rows = instance.run(_rows(instance))
    return {key for row in rows for key in row if key}


async def _rows(instance):
    async with instance.runtime.db.reader.execute("SELECT file_key, preview_key FROM media") as cursor:
        return await cursor.fetchall()


def settled(instance, seconds: float = 15) -> tuple[set[str], list[str]]:
    """The media folder once the work of the abandoned requests has ended (decoding runs on)."""
    deadline = time.monotonic() + seconds
    while True:
        files, temporary = stored(instance)
        if (not temporary and files == named_by_rows(instance)) or time.monotonic() > deadline:
            return files, temporary
        time.sleep(0.1)


@pytest.fixture
def token(instance) -> str:
    instance.create_user("alice")
    return api.token_for(instance, "alice")


def test_uploads_abandoned_mid_body_and_after_it__leave_no_file_and_the_next_upload_works(instance, token):
    body, content_type = multipart(photo(700))
    for _ in range(ROUNDS):
        for cut in CUTS:
            abandon(instance, token, body, content_type, cut)
        files, temporary = settled(instance)
        assert temporary == []
        assert files == named_by_rows(instance)
    response = requests.post(
        instance.url("/api/v1/media"), headers={"Authorization": f"Bearer {token}"},
        files={"file": ("photo.png", photo(64), "image/png")}, timeout=30,
    )
    assert response.status_code == 200, response.text
    assert requests.get(response.json()["url"], timeout=10).status_code == 200


class HeldStream(io.BytesIO):
    """An upload's file whose reading stops half-way until released: the moment a client goes away."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.reading, self.release = threading.Event(), threading.Event()

    def read(self, size: int = -1) -> bytes:
        if self.tell() > 0:
            self.reading.set()
            self.release.wait(10)
        return super().read(size)


def test_upload_cancelled_while_its_file_is_copied__takes_the_copy_back_once_the_copy_ends(instance):
    instance.create_user("alice")
    owner = instance.actor("alice")
    stream = HeldStream(photo(300))

    async def cancel_mid_copy():
        task = asyncio.ensure_future(media_service.upload(instance.ctx, owner, stream))
        await asyncio.to_thread(stream.reading.wait, 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    instance.run(cancel_mid_copy())
    stream.release.set()  # the copy in its thread now runs to its end
    files, temporary = settled(instance)
    assert temporary == [] and files == set() == named_by_rows(instance)
