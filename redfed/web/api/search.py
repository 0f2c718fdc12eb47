"""Search (layer 6): GET /api/v2/search and GET /api/v1/accounts/search."""

from quart import Blueprint

from ...errors import BadRequest, Forbidden
from ...services.discovery import search
from ..context import runtime
from . import entities
from .auth import OUTSIDE_SCOPES, caller, optional_token, scope, viewer
from .params import Params

blueprint = Blueprint("api_search", __name__)

MAX_QUERY_LENGTH = 1_000


async def _query(params: Params, *, default_limit: int, max_limit: int) -> search.SearchQuery:
    text = params.text("q", "", max_length=MAX_QUERY_LENGTH)
    if not text.strip():
        # Rails' ParameterMissing, as Mastodon answers a missing or blank q.
        raise BadRequest("param is missing or the value is empty: q")
    kind = params.text("type")
    return search.SearchQuery(
        text=text,
        kinds=frozenset({kind}) if kind else search.KINDS,
        resolve=bool(params.flag("resolve", False)),
        following=bool(params.flag("following", False)),
        account_id=params.integer("account_id", low=0),
        max_id=params.integer("max_id", low=0),
        min_id=params.integer("min_id", low=0),
        limit=params.integer("limit", default_limit, low=1, high=max_limit),
        offset=params.integer("offset", 0, low=0, high=10_000),
    )


@blueprint.get("/api/v2/search")
@optional_token
async def search_v2():
    # Anonymous callers are welcome (accounts and hashtags); a token must still cover the scope.
    found = caller()
    if found is not None and not found.allows("read:search"):
        raise Forbidden(OUTSIDE_SCOPES)
    query = await _query(await Params.read(), default_limit=20, max_limit=40)
    rt = runtime()
    results = await search.search(rt.services, viewer(), query)
    return {
        "accounts": [entities.account(view, rt.urls) for view in results.accounts],
        "statuses": [entities.status(view, rt.urls) for view in results.statuses],
        "hashtags": [entities.tag(view, rt.urls) for view in results.hashtags],
    }


@blueprint.get("/api/v1/accounts/search")
@scope("read:accounts")
async def search_accounts():
    query = await _query(await Params.read(), default_limit=40, max_limit=80)
    rt = runtime()
    views = await search.search_accounts(rt.services, caller().actor, query)
    return [entities.account(view, rt.urls) for view in views]
