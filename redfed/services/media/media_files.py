"""Uploaded files (layer 4, blocking code: run it in a thread): what a file really is, and the
keys it is stored under.

The type is read from the bytes against an allow-list, never from the name or the declared type
(checklist 33); video and audio are recognised by their container's signature and stored as they
are. Files live under a random key that no part of the upload chooses (31). An upload is copied
to the media folder's scratch space (`tmp/`) while it is checked, whatever store keeps it then.

A full or read-only disk is a temporary condition, not a crash: ServiceUnavailable (503).
"""

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import features

from ...config import MediaConfig
from ...errors import Unprocessable
from ..disk_space import ensure_room, storage_errors

FILE_TYPE_ERROR = "File type of uploaded media could not be verified"
PROCESSING_ERROR = "Error processing thumbnail for uploaded media"
CHUNK = 1024 * 1024
AVIF = features.check("avif")

EXTENSIONS = {
    "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp", "image/avif": "avif",
    "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm",
    "audio/mpeg": "mp3", "audio/ogg": "ogg", "audio/wav": "wav", "audio/flac": "flac", "audio/mp4": "m4a",
}
CONTENT_TYPES = {extension: content_type for content_type, extension in EXTENSIONS.items()}
KEY_SHAPE = re.compile(r"(?P<a>[0-9a-f]{2})/(?P<b>[0-9a-f]{2})/(?P=a)(?P=b)[0-9a-f]{28}(?:-small)?\.(?P<ext>[a-z0-9]{3,4})")
_MP4_BRANDS = (b"iso", b"mp4", b"avc1", b"M4V", b"dash", b"3gp", b"3g2", b"MSNV", b"f4v")


@dataclass(frozen=True)
class Received:
    """An upload copied to a temporary file, with its sniffed type."""

    path: Path
    content_type: str
    size: int

    @property
    def kind(self) -> str:
        return self.content_type.partition("/")[0]


def sniff(head: bytes) -> str | None:
    """The content type the first bytes show, if it is one we accept; None otherwise."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF":
        return {b"WEBP": "image/webp", b"WAVE": "audio/wav"}.get(head[8:12])
    if head[4:8] == b"ftyp":
        brands = head[8:12] + head[16:32]
        if b"avif" in brands or b"avis" in brands:
            return "image/avif" if AVIF else None
        if head[8:12] == b"qt  ":
            return "video/quicktime"
        if head[8:12] in (b"M4A ", b"M4B "):
            return "audio/mp4"
        return "video/mp4" if head[8:12].startswith(_MP4_BRANDS) else None
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm" if b"webm" in head[:64] else None
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    # MP3: an ID3 tag, or an MPEG-1/2 layer III frame sync.
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 == 0xE2 and head[1] & 0x18 != 0x08):
        return "audio/mpeg"
    return None


def byte_limit(content_type: str, media: MediaConfig) -> int:
    return media.max_image_bytes if content_type.startswith("image/") else media.max_video_bytes


def too_large_message(limit: int) -> str:
    return f"Validation failed: File file size must be less than {limit / 1024 / 1024:.4g} MB"


def receive(root: Path, source: BinaryIO, media: MediaConfig, *, images_only: bool = False) -> Received:
    """Copy an upload to a temporary file, refusing unknown types and oversized files early, and
    (503) an upload the disk has no room left for."""
    head = source.read(64)
    content_type = sniff(head)
    if content_type is None or (images_only and not content_type.startswith("image/")):
        raise Unprocessable(FILE_TYPE_ERROR)
    limit = byte_limit(content_type, media)
    declared = _remaining(source) + len(head)
    if declared > limit:
        raise Unprocessable(too_large_message(limit))
    with storage_errors():
        # The upload, its re-encoding and a preview: room for twice the upload, and the reserve.
        ensure_room(root, 2 * declared)
        path = temporary_path(root, "upload")
        try:
            size = _copy(head, source, path, limit)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return Received(path, content_type, size)


def _remaining(source: BinaryIO) -> int:
    """Bytes left in a seekable upload (the form parser's spooled file); 0 when it cannot tell."""
    try:
        here = source.tell()
        end = source.seek(0, os.SEEK_END)
        source.seek(here)
    except (AttributeError, OSError, ValueError):
        return 0
    return end - here


def _copy(head: bytes, source: BinaryIO, path: Path, limit: int) -> int:
    size = 0
    with path.open("xb") as target:
        chunk = head
        while chunk:
            size += len(chunk)
            if size > limit:
                raise Unprocessable(too_large_message(limit))
            target.write(chunk)
            chunk = source.read(CHUNK)
        target.flush()
        os.fsync(target.fileno())
    return size


def new_key(content_type: str) -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token[2:4]}/{token}.{EXTENSIONS[content_type]}"


def preview_key(key: str, content_type: str) -> str:
    return f"{key.rpartition('.')[0]}-small.{EXTENSIONS[content_type]}"


def content_type_of(key: str) -> str | None:
    """The type to serve a stored key with, if `key` has exactly the shape we mint; else None."""
    match = KEY_SHAPE.fullmatch(key)
    return CONTENT_TYPES.get(match["ext"]) if match else None


def temporary_path(root: Path, suffix: str) -> Path:
    folder = root / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{secrets.token_hex(16)}.{suffix}"
