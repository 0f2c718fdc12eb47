"""Boards' pages (layer 6): an account's public boards, and one board as a photo grid, phone
first. The owner sees the private ones too; every reader sees only the posts they may see."""

from ...services import views
from ...services.accounts import accounts
from ...services.responses import boards
from ..context import runtime
from .cards import cards
from .common import blueprint, page, visit

_ROW_ID = "int(max=9223372036854775807)"


@blueprint.get("/@<username>/boards")
async def boards_page(username: str):
    rt, current = runtime(), await visit()
    owner = await accounts.find_local_actor(rt.db, rt.config, username)
    shown = await boards.boards_of(rt.services, owner, current.viewer)
    covers = [await boards.cover_of(rt.services, current.viewer, board) for board in shown]
    cover_views = await views.status_views(rt.db, [c for c in covers if c], current.viewer)
    cover_cards = {card.post.id: card for card in cards(cover_views, rt.urls)}
    tiles = [(board, cover_cards.get(cover.id) if cover else None) for board, cover in zip(shown, covers, strict=True)]
    return await page("boards.html", owner=owner, tiles=tiles)


@blueprint.get(f"/@<username>/boards/<{_ROW_ID}:board_id>")
async def board_page(username: str, board_id: int):
    rt, current = runtime(), await visit()
    owner = await accounts.find_local_actor(rt.db, rt.config, username)
    board = await boards.visible_board(rt.services, current.viewer, board_id, owner)
    posts = await boards.posts_shown(rt.services, current.viewer, board)
    shown = await views.status_views(rt.db, posts, current.viewer)
    return await page("board.html", owner=owner, board=board, cards=cards(shown, rt.urls))
