"""Files (layer 6): static files shipped with redfed (default avatar and header), and uploaded media.

Uploads are served only under keys of exactly the shape the server mints, with the type that key
was stored as, `nosniff`, and a CSP that keeps a hostile file from running anything even when
opened directly (checklist 31, 33). Files on this machine's disk are sent with ranges and
conditional requests; files in a bucket are streamed from it (also when media have a public
address: links handed out before it was set keep working).
"""

from importlib import resources

from quart import Blueprint, send_from_directory

from ..errors import NotFound
from ..services.media import media_files
from .context import runtime
from .downloads import open_stored, stored_file

blueprint = Blueprint("files", __name__)

STATIC = resources.files("redfed") / "static"


@blueprint.get("/static/<path:name>")
async def static_file(name: str):
    response = await send_from_directory(str(STATIC), name)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@blueprint.get("/media/<path:key>")
async def media_file(key: str):
    content_type = media_files.content_type_of(key)
    opened = await open_stored(runtime().services.files.media, key) if content_type else None
    if opened is None:
        raise NotFound("not found")
    response = await stored_file(opened, content_type)
    # A key names one file forever: a changed upload gets a new key.
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
