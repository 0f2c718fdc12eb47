"""Quotes (layer 6), as Mastodon 4.5: a post's quotes, revoking one, and a post's quote policy.
A quote itself is made with `quoted_status_id` on POST /api/v1/statuses (statuses.py)."""

from quart import Blueprint

from ...services import views
from ...services.responses import quotes
from ...services.social import statuses
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, scope
from .pagination import read_page
from .params import Params
from .timelines import render

blueprint = Blueprint("api_quotes", __name__)


async def _status(post) -> dict:
    rt = runtime()
    return entities.status(await views.status_view(rt.db, post, caller().actor), rt.urls)


@blueprint.get("/api/v1/statuses/<status_id>/quotes")
@scope("read:statuses")
async def quotes_of(status_id: str):
    rt, me = runtime(), caller().actor
    post = await statuses.own_post(rt.services, record_id(status_id), me)
    return await render(await quotes.quotes_of(rt.services, me, post, read_page(20, 40)))


@blueprint.post("/api/v1/statuses/<status_id>/quotes/<quoting_id>/revoke")
@scope("write:statuses")
async def revoke(status_id: str, quoting_id: str):
    rt, me = runtime(), caller().actor
    post = await statuses.own_post(rt.services, record_id(status_id), me)
    quoting = await quotes.quoting_post(rt.services, record_id(quoting_id))
    await quotes.revoke(rt.services, me, post, quoting)
    return await _status(quoting)


@blueprint.put("/api/v1/statuses/<status_id>/interaction_policy")
@scope("write:statuses")
async def interaction_policy(status_id: str):
    rt, me = runtime(), caller().actor
    post = await statuses.own_post(rt.services, record_id(status_id), me)
    params = await Params.read()
    await quotes.set_policy(rt.services, me, post, params.text("quote_approval_policy", "public", max_length=20))
    return await _status(post)
