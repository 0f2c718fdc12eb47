"""ActivityPub documents of how people respond to posts (layer 6): FEP-044f QuoteAuthorization
stamps, served while the consent stands (404 once revoked), and public boards as collections on
their owner's actor (browsers are sent to the board's page)."""

from quart import Blueprint, redirect, request

from ..federation import boards as board_ap
from ..protocol import as2
from ..services.accounts import accounts
from ..services.responses import boards, quotes
from .activitypub import activity_json
from .context import runtime

blueprint = Blueprint("response_documents", __name__)

_ROW_ID = "int(max=9223372036854775807)"


@blueprint.get(f"/users/<username>/quote_authorizations/<{_ROW_ID}:post_id>")
async def quote_authorization(username: str, post_id: int):
    rt = runtime()
    author = await accounts.find_local_actor(rt.db, rt.config, username)
    return activity_json(await quotes.authorization_document(rt.services, author, post_id))


@blueprint.get("/users/<username>/boards")
async def boards_collection(username: str):
    rt = runtime()
    owner = await accounts.find_local_actor(rt.db, rt.config, username)
    if not as2.wants_activitypub(request.headers.get("Accept")):
        return redirect(rt.urls.base + f"/@{owner.username}/boards")
    shown = await boards.boards_of(rt.services, owner, None)
    return activity_json(board_ap.boards_to_ap(owner, [b.id for b in shown]))


@blueprint.get(f"/users/<username>/boards/<{_ROW_ID}:board_id>")
async def board_collection(username: str, board_id: int):
    """A public board, with the posts anyone may see (no signature is asked: only public and
    unlisted posts are ever listed here)."""
    rt = runtime()
    owner = await accounts.find_local_actor(rt.db, rt.config, username)
    board = await boards.visible_board(rt.services, None, board_id, owner)
    page_url = rt.urls.base + f"/@{owner.username}/boards/{board.id}"
    if not as2.wants_activitypub(request.headers.get("Accept")):
        return redirect(page_url)
    posts = await boards.posts_shown(rt.services, None, board)
    return activity_json(board_ap.board_to_ap(owner, board.id, board.name, board.description, page_url, [p.uri for p in posts]))
