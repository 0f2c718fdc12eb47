"""Aliases and moving an account (layer 6): redfed extensions of the Mastodon API, which has no
endpoints for them (Mastodon does both in its settings pages).

- `GET /api/v1/accounts/alias` - the account's aliases (`alsoKnownAs`) as Account entities;
- `POST /api/v1/accounts/alias` with `acct` (user@host or an actor URI) - add one, answer the list;
- `DELETE /api/v1/accounts/alias` with `acct` - remove one, answer the list;
- `POST /api/v1/accounts/move` with `acct` (the new account) and `password` - move; answers the
  own Account, whose `moved` is the new account.
"""

from quart import Blueprint

from ...services import views
from ...services.portability import aliases, moves
from ..context import runtime
from . import entities
from .auth import caller, scope
from .params import Params

blueprint = Blueprint("api_moves", __name__)


async def _aliases(actor) -> list[dict]:
    rt = runtime()
    known = await views.alias_views(rt.db, actor)
    return [entities.account(view, rt.urls) for view in known]


@blueprint.get("/api/v1/accounts/alias")
@scope("read:accounts")
async def list_aliases():
    return await _aliases(caller().actor)


@blueprint.post("/api/v1/accounts/alias")
@scope("write:accounts")
async def add_alias():
    acct = (await Params.read()).text("acct", "", max_length=aliases.MAX_INPUT)
    return await _aliases(await aliases.add_alias(runtime().services, caller().actor, acct))


@blueprint.delete("/api/v1/accounts/alias")
@scope("write:accounts")
async def remove_alias():
    acct = (await Params.read()).text("acct", "", max_length=aliases.MAX_INPUT)
    return await _aliases(await aliases.remove_alias(runtime().services, caller().actor, acct))


@blueprint.post("/api/v1/accounts/move")
@scope("write:accounts")
async def move():
    rt = runtime()
    params = await Params.read()
    actor = caller().actor
    await moves.check_password(rt.services, actor, params.text("password", "", max_length=1000))
    moved = await moves.move_out(rt.services, actor, params.text("acct", "", max_length=aliases.MAX_INPUT))
    return entities.account(await views.account_view(rt.db, moved), rt.urls, with_source=True)
