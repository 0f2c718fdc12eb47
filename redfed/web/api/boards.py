"""Boards (layer 6): redfed's client API extension for saving posts into named boards, public
or private (FEDERATION.md and docs: "Boards"). Bookmarks stay Mastodon's private default board.

  GET/POST          /api/v1/redfed/boards                      one's boards / a new one
  PUT               /api/v1/redfed/boards/order                board_ids[]: their order
  GET/PATCH/DELETE  /api/v1/redfed/boards/:id                  name, description, public, cover_status_id
  GET/POST          /api/v1/redfed/boards/:id/statuses         the posts shown / save status_id
  DELETE            /api/v1/redfed/boards/:id/statuses/:sid    take a post out
  GET               /api/v1/accounts/:id/boards                an account's public boards
  GET               /api/v1/statuses/:id/boards                which of one's boards hold a post
"""

from quart import Blueprint

from ...services.responses import boards
from ...services.social import relationships, statuses
from ...store.responses.boards import Board
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, optional_token, scope, viewer
from .params import Params
from .timelines import render

blueprint = Blueprint("api_boards", __name__)

ROOT = "/api/v1/redfed/boards"


def board_entity(board: Board) -> dict:
    return {
        "id": str(board.id),
        "account_id": str(board.actor_id),
        "name": board.name,
        "description": board.description,
        "public": board.is_public,
        "statuses_count": board.posts_count,
        "cover_status_id": str(board.cover_post_id) if board.cover_post_id else None,
        "created_at": entities.iso(board.created_at),
        "updated_at": entities.iso(board.updated_at),
    }


@blueprint.get(ROOT)
@scope("read:bookmarks")
async def index():
    me = caller().actor
    return [board_entity(b) for b in await boards.boards_of(runtime().services, me, me)]


@blueprint.post(ROOT)
@scope("write:bookmarks")
async def create():
    params = await Params.read()
    board = await boards.create(
        runtime().services, caller().actor, params.text("name", "", max_length=1_000),
        params.text("description", "", max_length=10_000), bool(params.flag("public", False)),
    )
    return board_entity(board)


@blueprint.put(f"{ROOT}/order")
@scope("write:bookmarks")
async def order():
    params = await Params.read()
    ordered = await boards.reorder(runtime().services, caller().actor, params.records("board_ids", max_items=boards.MAX_BOARDS))
    return [board_entity(b) for b in ordered]


@blueprint.get(f"{ROOT}/<board_id>")
@optional_token
async def show(board_id: str):
    return board_entity(await boards.visible_board(runtime().services, viewer(), record_id(board_id)))


@blueprint.patch(f"{ROOT}/<board_id>")
@scope("write:bookmarks")
async def edit(board_id: str):
    rt, me, params = runtime(), caller().actor, await Params.read()
    board = await boards.own_board(rt.services, me, record_id(board_id))
    cover_id = params.record("cover_status_id")
    cover = await statuses.visible_post(rt.services, cover_id, me) if cover_id else None
    edited = await boards.edit(
        rt.services, me, board, name=params.text("name", max_length=1_000),
        description=params.text("description", max_length=10_000), is_public=params.flag("public"), cover=cover,
    )
    return board_entity(edited)


@blueprint.delete(f"{ROOT}/<board_id>")
@scope("write:bookmarks")
async def delete(board_id: str):
    rt, me = runtime(), caller().actor
    await boards.delete(rt.services, me, await boards.own_board(rt.services, me, record_id(board_id)))
    return {}


@blueprint.get(f"{ROOT}/<board_id>/statuses")
@optional_token
async def board_statuses(board_id: str):
    rt, me = runtime(), viewer()
    board = await boards.visible_board(rt.services, me, record_id(board_id))
    shown, _, _ = await render(await boards.posts_shown(rt.services, me, board))
    return shown


@blueprint.post(f"{ROOT}/<board_id>/statuses")
@scope("write:bookmarks")
async def save(board_id: str):
    rt, me, params = runtime(), caller().actor, await Params.read()
    board = await boards.own_board(rt.services, me, record_id(board_id))
    post = await statuses.visible_post(rt.services, params.record("status_id") or 0, me)
    await boards.save(rt.services, me, board, post)
    return board_entity(await boards.own_board(rt.services, me, board.id))


@blueprint.delete(f"{ROOT}/<board_id>/statuses/<status_id>")
@scope("write:bookmarks")
async def unsave(board_id: str, status_id: str):
    rt, me = runtime(), caller().actor
    board = await boards.own_board(rt.services, me, record_id(board_id))
    await boards.unsave(rt.services, me, board, record_id(status_id))
    return board_entity(await boards.own_board(rt.services, me, board.id))


@blueprint.get("/api/v1/accounts/<account_id>/boards")
@optional_token
async def account_boards(account_id: str):
    rt = runtime()
    owner = await relationships.account(rt.services, record_id(account_id))
    return [board_entity(b) for b in await boards.boards_of(rt.services, owner, viewer())]


@blueprint.get("/api/v1/statuses/<status_id>/boards")
@scope("read:bookmarks")
async def holding(status_id: str):
    rt, me = runtime(), caller().actor
    post = await statuses.visible_post(rt.services, record_id(status_id), me)
    return [str(board_id) for board_id in await boards.holding(rt.services, me, post)]
