"""Statuses (layer 6): /api/v1/statuses/… — create, read, edit, delete and act on posts."""

from quart import Blueprint, request

from ...errors import NotFound, Unprocessable
from ...models import VISIBILITIES
from ...services import views
from ...services.accounts import preferences
from ...services.media import media
from ...services.responses import quotes
from ...services.shop import listings
from ...services.social import interactions, polls, posts, scheduled, statuses
from ...store import views as view_store
from ..context import runtime
from ..inputs import record_id
from ..view_counts import post_viewed
from . import entities
from .auth import caller, optional_token, scope, viewer
from .pagination import link_header, read_page
from .params import Params
from .timelines import render

blueprint = Blueprint("api_statuses", __name__)


async def _render(post, *, text: bool = False) -> dict:
    rt = runtime()
    entity = entities.status(await views.status_view(rt.db, post, viewer()), rt.urls)
    if text:
        entity["text"] = post.source
    return entity


@blueprint.post("/api/v1/statuses")
@scope("write:statuses")
async def create():
    rt, author = runtime(), caller().actor
    params = await Params.read()
    key = request.headers.get("Idempotency-Key")
    earlier = await statuses.remembered(rt.services, author, key)
    if earlier is not None:
        return await _render(earlier)
    reply_to = params.record("in_reply_to_id")
    parent = await statuses.visible_post(rt.services, reply_to, author) if reply_to is not None else None
    defaults = await preferences.posting_defaults(rt.db, author)
    visibility = params.text("visibility") or ("direct" if parent and parent.visibility == "direct" else defaults.visibility)
    if visibility not in VISIBILITIES:
        raise Unprocessable(f"Validation failed: visibility must be one of {', '.join(VISIBILITIES)}")
    for_supporters = _for_supporters(params)
    scheduled_at = params.instant("scheduled_at")
    if scheduled_at is not None and for_supporters:
        raise Unprocessable("supporters-only posts cannot be scheduled")
    if scheduled_at is not None:
        return await _schedule(params, author, visibility, parent, scheduled_at)
    attached = await _media(params, author)
    quoted_id = params.record("quoted_status_id")
    quote = await quotes.prepare(rt.services, author, await statuses.visible_post(rt.services, quoted_id, author)) if quoted_id else None
    post = await posts.create_local_post(
        rt.services, author, params.text("status", "", max_length=20_000), media=attached,
        visibility=visibility, summary=params.text("spoiler_text", "", max_length=1_000) or "",
        sensitive=bool(params.flag("sensitive", defaults.sensitive)), in_reply_to=parent,
        language=params.text("language", max_length=10) or defaults.language, app_id=caller().app_id,
        poll=_poll(params, rt), paid_partnership=bool(params.flag("paid_partnership", False)),
        idempotency_key=key, quote=quote, for_supporters=for_supporters,
        quote_policy=params.text("quote_approval_policy", max_length=20) or await quotes.default_policy(rt.services, author),
    )
    return await _render(post)


def _for_supporters(params: Params) -> bool:
    """redfed's extension: `redfed_audience=supporters` makes a supporters-only post (README.md)."""
    audience = params.text("redfed_audience", max_length=40)
    if audience not in (None, "", "supporters"):
        raise Unprocessable("Validation failed: redfed_audience must be supporters")
    return audience == "supporters"


async def _media(params: Params, author, post_id: int | None = None) -> list:
    rt = runtime()
    ids = params.records("media_ids", max_items=rt.config.media.max_attachments + 1)
    if not ids:
        return []
    return await media.claim_for_post(
        rt.db, author.id, ids, max_attachments=rt.config.media.max_attachments, post_id=post_id
    )


async def _schedule(params: Params, author, visibility: str, parent, at: int) -> dict:
    rt = runtime()
    # Checked now, claimed when the post is published (services.social.scheduled).
    attached = await _media(params, author)
    stored = {
        "text": params.text("status", "", max_length=20_000), "visibility": visibility,
        "spoiler_text": params.text("spoiler_text", "", max_length=1_000) or "",
        "sensitive": bool(params.flag("sensitive", False)), "language": params.text("language", max_length=10),
        "in_reply_to_id": str(parent.id) if parent else None, "poll": _poll(params, rt),
        "application_id": caller().app_id, "media_ids": [str(m.id) for m in attached],
    }
    posts.check_text(stored["text"], visibility, stored["spoiler_text"], has_media=bool(stored["poll"] or attached))
    item = await scheduled.schedule(rt.services, author, stored, at)
    return await scheduled_entity(item)


async def scheduled_entities(items) -> list[dict]:
    """Mastodon's ScheduledStatus: the params as given, and the media they attach."""
    rt = runtime()
    media = await scheduled.attached_media(rt.services, items)
    return [
        {
            "id": str(item.id), "scheduled_at": entities.iso(item.scheduled_at),
            "params": {k: v for k, v in item.params.items() if k != "application_id"},
            "media_attachments": [entities.media_attachment(m, rt.urls) for m in media[item.id]],
        }
        for item in items
    ]


async def scheduled_entity(item) -> dict:
    return (await scheduled_entities([item]))[0]


@blueprint.get("/api/v1/scheduled_statuses")
@scope("read:statuses")
async def scheduled_index():
    found = await scheduled.list_scheduled(runtime().services, caller().actor, read_page(20, 40).limit)
    return await scheduled_entities(found)


@blueprint.get("/api/v1/scheduled_statuses/<scheduled_id>")
@scope("read:statuses")
async def scheduled_show(scheduled_id: str):
    return await scheduled_entity(await scheduled.find(runtime().services, caller().actor, record_id(scheduled_id)))


@blueprint.put("/api/v1/scheduled_statuses/<scheduled_id>")
@scope("write:statuses")
async def scheduled_update(scheduled_id: str):
    params = await Params.read()
    at = params.instant("scheduled_at")
    if at is None:
        raise Unprocessable("Validation failed: scheduled_at must be an ISO 8601 date and time")
    return await scheduled_entity(await scheduled.reschedule(runtime().services, caller().actor, record_id(scheduled_id), at))


@blueprint.delete("/api/v1/scheduled_statuses/<scheduled_id>")
@scope("write:statuses")
async def scheduled_delete(scheduled_id: str):
    await scheduled.cancel(runtime().services, caller().actor, record_id(scheduled_id))
    return {}


def _poll(params: Params, rt) -> dict | None:
    """poll[options][]=…&poll[expires_in]=… from forms, or {"poll": {...}} from JSON."""
    source = params.nested("poll")
    options = source.strings("options", max_items=polls.MAX_OPTIONS + 1)
    if not options:
        return None
    return polls.new_poll(
        options, source.integer("expires_in", 86400) or 0, bool(source.flag("multiple", False)), rt.services.now_ms()
    )


@blueprint.get("/api/v1/polls/<poll_id>")
@optional_token
async def poll(poll_id: str):
    rt = runtime()
    post = await statuses.visible_post(rt.services, record_id(poll_id), viewer())
    view = await views.status_view(rt.db, post, viewer())
    rendered = entities.poll(post, view.own_votes, rt.services.now_ms())
    if rendered is None:
        raise NotFound("Record not found")
    return rendered


@blueprint.post("/api/v1/polls/<poll_id>/votes")
@scope("write:statuses")
async def vote(poll_id: str):
    rt, voter = runtime(), caller().actor
    post = await statuses.visible_post(rt.services, record_id(poll_id), voter)
    params = await Params.read()
    choices = [_choice(c) for c in params.strings("choices", max_items=polls.MAX_OPTIONS)]
    voted = await polls.vote(rt.services, voter, post, choices)
    return entities.poll(voted, tuple(sorted(set(choices))), rt.services.now_ms())


def _choice(value: str) -> int:
    if not (value.isascii() and value.isdigit() and len(value) <= 3):
        raise Unprocessable("Validation failed: choices must be option numbers")
    return int(value)


@blueprint.get("/api/v1/statuses/<status_id>")
@optional_token
async def show(status_id: str):
    reader = viewer()
    post = await statuses.visible_post(runtime().services, record_id(status_id), reader)
    if reader is not None:  # a person in an app; anonymous API reads are mostly crawlers
        post_viewed(post, reader, "other")
    return await _render(post)


@blueprint.delete("/api/v1/statuses/<status_id>")
@scope("write:statuses")
async def delete(status_id: str):
    rt, author = runtime(), caller().actor
    post = await statuses.own_post(rt.services, record_id(status_id), author)
    entity = await _render(post, text=True)  # for "delete and redraft"
    await posts.delete_local_post(rt.services, author, post)
    return entity


@blueprint.put("/api/v1/statuses/<status_id>")
@scope("write:statuses")
async def edit(status_id: str):
    rt, author = runtime(), caller().actor
    post = await statuses.own_post(rt.services, record_id(status_id), author)
    params = await Params.read()
    attached = await _media(params, author, post.id) if params.has("media_ids") else None
    if await listings.is_listing(rt.services, post.id):
        # A listing's status: the text is its description; title and price stay (services/shop/listings.py).
        _, edited = await listings.edit_listing_status(
            rt.services, author, post.id, params.text("status", "", max_length=20_000),
            params.text("spoiler_text", "", max_length=1_000) or "", media=attached,
            paid_partnership=params.flag("paid_partnership"),
        )
        return await _render(edited)
    edited = await posts.edit_local_post(
        rt.services, author, post, params.text("status", "", max_length=20_000),
        summary=params.text("spoiler_text", "", max_length=1_000) or "", sensitive=bool(params.flag("sensitive", False)),
        media=attached, paid_partnership=params.flag("paid_partnership"),
    )
    await quotes.quoted_post_edited(rt.services, edited)
    return await _render(edited)


@blueprint.get("/api/v1/statuses/<status_id>/source")
@scope("read:statuses")
async def source(status_id: str):
    post = await statuses.own_post(runtime().services, record_id(status_id), caller().actor)
    return {"id": str(post.id), "text": post.source or "", "spoiler_text": post.summary}


@blueprint.get("/api/v1/statuses/<status_id>/history")
@optional_token
async def history(status_id: str):
    rt = runtime()
    post = await statuses.visible_post(rt.services, record_id(status_id), viewer())
    account = entities.account(await views.account_view(rt.db, await _author(post)), rt.urls)
    return [
        {"content": content, "spoiler_text": summary, "sensitive": sensitive, "created_at": entities.iso(at),
         "account": account, "media_attachments": [], "emojis": []}
        for content, summary, sensitive, at in await statuses.history(rt.services, post)
    ]


@blueprint.get("/api/v1/statuses/<status_id>/context")
@optional_token
async def context(status_id: str):
    rt = runtime()
    post = await statuses.visible_post(rt.services, record_id(status_id), viewer())
    ancestors, descendants = await statuses.context(rt.services, post, viewer())
    older, _, _ = await render(ancestors, context="thread")
    newer, _, _ = await render(descendants, context="thread")
    return {"ancestors": older, "descendants": newer}


# Actions on a status: each is (scope, service call), answered with the status as it now is.
async def _favourite(ctx, actor, post, on):
    await (interactions.like if on else interactions.unlike)(ctx, actor, post)


async def _reblog(ctx, actor, post, on):
    if on:
        return await interactions.boost(ctx, actor, post)
    await interactions.unboost(ctx, actor, post)


_ACTIONS = {
    "favourite": ("write:favourites", _favourite, True),
    "unfavourite": ("write:favourites", _favourite, False),
    "reblog": ("write:statuses", _reblog, True),
    "unreblog": ("write:statuses", _reblog, False),
    "bookmark": ("write:bookmarks", statuses.bookmark, True),
    "unbookmark": ("write:bookmarks", statuses.bookmark, False),
    "pin": ("write:accounts", statuses.pin, True),
    "unpin": ("write:accounts", statuses.pin, False),
    "mute": ("write:mutes", statuses.mute_conversation, True),
    "unmute": ("write:mutes", statuses.mute_conversation, False),
}


def _action_view(name: str):
    required, act, on = _ACTIONS[name]

    @scope(required)
    async def view(status_id: str):
        rt, actor = runtime(), caller().actor
        post = await statuses.visible_post(rt.services, record_id(status_id), actor)
        reblog = await act(rt.services, actor, post, on)
        if name == "reblog" and reblog is not None:
            return await _render(reblog)
        return await _render(post)

    view.__name__ = f"status_{name}"
    return view


for _name in _ACTIONS:
    blueprint.add_url_rule(f"/api/v1/statuses/<status_id>/{_name}", view_func=_action_view(_name), methods=["POST"])


@blueprint.get("/api/v1/statuses/<status_id>/favourited_by")
@optional_token
async def favourited_by(status_id: str):
    return await _accounts_who(status_id, view_store.likers)


@blueprint.get("/api/v1/statuses/<status_id>/reblogged_by")
@optional_token
async def reblogged_by(status_id: str):
    return await _accounts_who(status_id, view_store.rebloggers)


async def _accounts_who(status_id: str, query):
    rt = runtime()
    post = await statuses.visible_post(rt.services, record_id(status_id), viewer())
    page = read_page(40, 80)
    rows = await query(rt.db.reader, post.id, page)
    accounts = await views.account_views(rt.db, [actor for _, actor in rows])
    return [entities.account(v, rt.urls) for v in accounts], 200, link_header([row_id for row_id, _ in rows])


async def _author(post):
    found = await view_store.actors_by_ids(runtime().db.reader, [post.actor_id])
    return found[post.actor_id]
