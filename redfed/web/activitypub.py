"""ActivityPub documents (layer 6): actors and their collections, by content negotiation."""

import json

from quart import Blueprint, Response, redirect, request

from ..federation import serialize
from ..models import Actor
from ..protocol import as2
from ..services import accounts
from .context import runtime

blueprint = Blueprint("activitypub", __name__)


def activity_json(document: dict, status: int = 200) -> Response:
    response = Response(json.dumps(document, ensure_ascii=False), status=status, content_type=as2.AP_CONTENT_TYPE)
    # The same URL serves HTML to browsers; caches must keep the two apart.
    response.headers["Vary"] = "Accept"
    return response


async def actor_response(actor: Actor) -> Response:
    keys = await accounts.actor_keys(runtime().db, actor)
    return activity_json(serialize.actor_to_ap(actor, keys))


@blueprint.get("/users/<username>")
async def actor(username: str):
    rt = runtime()
    found = await accounts.find_local_actor(rt.db, rt.config, username)
    if not as2.wants_activitypub(request.headers.get("Accept")):
        return redirect(found.url)
    return await actor_response(found)


@blueprint.get("/actor")
async def instance_actor():
    rt = runtime()
    if not as2.wants_activitypub(request.headers.get("Accept")):
        return redirect("/")
    return await actor_response(await accounts.ensure_instance_actor(rt.db, rt.config))


@blueprint.get("/users/<username>/<any(outbox, followers, following):name>")
@blueprint.get("/users/<username>/collections/<any(featured):name>")
async def collection(username: str, name: str):
    rt = runtime()
    found = await accounts.find_local_actor(rt.db, rt.config, username)
    # Posts and follows arrive with the federation core; until then every collection is empty.
    return activity_json(as2.ordered_collection(getattr(found, f"{name}_uri"), []))


@blueprint.get("/actor/outbox")
async def instance_actor_outbox():
    urls = runtime().urls
    return activity_json(as2.ordered_collection(urls.outbox(urls.instance_actor()), []))
