"""Accounts (layer 6): /api/v1/accounts/… and the lists around them (follow requests, blocks,
mutes), with Mastodon's Relationship entity."""

from quart import Blueprint, request

from ...services import views
from ...services.accounts import preferences, profiles
from ...services.responses import quotes
from ...services.social import follows, interactions, relationships, timelines
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, optional_token, scope, viewer
from .media import allow_upload
from .pagination import link_header, read_page
from .params import Params
from .timelines import render

blueprint = Blueprint("api_accounts", __name__)


def relationship(rel: relationships.Relationship) -> dict:
    return {
        "id": str(rel.target_id), "following": rel.following, "showing_reblogs": rel.showing_reblogs,
        "notifying": rel.notifying, "languages": None, "followed_by": rel.followed_by, "blocking": rel.blocking,
        "blocked_by": rel.blocked_by, "muting": rel.muting, "muting_notifications": rel.muting_notifications,
        "requested": rel.requested, "requested_by": rel.requested_by, "domain_blocking": rel.domain_blocking,
        "endorsed": rel.endorsed, "note": rel.note,
    }


async def _account(actor) -> dict:
    rt = runtime()
    return entities.account(await views.account_view(rt.db, actor), rt.urls)


async def _relationship_with(target_id: int) -> dict:
    [rel] = await relationships.relationships(runtime().services, caller().actor, [target_id])
    return relationship(rel)


async def _own_account(actor) -> dict:
    rt = runtime()
    entity = entities.account(await views.account_view(rt.db, actor), rt.urls, with_source=True)
    defaults = await preferences.posting_defaults(rt.db, actor)
    entity["source"].update(privacy=defaults.visibility, sensitive=defaults.sensitive, language=defaults.language)
    return entity


@blueprint.get("/api/v1/accounts/verify_credentials")
@scope("profile")
async def verify_credentials():
    return await _own_account(caller().actor)


@blueprint.patch("/api/v1/accounts/update_credentials")
@scope("write:accounts")
async def update_credentials():
    rt = runtime()
    allow_upload()
    params = await Params.read()
    fields, source = _fields(params), params.nested("source")
    files = await request.files
    avatar = await _image_url(files.get("avatar"))
    header = await _image_url(files.get("header"))
    actor = await profiles.update_profile(
        rt.services, caller().actor, display_name=params.text("display_name", max_length=1000),
        bio=params.text("note", max_length=5000), fields=fields, locked=params.flag("locked"),
        bot=params.flag("bot"), discoverable=params.flag("discoverable"), avatar_url=avatar, header_url=header,
    )
    if source.values:
        await preferences.set_posting_defaults(
            rt.db, actor, visibility=source.text("privacy", max_length=20), sensitive=source.flag("sensitive"),
            language=source.text("language", max_length=20),
        )
    if source.has("quote_policy"):  # Mastodon 4.5: who may quote one's new posts
        await quotes.set_default_policy(rt.services, actor, source.text("quote_policy", "", max_length=20))
    return await _own_account(actor)


# Mastodon 4.2: removing one's avatar or header, which update_credentials cannot do.
@blueprint.delete("/api/v1/profile/<any(avatar, header):which>")
@scope("write:accounts")
async def remove_image(which: str):
    return await _own_account(await profiles.remove_image(runtime().services, caller().actor, which))


async def _image_url(upload) -> str | None:
    """An uploaded avatar or header, through the same checks as any photo (type sniffed, EXIF
    stripped, size and pixel limits)."""
    if upload is None:
        return None
    rt = runtime()
    return rt.urls.media((await profiles.upload_image(rt.services, caller().actor, upload.stream)).file_key)


def _fields(params: Params) -> list[tuple[str, str]] | None:
    """fields_attributes as JSON or Rails form keys; entries blank in both parts are dropped."""
    given = params.objects("fields_attributes", max_items=profiles.MAX_FIELDS * 4)
    if given is None:
        return None
    fields = [(f.text("name", "", max_length=1_000), f.text("value", "", max_length=1_000)) for f in given]
    return [(name, value) for name, value in fields if name.strip() or value.strip()]


@blueprint.get("/api/v1/accounts/relationships")
@scope("read:follows")
async def relationships_of():
    ids = (await Params.read()).records("id", max_items=100)
    found = await relationships.relationships(runtime().services, caller().actor, ids)
    return [relationship(rel) for rel in found]


@blueprint.get("/api/v1/accounts/familiar_followers")
@scope("read:follows")
async def familiar_followers():
    rt, out = runtime(), []
    for target in (await Params.read()).records("id", max_items=40):
        actors = await relationships.familiar_followers(rt.services, caller().actor, target)
        out.append({"id": str(target), "accounts": [entities.account(v, rt.urls) for v in await views.account_views(rt.db, actors)]})
    return out


@blueprint.get("/api/v1/accounts/lookup")
@optional_token
async def lookup():
    acct = (await Params.read()).text("acct", "", max_length=400)
    return await _account(await relationships.lookup(runtime().services, acct))


@blueprint.get("/api/v1/accounts/<account_id>")
@optional_token
async def show(account_id: str):
    return await _account(await relationships.account(runtime().services, record_id(account_id)))


@blueprint.get("/api/v1/accounts/<account_id>/statuses")
@optional_token
async def statuses(account_id: str):
    rt, params = runtime(), await Params.read()
    author = await relationships.account(rt.services, record_id(account_id))
    posts = await timelines.account_posts(
        rt.services, viewer(), author, read_page(), exclude_replies=params.flag("exclude_replies", False),
        exclude_reblogs=params.flag("exclude_reblogs", False), only_media=params.flag("only_media", False),
        tagged_name=(params.text("tagged", max_length=200) or "").lower().lstrip("#") or None,
        pinned=params.flag("pinned", False),
    )
    return await render(posts, context="account", seen_from="profile")


async def _listed(kind: str, owner) -> tuple:
    rt = runtime()
    page = read_page(40, 80)
    rows = await relationships.listed(rt.services, kind, owner, page)
    accounts = await views.account_views(rt.db, [actor for _, actor in rows])
    return [entities.account(v, rt.urls) for v in accounts], 200, link_header([row_id for row_id, _ in rows])


@blueprint.get("/api/v1/accounts/<account_id>/followers")
@optional_token
async def followers(account_id: str):
    return await _listed("followers", await relationships.account(runtime().services, record_id(account_id)))


@blueprint.get("/api/v1/accounts/<account_id>/following")
@optional_token
async def following(account_id: str):
    return await _listed("following", await relationships.account(runtime().services, record_id(account_id)))


@blueprint.get("/api/v1/follow_requests")
@scope("read:follows")
async def follow_requests():
    return await _listed("requests", caller().actor)


@blueprint.get("/api/v1/blocks")
@scope("read:blocks")
async def blocks():
    return await _listed("blocks", caller().actor)


@blueprint.get("/api/v1/mutes")
@scope("read:mutes")
async def mutes():
    return await _listed("mutes", caller().actor)


@blueprint.post("/api/v1/accounts/<account_id>/follow")
@scope("write:follows")
async def follow(account_id: str):
    rt = runtime()
    target = await relationships.account(rt.services, record_id(account_id))
    params = await Params.read()
    await relationships.follow_with_options(rt.services, caller().actor, target, params.flag("reblogs"), params.flag("notify"))
    return await _relationship_with(target.id)


# Account actions answered with the new Relationship: (scope, service call).
_ACTIONS = {
    "unfollow": ("write:follows", lambda ctx, me, target, _: follows.unfollow(ctx, me, target)),
    "block": ("write:blocks", lambda ctx, me, target, _: interactions.block(ctx, me, target)),
    "unblock": ("write:blocks", lambda ctx, me, target, _: interactions.unblock(ctx, me, target)),
    "mute": ("write:mutes", lambda ctx, me, target, params: relationships.mute(
        ctx, me, target, params.flag("notifications", True), params.integer("duration", 0, low=0) or 0)),
    "unmute": ("write:mutes", lambda ctx, me, target, _: relationships.unmute(ctx, me, target)),
    "remove_from_followers": ("write:follows", lambda ctx, me, target, _: follows.remove_follower(ctx, me, target)),
    "note": ("write:accounts", lambda ctx, me, target, params: relationships.set_note(
        ctx, me, target, params.text("comment", "", max_length=relationships.MAX_NOTE) or "")),
}


def _action_view(name: str):
    required, act = _ACTIONS[name]

    @scope(required)
    async def view(account_id: str):
        rt = runtime()
        target = await relationships.account(rt.services, record_id(account_id))
        await act(rt.services, caller().actor, target, await Params.read())
        return await _relationship_with(target.id)

    view.__name__ = f"account_{name}"
    return view


for _name in _ACTIONS:
    blueprint.add_url_rule(f"/api/v1/accounts/<account_id>/{_name}", view_func=_action_view(_name), methods=["POST"])


@blueprint.post("/api/v1/follow_requests/<account_id>/authorize")
@scope("write:follows")
async def authorize(account_id: str):
    return await _answer_request(account_id, follows.accept_request)


@blueprint.post("/api/v1/follow_requests/<account_id>/reject")
@scope("write:follows")
async def reject(account_id: str):
    return await _answer_request(account_id, follows.reject_request)


async def _answer_request(account_id: str, answer) -> dict:
    rt = runtime()
    follower = await relationships.account(rt.services, record_id(account_id))
    await answer(rt.services, caller().actor, follower)
    return await _relationship_with(follower.id)

