"""Media uploads (layer 6): /api/v1/media, /api/v2/media and /api/v1/media/:id, as Mastodon.

Every route needs `write:media` (Mastodon asks for it even to read an upload back). Uploads are
processed by services.media.media; v2 answers 202 for what it processes in the background, and
GET /api/v1/media/:id answers 206 until that is done.
"""

import re

from quart import Blueprint, current_app, request

from ...errors import NotFound, Unprocessable
from ...services.media import media
from ..context import runtime
from . import entities
from .auth import caller, scope
from .params import Params

blueprint = Blueprint("api_media", __name__)

UPLOAD_PATH = re.compile(r"/api/v[12]/media(?:/[0-9]+)?|/api/v1/accounts/update_credentials")
FORM_OVERHEAD = 64 * 1024


def upload_limit(config) -> int:
    """The largest request body an upload route reads: a file, a thumbnail and the form around them."""
    limits = config.media
    return max(limits.max_image_bytes, limits.max_video_bytes) + limits.max_image_bytes + FORM_OVERHEAD


@blueprint.record_once
def _accept_uploads(state) -> None:
    """Quart fixes a request's body limit when it makes the request object, before any view runs,
    so setting `request.max_content_length` in a view cannot raise it (pallets/quart#425). The
    request class therefore gives upload routes their own limit; every other route keeps the
    app-wide one."""
    app = state.app
    base = app.request_class

    class UploadRequest(base):
        def __init__(self, method, scheme, path, *args, max_content_length=None, **kwargs):
            if method in ("POST", "PUT", "PATCH") and UPLOAD_PATH.fullmatch(path) and "redfed" in app.extensions:
                max_content_length = upload_limit(app.extensions["redfed"].config)
            super().__init__(method, scheme, path, *args, max_content_length=max_content_length, **kwargs)

    app.request_class = UploadRequest


def allow_upload() -> None:
    """Let this request's multipart body be as large as an upload may be: the parser checks the
    whole buffered body against this limit."""
    request.max_content_length = upload_limit(runtime().config)


async def _form() -> tuple[Params, dict]:
    allow_upload()
    media.ensure_room(runtime().services, request.content_length or 0)
    params = await Params.read()
    uploaded = await request.files
    return params, {name: uploaded[name].stream for name in ("file", "thumbnail") if uploaded.get(name)}


def _media_id(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) >= 2**63:
        raise NotFound(media.NOT_FOUND)
    return int(value)


async def _create(background: bool):
    rt = runtime()
    params, streams = await _form()
    if "file" not in streams:
        raise Unprocessable("Validation failed: File can't be blank")
    accepted = await media.upload(
        rt.services, caller().actor, streams["file"], description=params.text("description"),
        focus=params.text("focus"), thumbnail=streams.get("thumbnail"), background=background,
    )
    if accepted.finish is not None:
        current_app.add_background_task(accepted.finish)
    return entities.media_attachment(accepted.media, rt.urls), 202 if accepted.media.state == "processing" else 200


@blueprint.post("/api/v1/media")
@scope("write:media")
async def create_v1():
    return await _create(background=False)


@blueprint.post("/api/v2/media")
@scope("write:media")
async def create_v2():
    return await _create(background=True)


@blueprint.get("/api/v1/media/<media_id>")
@scope("write:media")
async def show(media_id: str):
    rt = runtime()
    found = await media.own_unattached(rt.services, caller().actor, _media_id(media_id))
    return entities.media_attachment(found, rt.urls), 200 if found.state == "ready" else 206


@blueprint.put("/api/v1/media/<media_id>")
@scope("write:media")
async def update(media_id: str):
    rt = runtime()
    params, streams = await _form()
    updated = await media.update(
        rt.services, caller().actor, _media_id(media_id), description=params.text("description"),
        focus=params.text("focus"), thumbnail=streams.get("thumbnail"),
    )
    return entities.media_attachment(updated, rt.urls), 200 if updated.state == "ready" else 206


@blueprint.delete("/api/v1/media/<media_id>")
@scope("write:media")
async def delete(media_id: str):
    rt = runtime()
    await media.delete(rt.services, caller().actor, _media_id(media_id))
    return {}
