"""ActivityPub documents (layer 6): actors, their collections and their posts, by content
negotiation. Each handler parses the request, calls one service and renders what it returns.

A post's URLs answer ActivityPub clients with JSON and send browsers to its page (web/pages/posts.py,
which answers ActivityPub clients too); which post a request may see is the service's business (services/objects.py: signed fetches, 404 for hidden
posts, 410 for deleted ones).
"""

import json

from quart import Blueprint, Response, redirect, render_template, request

from ..federation import groups as group_ap
from ..federation import serialize
from ..federation.payment_links import links_to_ap
from ..models import Actor
from ..protocol import as2
from ..services import collections, objects
from ..services.accounts import accounts, payment_links
from ..services.discovery import featured as featured_tags_service
from ..services.emoji import emojis as custom_emojis
from ..services.fetch_auth import FetchRequest
from ..services.groups import groups
from .context import runtime

blueprint = Blueprint("activitypub", __name__)

# Row ids are signed 64-bit integers; anything longer cannot name a row (and SQLite would refuse
# to bind it).
_MAX_ROW_ID = 2**63 - 1
_MAX_PAGE = 10**9


def activity_json(document: dict, status: int = 200) -> Response:
    response = Response(json.dumps(document, ensure_ascii=False), status=status, content_type=as2.AP_CONTENT_TYPE)
    # The same URL serves HTML to browsers; caches must keep the two apart.
    response.headers["Vary"] = "Accept"
    return response


async def actor_response(actor: Actor) -> Response:
    keys = await accounts.actor_keys(runtime().db, actor)
    links = links_to_ap(await payment_links.links_of(runtime().services, actor))  # FEP-0ea0
    emoji_tags = await custom_emojis.local_actor_tags(runtime().db.reader, actor)
    doc = serialize.actor_to_ap(actor, keys, links, emoji_tags)
    if await groups.find(runtime().services, actor) is not None:
        doc = group_ap.group_properties(doc, actor)
    return activity_json(doc)


@blueprint.after_request
async def vary_on_accept(response: Response) -> Response:
    # Errors too: a 404 is JSON for an ActivityPub client and a page for a browser.
    response.vary.add("Accept")
    return response


@blueprint.errorhandler(objects.Deleted)
async def deleted(error: objects.Deleted):
    if _wants_activitypub():
        return activity_json(error.tombstone, error.status)
    return await render_template("error.html", status=error.status, message=error.message), error.status


@blueprint.get("/users/<username>")
async def actor(username: str):
    rt = runtime()
    found = await accounts.find_local_actor(rt.db, rt.config, username)
    if not _wants_activitypub():
        return redirect(found.url)
    return await actor_response(found)


@blueprint.get("/actor")
async def instance_actor():
    rt = runtime()
    if not _wants_activitypub():
        return redirect("/")
    return await actor_response(await accounts.ensure_instance_actor(rt.db, rt.config))


@blueprint.get("/actor/outbox")
async def instance_actor_outbox():
    # The instance actor publishes nothing, but every actor must have an outbox.
    urls = runtime().urls
    return activity_json(as2.ordered_collection(urls.outbox(urls.instance_actor()), []))


@blueprint.get("/users/<username>/outbox")
async def outbox(username: str):
    # Mastodon pages the outbox only for page=true; any other value gets the collection.
    page = request.args.get("page") == "true"
    max_id = _number_arg("max_id", 0, _MAX_ROW_ID)
    return activity_json(await collections.outbox(runtime().services, username, page=page, max_id=max_id))


@blueprint.get("/users/<username>/<any(followers, following):direction>")
async def follows(username: str, direction: str):
    # Mastodon reads a present but unusable page number as the first page.
    page = _number_arg("page", 1, _MAX_PAGE, default=1) if "page" in request.args else None
    return activity_json(await collections.follows(runtime().services, username, direction, page=page))


@blueprint.get("/users/<username>/moderators")
async def group_moderators(username: str):
    return activity_json(await groups.moderators_collection(runtime().services, username))


@blueprint.get("/users/<username>/collections/tags")
async def featured_tags(username: str):
    return activity_json(await featured_tags_service.collection(runtime().services, username))


@blueprint.get("/users/<username>/collections/featured")
async def featured(username: str):
    return activity_json(await collections.featured(runtime().services, username))


@blueprint.get(f"/users/<username>/statuses/<int(max={_MAX_ROW_ID}):post_id>")
async def status(username: str, post_id: int):
    view = await objects.find_post(runtime().services, username, post_id, fetch_request())
    if view.boosted is not None:
        return _to_boosted(view)
    if _wants_activitypub():
        return activity_json(objects.note_of(view, runtime().urls))
    return redirect(view.post.url)


@blueprint.get(f"/users/<username>/statuses/<int(max={_MAX_ROW_ID}):post_id>/activity")
async def status_activity(username: str, post_id: int):
    return activity_json(await objects.find_activity(runtime().services, username, post_id, fetch_request()))


def _to_boosted(view: objects.PostView):
    """A boost has no page or Note of its own: Mastodon sends both kinds of client to the original."""
    boosted = view.boosted
    return redirect(boosted.uri if _wants_activitypub() else boosted.url or boosted.uri)


def _wants_activitypub() -> bool:
    return as2.wants_activitypub(request.headers.get("Accept"))


def fetch_request() -> FetchRequest:
    # A signature covers our canonical URL, whatever a reverse proxy did to scheme and host.
    query = request.query_string.decode("latin-1")
    url = runtime().urls.base + request.path + (f"?{query}" if query else "")
    return FetchRequest(url, dict(request.headers.items()))


def _number_arg(name: str, low: int, high: int, default: int | None = None) -> int | None:
    value = request.args.get(name, "")
    # The length check first: int() of thousands of digits is slow, and refused past 4,300.
    if len(value) > 19 or not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        return default
    return int(value)
