"""Filters v1 (layer 6): /api/v1/filters, which older apps still use, mapped onto v2 filters as
Mastodon maps them (Api::V1::FiltersController): each v1 filter is one keyword of a v2 filter,
`irreversible` is the action `hide`, and a v2 filter of several keywords cannot be edited here."""

from quart import Blueprint

from ...errors import Unprocessable
from ...services.social import filters
from ...services.social.filters import KeywordChange
from ...store.social.filters import Filter, FilterKeyword
from ..context import runtime
from ..inputs import record_id
from .auth import caller, scope
from .filters import context_param, expires_in_param, now_ms
from .params import Params

blueprint = Blueprint("api_filters_v1", __name__)


def _entity(f: Filter, keyword: FilterKeyword) -> dict:
    """Mastodon's V1::Filter entity."""
    v2 = filters.filter_entity(f, with_rules=False)
    return {
        "id": str(keyword.id), "phrase": keyword.keyword, "context": v2["context"], "whole_word": keyword.whole_word,
        "expires_at": v2["expires_at"], "irreversible": f.filter_action == "hide",
    }


def _action(params: Params) -> str | None:
    irreversible = params.flag("irreversible")
    return None if irreversible is None else ("hide" if irreversible else "warn")


async def _keyword_and_filter(keyword_id: str) -> tuple[FilterKeyword, Filter]:
    db, viewer = runtime().db, caller().actor
    keyword = await filters.get_keyword(db, viewer, record_id(keyword_id))
    return keyword, await filters.get_filter(db, viewer, keyword.filter_id)


@blueprint.get("/api/v1/filters")
@scope("read:filters")
async def index():
    found = await filters.list_filters(runtime().db, caller().actor)
    return [_entity(f, k) for f in found for k in f.keywords]


@blueprint.post("/api/v1/filters")
@scope("write:filters")
async def create():
    params = await Params.read()
    phrase = params.text("phrase", max_length=512)
    expires_in = expires_in_param(params)
    created = await filters.create_filter(
        runtime().db, caller().actor, phrase, context_param(params) or [], _action(params) or "warn",
        None if expires_in is filters.KEEP else expires_in,
        [KeywordChange(phrase, params.flag("whole_word", True))], now_ms(),
    )
    return _entity(created, created.keywords[0])


@blueprint.get("/api/v1/filters/<keyword_id>")
@scope("read:filters")
async def show(keyword_id: str):
    keyword, found = await _keyword_and_filter(keyword_id)
    return _entity(found, keyword)


@blueprint.put("/api/v1/filters/<keyword_id>")
@scope("write:filters")
async def update(keyword_id: str):
    params = await Params.read()
    keyword, found = await _keyword_and_filter(keyword_id)
    if len(found.keywords) > 1:
        raise Unprocessable("You can't update this filter with this API because it has several keywords; use /api/v2/filters")
    phrase = params.text("phrase", max_length=512)
    change = KeywordChange(phrase, params.flag("whole_word"), id=keyword.id)
    updated = await filters.update_filter(
        runtime().db, caller().actor, found.id, title=phrase, context=context_param(params), action=_action(params),
        expires_in=expires_in_param(params), keywords=[change], now=now_ms(),
    )
    return _entity(updated, updated.keywords[0])


@blueprint.delete("/api/v1/filters/<keyword_id>")
@scope("write:filters")
async def delete(keyword_id: str):
    keyword, found = await _keyword_and_filter(keyword_id)
    if len(found.keywords) == 1 and not found.statuses:
        # A v1 filter is its keyword: nothing would be left of the v2 filter but its title.
        await filters.delete_filter(runtime().db, caller().actor, found.id)
    else:
        await filters.delete_keyword(runtime().db, caller().actor, keyword.id)
    return {}
