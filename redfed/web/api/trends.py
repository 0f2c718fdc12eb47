"""Trends (layer 6): /api/v1/trends/tags, /statuses and /links for everyone, and the admin's
/api/v1/admin/trends/tags with approve and reject (admins only, admin:read / admin:write)."""

from quart import Blueprint

from ...services.discovery import trends
from ..context import runtime
from . import entities
from .auth import caller, moderator, optional_token, scope, viewer
from .params import Params

blueprint = Blueprint("api_trends", __name__)


def _window(default: int, maximum: int) -> tuple[int, int]:
    params = Params.query()
    return params.integer("offset", 0, low=0, high=10_000), params.integer("limit", default, low=1, high=maximum)


@blueprint.get("/api/v1/trends/tags")
@blueprint.get("/api/v1/trends")
@optional_token
async def tags():
    rt = runtime()
    found = await trends.trending_tags(rt.services, viewer(), *_window(10, 20))
    return [entities.tag(view, rt.urls) for view in found]


@blueprint.get("/api/v1/trends/statuses")
@optional_token
async def statuses():
    rt = runtime()
    found = await trends.trending_posts(rt.services, viewer(), *_window(20, 40))
    return [entities.status(view, rt.urls) for view in found]


@blueprint.get("/api/v1/trends/links")
@optional_token
async def links():
    return []  # until posts have link preview cards (issue 14)


def _admin():
    """The calling admin's actor (anyone else is refused)."""
    moderator()
    return caller().actor


def _admin_tag(candidate: trends.TagCandidate) -> dict:
    """Admin::Tag: a Tag with the admin's decision; its id is its name (redfed's tags have no other)."""
    return entities.tag(candidate.tag, runtime().urls) | {
        "id": candidate.tag.name,
        "trendable": candidate.state == "approved",
        "usable": True,
        "requires_review": candidate.state is None,
        "listable": candidate.state != "rejected",
    }


@blueprint.get("/api/v1/admin/trends/tags")
@scope("admin:read")
async def admin_tags():
    limit = Params.query().integer("limit", 10, low=1, high=20)
    return [_admin_tag(found) for found in await trends.tag_candidates(runtime().services, _admin(), limit)]


@blueprint.post("/api/v1/admin/trends/tags/<name>/approve")
@scope("admin:write")
async def approve(name: str):
    return _admin_tag(await trends.review_tag(runtime().services, _admin(), name, approve=True))


@blueprint.post("/api/v1/admin/trends/tags/<name>/reject")
@scope("admin:write")
async def reject(name: str):
    return _admin_tag(await trends.review_tag(runtime().services, _admin(), name, approve=False))
