"""Hashtags (layer 6): /api/v1/tags/:name with follow, unfollow, feature and unfeature, and
/api/v1/followed_tags."""

from quart import Blueprint

from ...services.discovery import tags
from ..context import runtime
from . import entities
from .auth import caller, optional_token, scope, viewer
from .params import Params

blueprint = Blueprint("api_tags", __name__)

MAX_FOLLOWED = 200


def _tag(view: tags.TagView) -> dict:
    return entities.tag(view, runtime().urls)


@blueprint.get("/api/v1/tags/<name>")
@optional_token
async def show(name: str):
    return _tag(await tags.one(runtime().services, viewer(), name))


@blueprint.post("/api/v1/tags/<name>/follow")
@scope("write:follows")
async def follow(name: str):
    return _tag(await tags.follow(runtime().services, caller().actor, name))


@blueprint.post("/api/v1/tags/<name>/unfollow")
@scope("write:follows")
async def unfollow(name: str):
    return _tag(await tags.unfollow(runtime().services, caller().actor, name))


@blueprint.post("/api/v1/tags/<name>/feature")
@scope("write:accounts")
async def feature(name: str):
    return _tag(await tags.feature(runtime().services, caller().actor, name))


@blueprint.post("/api/v1/tags/<name>/unfeature")
@scope("write:accounts")
async def unfeature(name: str):
    return _tag(await tags.unfeature(runtime().services, caller().actor, name))


@blueprint.get("/api/v1/followed_tags")
@scope("read:follows")
async def followed():
    limit = Params.query().integer("limit", 100, low=1, high=MAX_FOLLOWED)
    return [_tag(view) for view in await tags.followed(runtime().services, caller().actor, limit)]
