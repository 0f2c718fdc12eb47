"""Answers that carry a stored file (layer 6): sent from this machine's disk with ranges and
conditional requests, or streamed from the bucket that keeps it."""

from quart import Response, send_file

from ..objectstore.base import Opened


async def stored_file(opened: Opened, mimetype: str, *, download_name: str | None = None) -> Response:
    """`opened` as an answer; with `download_name`, as an attachment of that name."""
    if opened.path is not None:
        return await send_file(
            opened.path, mimetype=mimetype, conditional=True,
            as_attachment=download_name is not None, attachment_filename=download_name,
        )
    response = Response(opened.chunks, mimetype=mimetype, headers={"Content-Length": str(opened.size)})
    if download_name is not None:
        response.headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return response
