"""Hashtags (layer 6): /api/v1/tags/:name with follow and unfollow, and /api/v1/followed_tags."""

from quart import Blueprint

from ...services.discovery import discover
from ..context import runtime
from . import entities
from .auth import caller, optional_token, scope, viewer
from .params import Params

blueprint = Blueprint("api_tags", __name__)

MAX_FOLLOWED = 200


def _tag(name: str, following: bool) -> dict:
    return entities.tag(name, runtime().urls) | {"following": following}


@blueprint.get("/api/v1/tags/<name>")
@optional_token
async def show(name: str):
    return _tag(*await discover.is_following_tag(runtime().services, viewer(), name))


@blueprint.post("/api/v1/tags/<name>/follow")
@scope("write:follows")
async def follow(name: str):
    return _tag(await discover.follow_tag(runtime().services, caller().actor, name), True)


@blueprint.post("/api/v1/tags/<name>/unfollow")
@scope("write:follows")
async def unfollow(name: str):
    return _tag(await discover.unfollow_tag(runtime().services, caller().actor, name), False)


@blueprint.get("/api/v1/followed_tags")
@scope("read:follows")
async def followed():
    limit = Params.query().integer("limit", 100, low=1, high=MAX_FOLLOWED)
    return [_tag(name, True) for name in await discover.followed_tags(runtime().services, caller().actor, limit)]
