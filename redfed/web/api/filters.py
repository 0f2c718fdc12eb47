"""Filters v2 (layer 6): /api/v2/filters, their keywords and their statuses."""

from quart import Blueprint

from ...errors import NotFound, Unprocessable
from ...services import filters
from ...services.filters import KeywordChange
from ..context import runtime
from .auth import caller, scope
from .params import Params

blueprint = Blueprint("api_filters", __name__)
_MAX_ID = 2**63 - 1  # SQLite's largest integer

_ATTRIBUTES = "keywords_attributes"


def _id(value) -> int:
    """An id from the path or the body; anything else names a record that does not exist."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > _MAX_ID:
        raise NotFound("Record not found")
    return int(text)


def _now() -> int:
    return runtime().services.now_ms()


def _context(params: Params) -> list[str] | None:
    return params.strings("context") if params.get("context") is not None else None


def _expires_in(params: Params):
    """Seconds until the filter expires; blank means never; absent (on update) means unchanged."""
    if "expires_in" not in params.values:
        return filters.KEEP
    value = params.values["expires_in"]
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not (str(value).strip().isascii() and str(value).strip().isdigit()) or len(str(value)) > 12:
        raise Unprocessable("Validation failed: Expires in must be a whole number of seconds")
    return int(str(value).strip())


def _keyword_changes(params: Params) -> list[KeywordChange]:
    """keywords_attributes as JSON (a list, or an object keyed by index) or as Rails form keys
    (keywords_attributes[0][keyword]=… or keywords_attributes[][keyword]=…)."""
    value = params.get(_ATTRIBUTES)
    if isinstance(value, dict):
        value = [value[k] for k in sorted(value, key=str)]
    if value is None:
        entries: dict[str, dict] = {}
        for key, item in params.values.items():
            if key.startswith(f"{_ATTRIBUTES}[") and key.endswith("]"):
                index, _, field = key[len(_ATTRIBUTES) + 1:-1].partition("][")
                items = item if isinstance(item, list) else [item]
                for position, one in enumerate(items):
                    entries.setdefault(index or f"#{position}", {})[field] = one
        value = [entries[k] for k in sorted(entries)]
    if not isinstance(value, list):
        raise Unprocessable(f"Validation failed: {_ATTRIBUTES} must be a list")
    if len(value) > filters.MAX_KEYWORDS * 2:
        raise Unprocessable(f"Validation failed: {_ATTRIBUTES} has too many items")
    return [_keyword_change(Params(entry)) for entry in value if isinstance(entry, dict)]


def _keyword_change(entry: Params) -> KeywordChange:
    given_id = entry.get("id")
    return KeywordChange(
        keyword=entry.text("keyword", max_length=512), whole_word=entry.flag("whole_word"),
        id=_id(given_id) if given_id not in (None, "") else None, destroy=bool(entry.flag("_destroy", False)),
    )


@blueprint.get("/api/v2/filters")
@scope("read:filters")
async def index():
    return [filters.filter_entity(f) for f in await filters.list_filters(runtime().db, caller().actor)]


@blueprint.post("/api/v2/filters")
@scope("write:filters")
async def create():
    params = await Params.read()
    expires_in = _expires_in(params)
    found = await filters.create_filter(
        runtime().db, caller().actor, params.text("title", max_length=256), _context(params) or [],
        params.text("filter_action", max_length=20), None if expires_in is filters.KEEP else expires_in,
        _keyword_changes(params), _now(),
    )
    return filters.filter_entity(found)


@blueprint.get("/api/v2/filters/<filter_id>")
@scope("read:filters")
async def show(filter_id: str):
    return filters.filter_entity(await filters.get_filter(runtime().db, caller().actor, _id(filter_id)))


@blueprint.put("/api/v2/filters/<filter_id>")
@scope("write:filters")
async def update(filter_id: str):
    params = await Params.read()
    found = await filters.update_filter(
        runtime().db, caller().actor, _id(filter_id), title=params.text("title", max_length=256), context=_context(params),
        action=params.text("filter_action", max_length=20), expires_in=_expires_in(params),
        keywords=_keyword_changes(params), now=_now(),
    )
    return filters.filter_entity(found)


@blueprint.delete("/api/v2/filters/<filter_id>")
@scope("write:filters")
async def delete(filter_id: str):
    await filters.delete_filter(runtime().db, caller().actor, _id(filter_id))
    return {}


@blueprint.get("/api/v2/filters/<filter_id>/keywords")
@scope("read:filters")
async def keywords(filter_id: str):
    found = await filters.get_filter(runtime().db, caller().actor, _id(filter_id))
    return [filters.keyword_entity(k) for k in found.keywords]


@blueprint.post("/api/v2/filters/<filter_id>/keywords")
@scope("write:filters")
async def add_keyword(filter_id: str):
    params = await Params.read()
    added = await filters.add_keyword(
        runtime().db, caller().actor, _id(filter_id), params.text("keyword", max_length=512), params.flag("whole_word")
    )
    return filters.keyword_entity(added)


@blueprint.get("/api/v2/filters/keywords/<keyword_id>")
@scope("read:filters")
async def show_keyword(keyword_id: str):
    return filters.keyword_entity(await filters.get_keyword(runtime().db, caller().actor, _id(keyword_id)))


@blueprint.put("/api/v2/filters/keywords/<keyword_id>")
@scope("write:filters")
async def update_keyword(keyword_id: str):
    params = await Params.read()
    edited = await filters.update_keyword(
        runtime().db, caller().actor, _id(keyword_id), params.text("keyword", max_length=512), params.flag("whole_word")
    )
    return filters.keyword_entity(edited)


@blueprint.delete("/api/v2/filters/keywords/<keyword_id>")
@scope("write:filters")
async def delete_keyword(keyword_id: str):
    await filters.delete_keyword(runtime().db, caller().actor, _id(keyword_id))
    return {}


@blueprint.get("/api/v2/filters/<filter_id>/statuses")
@scope("read:filters")
async def statuses(filter_id: str):
    found = await filters.get_filter(runtime().db, caller().actor, _id(filter_id))
    return [filters.status_entity(s) for s in found.statuses]


@blueprint.post("/api/v2/filters/<filter_id>/statuses")
@scope("write:filters")
async def add_status(filter_id: str):
    params = await Params.read()
    status_id = params.text("status_id", max_length=40)
    if not status_id:
        raise Unprocessable("Validation failed: Status can't be blank")
    added = await filters.add_status(runtime().db, caller().actor, _id(filter_id), _id(status_id))
    return filters.status_entity(added)


@blueprint.get("/api/v2/filters/statuses/<status_filter_id>")
@scope("read:filters")
async def show_status(status_filter_id: str):
    return filters.status_entity(await filters.get_status(runtime().db, caller().actor, _id(status_filter_id)))


@blueprint.delete("/api/v2/filters/statuses/<status_filter_id>")
@scope("write:filters")
async def delete_status(status_filter_id: str):
    await filters.delete_status(runtime().db, caller().actor, _id(status_filter_id))
    return {}
