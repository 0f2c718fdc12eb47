"""Follow suggestions (layer 6): /api/v2/suggestions with the reasons for each, /api/v1/suggestions
(accounts only, for older apps) and dismissing one."""

from quart import Blueprint

from ...services import views
from ...services.discovery import suggestions
from ...services.social import relationships
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, scope
from .params import Params

blueprint = Blueprint("api_suggestions", __name__)


async def _offered() -> tuple[list[suggestions.Suggestion], list[dict]]:
    rt = runtime()
    limit = Params.query().integer("limit", 40, low=1, high=suggestions.MAX_SUGGESTIONS)
    offered = await suggestions.for_viewer(rt.services, caller().actor, limit)
    accounts = await views.account_views(rt.db, [s.account for s in offered])
    return offered, [entities.account(view, rt.urls) for view in accounts]


@blueprint.get("/api/v2/suggestions")
@scope("read:accounts")
async def with_sources():
    offered, accounts = await _offered()
    return [
        {"source": s.source, "sources": list(s.sources), "account": account}
        for s, account in zip(offered, accounts, strict=True)
    ]


@blueprint.get("/api/v1/suggestions")
@scope("read:accounts")
async def accounts_only():
    return (await _offered())[1]


@blueprint.delete("/api/v1/suggestions/<account_id>")
@scope("write:accounts")
async def dismiss(account_id: str):
    ctx = runtime().services
    await suggestions.dismiss(ctx, caller().actor, await relationships.account(ctx, record_id(account_id)))
    return {}
