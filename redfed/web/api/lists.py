"""Lists (layer 6): /api/v1/lists, their members, an account's lists and the list timeline."""

from quart import Blueprint

from ...services.social import lists
from ...store.id_pages import Cursor
from ...store.social.lists import UserList
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, scope
from .pagination import link_header, read_page
from .params import Params

blueprint = Blueprint("api_lists", __name__)


def user_list(found: UserList) -> dict:
    return {"id": str(found.id), "title": found.title, "replies_policy": found.replies_policy, "exclusive": found.exclusive}


@blueprint.get("/api/v1/lists")
@scope("read:lists")
async def index():
    return [user_list(found) for found in await lists.lists_of(runtime().db, caller().actor)]


@blueprint.post("/api/v1/lists")
@scope("write:lists")
async def create():
    params = await Params.read()
    found = await lists.create_list(
        runtime().db, caller().actor, params.text("title", max_length=1000), params.text("replies_policy", max_length=20),
        params.flag("exclusive"), runtime().services.now_ms(),
    )
    return user_list(found)


@blueprint.get("/api/v1/lists/<list_id>")
@scope("read:lists")
async def show(list_id: str):
    return user_list(await lists.get_list(runtime().db, caller().actor, record_id(list_id)))


@blueprint.put("/api/v1/lists/<list_id>")
@scope("write:lists")
async def update(list_id: str):
    params = await Params.read()
    found = await lists.update_list(
        runtime().db, caller().actor, record_id(list_id), params.text("title", max_length=1000),
        params.text("replies_policy", max_length=20), params.flag("exclusive"),
    )
    return user_list(found)


@blueprint.delete("/api/v1/lists/<list_id>")
@scope("write:lists")
async def delete(list_id: str):
    await lists.delete_list(runtime().db, caller().actor, record_id(list_id))
    return {}


@blueprint.get("/api/v1/lists/<list_id>/accounts")
@scope("read:lists")
async def members(list_id: str):
    page = read_page(default=40, maximum=80)
    limit = None if Params.query().get("limit") == "0" else page.limit  # 0: every member, unpaginated
    cursor = Cursor(page.max_id, page.since_id, page.min_id)
    found = await lists.members(runtime().db, caller().actor, record_id(list_id), cursor, limit)
    headers = link_header([v.actor.id for v in found]) if limit is not None else {}
    return [entities.account(v, runtime().urls) for v in found], 200, headers


@blueprint.post("/api/v1/lists/<list_id>/accounts")
@scope("write:lists")
async def add_members(list_id: str):
    params = await Params.read()
    account_ids = params.records("account_ids", max_items=1000)
    await lists.add_members(runtime().db, caller().actor, record_id(list_id), account_ids)
    return {}


@blueprint.delete("/api/v1/lists/<list_id>/accounts")
@scope("write:lists")
async def remove_members(list_id: str):
    params = await Params.read()
    account_ids = params.records("account_ids", max_items=1000)
    await lists.remove_members(runtime().db, caller().actor, record_id(list_id), account_ids)
    return {}


@blueprint.get("/api/v1/accounts/<account_id>/lists")
@scope("read:lists")
async def lists_with_account(account_id: str):
    return [user_list(found) for found in await lists.lists_with(runtime().db, caller().actor, record_id(account_id))]


@blueprint.get("/api/v1/timelines/list/<list_id>")
@scope("read:lists")
async def timeline(list_id: str):
    rt = runtime()
    page = read_page(default=20, maximum=40)
    result = await lists.timeline(
        rt.db, caller().actor, record_id(list_id), Cursor(page.max_id, page.since_id, page.min_id), page.limit, rt.services.now_ms()
    )
    rendered = [{**entities.status(v, rt.urls), "filtered": result.filtered.get(v.post.id, [])} for v in result.statuses]
    return rendered, 200, link_header(result.page_ids)
