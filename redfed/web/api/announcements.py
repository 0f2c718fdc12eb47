"""Announcements (layer 6): /api/v1/announcements, dismissing them and reacting to them."""

from quart import Blueprint

from ...services.announcements import announcements
from ...services.announcements.announcements import AnnouncementView
from ..context import runtime
from .auth import caller, scope
from .entities import iso
from .params import Params

blueprint = Blueprint("api_announcements", __name__)


def _entity(view: AnnouncementView) -> dict:
    """Mastodon's Announcement entity."""
    a = view.announcement
    return {
        "id": str(a.id), "content": a.content, "starts_at": iso(a.starts_at), "ends_at": iso(a.ends_at),
        "all_day": a.all_day, "published_at": iso(a.published_at), "updated_at": iso(a.updated_at),
        "read": view.read, "mentions": [], "statuses": [], "tags": [], "emojis": [],
        "reactions": [_reaction(r, view) for r in view.reactions],
    }


def _reaction(reaction, view: AnnouncementView) -> dict:
    entity = {"name": reaction.name, "count": reaction.count, "me": reaction.me}
    if emoji := view.custom.get(reaction.name):
        entity.update(url=emoji.image_url, static_url=emoji.image_url)
    return entity


@blueprint.get("/api/v1/announcements")
@scope("read")
async def index():
    params = Params.query()
    rt = runtime()
    views = await announcements.shown_to(
        rt.db, caller().actor, rt.services.now_ms(), with_dismissed=bool(params.flag("with_dismissed", False))
    )
    return [_entity(v) for v in views]


@blueprint.post("/api/v1/announcements/<int:announcement_id>/dismiss")
@scope("write:accounts")
async def dismiss(announcement_id: int):
    await announcements.dismiss(runtime().db, caller().actor, announcement_id, runtime().services.now_ms())
    return {}


@blueprint.put("/api/v1/announcements/<int:announcement_id>/reactions/<name>")
@scope("write:favourites")
async def react(announcement_id: int, name: str):
    await announcements.react(runtime().db, caller().actor, announcement_id, name, runtime().services.now_ms())
    return {}


@blueprint.delete("/api/v1/announcements/<int:announcement_id>/reactions/<name>")
@scope("write:favourites")
async def unreact(announcement_id: int, name: str):
    await announcements.unreact(runtime().db, caller().actor, announcement_id, name, runtime().services.now_ms())
    return {}
