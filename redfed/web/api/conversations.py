"""Direct conversations (layer 6): /api/v1/conversations."""

from quart import Blueprint

from ...services import views
from ...services.social import conversations
from ...store import views as view_store
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, scope
from .pagination import link_header, read_page

blueprint = Blueprint("api_conversations", __name__)


async def _render(found: list[conversations.Conversation]) -> list[dict]:
    rt, me = runtime(), caller().actor
    statuses = await views.status_views(rt.db, [c.last for c in found], me)
    actors = await view_store.actors_by_ids(rt.db.reader, {i for c in found for i in c.participant_ids})
    accounts = {v.actor.id: entities.account(v, rt.urls) for v in await views.account_views(rt.db, list(actors.values()))}
    return [
        {
            "id": str(c.root_id),
            "unread": c.unread,
            "accounts": [accounts[i] for i in c.participant_ids if i in accounts],
            "last_status": entities.status(view, rt.urls),
        }
        for c, view in zip(found, statuses)
    ]


@blueprint.get("/api/v1/conversations")
@scope("read:statuses")
async def index():
    page = read_page(20, 40)
    found = await conversations.conversations(runtime().services, caller().actor, page.limit, page.max_id)
    return await _render(found), 200, link_header([c.last.id for c in found])


@blueprint.post("/api/v1/conversations/<conversation_id>/<any(read, unread):mark>")
@scope("write:conversations")
async def read(conversation_id: str, mark: str):
    change = conversations.mark_read if mark == "read" else conversations.mark_unread
    conversation = await change(runtime().services, caller().actor, record_id(conversation_id))
    return (await _render([conversation]))[0]


@blueprint.delete("/api/v1/conversations/<conversation_id>")
@scope("write:conversations")
async def remove(conversation_id: str):
    await conversations.remove(runtime().services, caller().actor, record_id(conversation_id))
    return {}
