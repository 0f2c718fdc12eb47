"""Endorsements (layer 6): featuring followed accounts on one's profile, and listing them."""

from quart import Blueprint

from ...services import views
from ...services.social import endorsements, relationships
from ..context import runtime
from ..inputs import record_id
from . import entities
from .accounts import relationship
from .auth import caller, optional_token, scope
from .params import Params

blueprint = Blueprint("api_endorsements", __name__)


async def _accounts(actors) -> list[dict]:
    rt = runtime()
    return [entities.account(view, rt.urls) for view in await views.account_views(rt.db, actors)]


async def _change(account_id: str, change) -> dict:
    ctx = runtime().services
    target = await relationships.account(ctx, record_id(account_id))
    await change(ctx, caller().actor, target)
    [found] = await relationships.relationships(ctx, caller().actor, [target.id])
    return relationship(found)


def _limit() -> int:
    return Params.query().integer("limit", 40, low=1, high=endorsements.MAX_ENDORSEMENTS)


# /pin and /unpin are the names before Mastodon 4.4, which it still answers to.
@blueprint.post("/api/v1/accounts/<account_id>/endorse")
@blueprint.post("/api/v1/accounts/<account_id>/pin")
@scope("write:accounts")
async def endorse(account_id: str):
    return await _change(account_id, endorsements.endorse)


@blueprint.post("/api/v1/accounts/<account_id>/unendorse")
@blueprint.post("/api/v1/accounts/<account_id>/unpin")
@scope("write:accounts")
async def unendorse(account_id: str):
    return await _change(account_id, endorsements.unendorse)


@blueprint.get("/api/v1/endorsements")
@scope("read:accounts")
async def own():
    return await _accounts(await endorsements.endorsed(runtime().services, caller().actor, _limit()))


@blueprint.get("/api/v1/accounts/<account_id>/endorsements")
@optional_token
async def of_account(account_id: str):
    ctx = runtime().services
    actor = await relationships.account(ctx, record_id(account_id))
    return await _accounts(await endorsements.endorsed(ctx, actor, _limit()))
