"""Custom emoji (layer 6): /api/v1/custom_emojis, the instance's own, for apps' pickers."""

from quart import Blueprint

from ...services.emoji import emojis
from ..context import runtime
from .entities import custom_emoji

blueprint = Blueprint("api_custom_emojis", __name__)


@blueprint.get("/api/v1/custom_emojis")
async def index():
    # As Mastodon lists them: the ones an admin hid from pickers still work in posts, unlisted.
    return [custom_emoji(e) for e in await emojis.list_local(runtime().db) if e.visible_in_picker]
