"""Several records in one request (layer 6): GET /api/v1/statuses?id[]=… and
GET /api/v1/accounts?id[]=…, which apps use to refresh what they hold (Mastodon 4.3)."""

from quart import Blueprint

from ...services import views
from ...services.social import relationships, statuses
from ..context import runtime
from . import entities
from .auth import optional_token, viewer
from .params import Params

blueprint = Blueprint("api_multiple", __name__)

# Mastodon's limits: StatusesController and AccountsController refuse more ids than these.
MAX_STATUSES = 20
MAX_ACCOUNTS = 40


def _ids(limit: int) -> list[int]:
    """The ids asked for; ones that cannot be ids name nothing, as on Mastodon."""
    return [int(item) for item in Params.query().strings("id", max_items=limit) if item.isdigit() and len(item) < 19]


@blueprint.get("/api/v1/statuses")
@optional_token
async def several_statuses():
    rt = runtime()
    posts = await statuses.visible_posts(rt.services, _ids(MAX_STATUSES), viewer())
    return [entities.status(view, rt.urls) for view in await views.status_views(rt.db, posts, viewer())]


@blueprint.get("/api/v1/accounts")
@optional_token
async def several_accounts():
    rt = runtime()
    actors = await relationships.accounts(rt.services, _ids(MAX_ACCOUNTS))
    return [entities.account(view, rt.urls) for view in await views.account_views(rt.db, actors)]
