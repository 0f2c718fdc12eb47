"""Hypothesis strategies for uploaded files: real images Pillow makes in every format we might
meet, then broken (cut short, bytes overwritten, junk appended), and headers that lie."""

import io
import struct
import zlib

from hypothesis import strategies as st
from PIL import Image

from . import values as v

FORMATS = ["PNG", "GIF", "JPEG", "WEBP", "BMP", "TIFF", "ICO"]
CONTENT_TYPES = ["image/png", "image/gif", "image/jpeg", "image/webp", "image/avif", "image/heic", "video/mp4",
                 "application/octet-stream", "text/html", "image/svg+xml", ""]


def _image(kind: str, width: int, height: int, mode: str, frames: int) -> bytes:
    first = Image.new(mode, (width, height), color=None if mode == "P" else 0)
    out = io.BytesIO()
    if kind == "JPEG" and mode not in ("RGB", "L"):
        first = first.convert("RGB")
    options = {}
    if kind in ("GIF", "WEBP", "PNG") and frames > 1:
        others = [Image.new(first.mode, first.size, color=index % 256) for index in range(1, frames)]
        options = {"save_all": True, "append_images": others, "duration": 10}
    first.save(out, kind, **options)
    return out.getvalue()


def _png_header(width: int, height: int) -> bytes:
    """A PNG that is only its signature and an IHDR claiming the given size."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk


def _gif_header(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HHBBB", width, height, 0xF7, 0, 0)


def _broken(data: bytes, keep: int, writes: list[tuple[int, int]], junk: bytes) -> bytes:
    """`data` cut to `keep` percent of its length, some bytes overwritten, `junk` appended."""
    data = bytearray(data[: len(data) * keep // 100])
    for position, byte in writes:
        if data:
            data[position % len(data)] = byte
    return bytes(data) + junk


def images() -> st.SearchStrategy[bytes]:
    valid = st.builds(_image, st.sampled_from(FORMATS), st.integers(1, 64), st.integers(1, 64),
                      st.sampled_from(["RGB", "RGBA", "L", "P", "1"]), st.integers(1, 6))
    liars = v.mix(
        st.builds(_png_header, st.integers(0, 2**31 - 1), st.integers(0, 2**31 - 1)),
        st.builds(_gif_header, st.integers(0, 65535), st.integers(0, 65535)),
        st.sampled_from([b"", b"GIF89a", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF\x00\x00\x00\x00WEBP",
                         b"<html><script>alert(1)</script></html>", b"<svg xmlns='http://www.w3.org/2000/svg'/>"]),
        st.binary(max_size=600),
    )
    damage = st.tuples(st.integers(0, 100).map(lambda keep: 100 - keep), st.lists(st.tuples(st.integers(0, 4096), st.integers(0, 255)),
                                                      max_size=6), st.binary(max_size=32))
    broken = st.builds(lambda data, how: _broken(data, *how), valid, damage)
    return v.mix(valid, broken, liars)
