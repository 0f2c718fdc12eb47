"""Direct conversations (layer 6): /api/v1/conversations."""

from quart import Blueprint

from ...services import conversations, views
from ...store import views as view_store
from ..context import runtime
from . import entities
from .auth import caller, scope
from .pagination import link_header, read_page

blueprint = Blueprint("api_conversations", __name__)


@blueprint.get("/api/v1/conversations")
@scope("read:statuses")
async def index():
    rt, me = runtime(), caller().actor
    page = read_page(20, 40)
    found = await conversations.conversations(rt.services, me, page.limit, page.max_id)
    statuses = await views.status_views(rt.db, [c.last for c in found], me)
    actors = await view_store.actors_by_ids(rt.db.reader, {i for c in found for i in c.participant_ids})
    accounts = {v.actor.id: entities.account(v, rt.urls) for v in await views.account_views(rt.db, list(actors.values()))}
    rendered = [
        {
            "id": str(c.root_id),
            "unread": c.last.actor_id != me.id,
            "accounts": [accounts[i] for i in c.participant_ids if i in accounts],
            "last_status": entities.status(view, rt.urls),
        }
        for c, view in zip(found, statuses)
    ]
    return rendered, 200, link_header([c.last.id for c in found])
