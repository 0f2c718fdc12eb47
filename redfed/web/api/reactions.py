"""Emoji reactions (layer 6), on Pleroma's and Akkoma's routes, which apps already call:
react and take it back, and who reacted with what. A status's counts are in its
`pleroma.emoji_reactions` (entities.py)."""

from quart import Blueprint

from ...services import views
from ...services.responses import reactions
from ...services.social import statuses
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, optional_token, scope, viewer

blueprint = Blueprint("api_reactions", __name__)

ROUTE = "/api/v1/pleroma/statuses/<status_id>/reactions"


async def _status(post) -> dict:
    rt = runtime()
    return entities.status(await views.status_view(rt.db, post, caller().actor), rt.urls)


@blueprint.put(f"{ROUTE}/<path:emoji>")
@scope("write:favourites")
async def react(status_id: str, emoji: str):
    rt, me = runtime(), caller().actor
    post = await statuses.visible_post(rt.services, record_id(status_id), me)
    await reactions.react(rt.services, me, post, await reactions.chosen(rt.services, post, emoji))
    return await _status(post)


@blueprint.delete(f"{ROUTE}/<path:emoji>")
@scope("write:favourites")
async def unreact(status_id: str, emoji: str):
    rt, me = runtime(), caller().actor
    post = await statuses.visible_post(rt.services, record_id(status_id), me)
    await reactions.unreact(rt.services, me, post, await reactions.chosen(rt.services, post, emoji))
    return await _status(post)


@blueprint.get(ROUTE)
@blueprint.get(f"{ROUTE}/<path:emoji>")
@optional_token
async def reacted(status_id: str, emoji: str | None = None):
    rt, me = runtime(), viewer()
    post = await statuses.visible_post(rt.services, record_id(status_id), me)
    found = await reactions.reactions_of(rt.services, post, me, emoji)
    actors = {actor.id: actor for _, who in found for actor in who}
    account_views = {v.actor.id: v for v in await views.account_views(rt.db, list(actors.values()))}
    return [
        entities.emoji_reaction(count, [entities.account(account_views[a.id], rt.urls) for a in who])
        for count, who in found
    ]
