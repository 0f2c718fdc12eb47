"""Server-rendered pages for people (layer 6). The profile URL also answers ActivityPub clients."""

from quart import Blueprint, render_template, request

from ..content import html_to_text
from ..protocol import as2
from ..services import accounts, instance
from .activitypub import actor_response
from .context import runtime

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
async def landing():
    rt = runtime()
    figures = await instance.usage(rt.db)
    return await render_template("landing.html", usage=figures)


@blueprint.get("/@<username>")
async def profile(username: str):
    rt = runtime()
    actor = await accounts.find_local_actor(rt.db, rt.config, username)
    if as2.wants_activitypub(request.headers.get("Accept")):
        return await actor_response(actor)
    page = await render_template(
        "profile.html", actor=actor, summary_text=html_to_text(actor.summary)
    )
    return page, 200, {"Vary": "Accept"}
