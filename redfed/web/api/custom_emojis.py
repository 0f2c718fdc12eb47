"""Custom emoji (layer 6): /api/v1/custom_emojis, the instance's own, for apps' pickers; and
/api/v1/redfed/admin/custom_emojis, for admins to add, file and remove them."""

import io

from quart import Blueprint, request

from ...errors import NotFound, Unprocessable
from ...services.emoji import emojis
from ..context import runtime
from .auth import caller, moderator, scope
from .entities import custom_emoji
from .params import Params

blueprint = Blueprint("api_custom_emojis", __name__)


@blueprint.get("/api/v1/custom_emojis")
async def index():
    # As Mastodon lists them: the ones an admin hid from pickers still work in posts, unlisted.
    return [custom_emoji(e) for e in await emojis.list_local(runtime().db) if e.visible_in_picker]


# A redfed extension (Mastodon's admin API has no emoji routes): admins manage the instance's
# emoji as on /admin/emoji. The image is a multipart file of at most 256 KB.
@blueprint.post("/api/v1/redfed/admin/custom_emojis")
@scope("admin:write")
async def add():
    moderator()
    params, files = await Params.read(), await request.files
    upload = files.get("image")
    if upload is None:
        raise Unprocessable("image is missing")
    data = io.BytesIO(upload.read(emojis.MAX_IMAGE_BYTES + 1))
    added = await emojis.add(runtime().services, caller().actor, params.text("shortcode", "", max_length=70).strip(":"),
                             data, params.text("category", "", max_length=100).strip() or None)
    return custom_emoji(added)


@blueprint.patch("/api/v1/redfed/admin/custom_emojis/<shortcode>")
@scope("admin:write")
async def change(shortcode: str):
    moderator()
    params = await Params.read()
    current = next((e for e in await emojis.list_local(runtime().db) if e.shortcode == shortcode), None)
    if current is None:
        raise NotFound(f"No emoji :{shortcode}:")
    category = params.text("category", max_length=100) if params.has("category") else current.category
    visible = params.flag("visible_in_picker") if params.has("visible_in_picker") else current.visible_in_picker
    await emojis.change(runtime().services, shortcode, (category or "").strip() or None, bool(visible))
    return custom_emoji(next(e for e in await emojis.list_local(runtime().db) if e.shortcode == shortcode))


@blueprint.delete("/api/v1/redfed/admin/custom_emojis/<shortcode>")
@scope("admin:write")
async def remove(shortcode: str):
    moderator()
    await emojis.remove(runtime().services, shortcode)
    return {}
