"""Filters v2 (layer 6): /api/v2/filters, their keywords and their statuses."""

from quart import Blueprint

from ...errors import Unprocessable
from ...services.social import filters
from ...services.social.filters import KeywordChange
from ..context import runtime
from ..inputs import record_id
from .auth import caller, scope
from .params import Params

blueprint = Blueprint("api_filters", __name__)

_ATTRIBUTES = "keywords_attributes"


def now_ms() -> int:
    return runtime().services.now_ms()


def context_param(params: Params) -> list[str] | None:
    return params.strings("context") if params.has("context") else None


def expires_in_param(params: Params):
    """Seconds until the filter expires; blank means never; absent (on update) means unchanged."""
    if not params.has("expires_in"):
        return filters.KEEP
    text = (params.text("expires_in", max_length=20) or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise Unprocessable("Validation failed: Expires in must be a whole number of seconds")
    return int(text)


def _keyword_changes(params: Params) -> list[KeywordChange]:
    """keywords_attributes as JSON (a list, or an object keyed by index) or as Rails form keys
    (keywords_attributes[0][keyword]=… or keywords_attributes[][keyword]=…)."""
    entries = params.objects(_ATTRIBUTES, max_items=filters.MAX_KEYWORDS * 2)
    return [_keyword_change(entry) for entry in entries or []]


def _keyword_change(entry: Params) -> KeywordChange:
    return KeywordChange(
        keyword=entry.text("keyword", max_length=512), whole_word=entry.flag("whole_word"),
        id=entry.record("id"), destroy=bool(entry.flag("_destroy", False)),
    )


@blueprint.get("/api/v2/filters")
@scope("read:filters")
async def index():
    return [filters.filter_entity(f) for f in await filters.list_filters(runtime().db, caller().actor)]


@blueprint.post("/api/v2/filters")
@scope("write:filters")
async def create():
    params = await Params.read()
    expires_in = expires_in_param(params)
    found = await filters.create_filter(
        runtime().db, caller().actor, params.text("title", max_length=256), context_param(params) or [],
        params.text("filter_action", max_length=20), None if expires_in is filters.KEEP else expires_in,
        _keyword_changes(params), now_ms(),
    )
    return filters.filter_entity(found)


@blueprint.get("/api/v2/filters/<filter_id>")
@scope("read:filters")
async def show(filter_id: str):
    return filters.filter_entity(await filters.get_filter(runtime().db, caller().actor, record_id(filter_id)))


@blueprint.put("/api/v2/filters/<filter_id>")
@scope("write:filters")
async def update(filter_id: str):
    params = await Params.read()
    found = await filters.update_filter(
        runtime().db, caller().actor, record_id(filter_id), title=params.text("title", max_length=256), context=context_param(params),
        action=params.text("filter_action", max_length=20), expires_in=expires_in_param(params),
        keywords=_keyword_changes(params), now=now_ms(),
    )
    return filters.filter_entity(found)


@blueprint.delete("/api/v2/filters/<filter_id>")
@scope("write:filters")
async def delete(filter_id: str):
    await filters.delete_filter(runtime().db, caller().actor, record_id(filter_id))
    return {}


@blueprint.get("/api/v2/filters/<filter_id>/keywords")
@scope("read:filters")
async def keywords(filter_id: str):
    found = await filters.get_filter(runtime().db, caller().actor, record_id(filter_id))
    return [filters.keyword_entity(k) for k in found.keywords]


@blueprint.post("/api/v2/filters/<filter_id>/keywords")
@scope("write:filters")
async def add_keyword(filter_id: str):
    params = await Params.read()
    added = await filters.add_keyword(
        runtime().db, caller().actor, record_id(filter_id), params.text("keyword", max_length=512), params.flag("whole_word")
    )
    return filters.keyword_entity(added)


@blueprint.get("/api/v2/filters/keywords/<keyword_id>")
@scope("read:filters")
async def show_keyword(keyword_id: str):
    return filters.keyword_entity(await filters.get_keyword(runtime().db, caller().actor, record_id(keyword_id)))


@blueprint.put("/api/v2/filters/keywords/<keyword_id>")
@scope("write:filters")
async def update_keyword(keyword_id: str):
    params = await Params.read()
    edited = await filters.update_keyword(
        runtime().db, caller().actor, record_id(keyword_id), params.text("keyword", max_length=512), params.flag("whole_word")
    )
    return filters.keyword_entity(edited)


@blueprint.delete("/api/v2/filters/keywords/<keyword_id>")
@scope("write:filters")
async def delete_keyword(keyword_id: str):
    await filters.delete_keyword(runtime().db, caller().actor, record_id(keyword_id))
    return {}


@blueprint.get("/api/v2/filters/<filter_id>/statuses")
@scope("read:filters")
async def statuses(filter_id: str):
    found = await filters.get_filter(runtime().db, caller().actor, record_id(filter_id))
    return [filters.status_entity(s) for s in found.statuses]


@blueprint.post("/api/v2/filters/<filter_id>/statuses")
@scope("write:filters")
async def add_status(filter_id: str):
    params = await Params.read()
    status_id = params.text("status_id", max_length=40)
    if not status_id:
        raise Unprocessable("Validation failed: Status can't be blank")
    added = await filters.add_status(runtime().db, caller().actor, record_id(filter_id), record_id(status_id))
    return filters.status_entity(added)


@blueprint.get("/api/v2/filters/statuses/<status_filter_id>")
@scope("read:filters")
async def show_status(status_filter_id: str):
    return filters.status_entity(await filters.get_status(runtime().db, caller().actor, record_id(status_filter_id)))


@blueprint.delete("/api/v2/filters/statuses/<status_filter_id>")
@scope("write:filters")
async def delete_status(status_filter_id: str):
    await filters.delete_status(runtime().db, caller().actor, record_id(status_filter_id))
    return {}
