"""Answers that carry a stored file (layer 6): sent from this machine's disk with ranges and
conditional requests, or streamed from the bucket that keeps it, a part of it when a player asks
for one (video and audio seek with single byte ranges; Safari plays nothing without them)."""

import re
from collections.abc import AsyncIterator

from quart import Response, request, send_file

from ..objectstore.base import ObjectStore, Opened

SINGLE_RANGE = re.compile(r"bytes=(?P<first>\d+)-(?P<last>\d*)")


def wanted_part() -> tuple[int, int | None] | None:
    """The one byte range the request asks for; None for none, several, or a suffix range (the
    whole file answers those, as HTTP allows)."""
    asked = SINGLE_RANGE.fullmatch(request.headers.get("Range", "").strip())
    if asked is None or (asked["last"] and int(asked["last"]) < int(asked["first"])):
        return None
    return int(asked["first"]), int(asked["last"]) if asked["last"] else None


async def open_stored(files: ObjectStore, key: str) -> Opened | None:
    """`key` from `files`, only the part the request asks for when it asks for one; for a HEAD,
    only its size (a body opened and never read would hold a connection to the bucket)."""
    if request.method != "HEAD":
        return await files.open(key, wanted_part())
    size = await files.size(key)
    return None if size is None else Opened(size, _nothing(), files.local_path(key))


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield


async def stored_file(opened: Opened, mimetype: str, *, download_name: str | None = None) -> Response:
    """`opened` as an answer; with `download_name`, as an attachment of that name."""
    if opened.path is not None:
        return await send_file(
            opened.path, mimetype=mimetype, conditional=True,
            as_attachment=download_name is not None, attachment_filename=download_name,
        )
    response = Response(opened.chunks, mimetype=mimetype, headers={"Accept-Ranges": "bytes"})
    if opened.part is None:
        response.headers["Content-Length"] = str(opened.size)
    else:
        first, last = opened.part
        response.status_code = 206
        response.headers["Content-Range"] = f"bytes {first}-{last}/{opened.size}"
        response.headers["Content-Length"] = str(last - first + 1)
    if download_name is not None:
        response.headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return response
