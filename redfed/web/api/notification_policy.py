"""The notification policy and requests (layer 6), as in Mastodon 4.3: /api/v2/notifications/policy
(accept, filter or drop per rule), the v1 policy of booleans older apps use, and
/api/v1/notifications/requests with accepting and dismissing, one or many."""

from quart import Blueprint

from ...services import views
from ...services import notification_policy as policies
from ...services.social import relationships, statuses
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, scope
from .pagination import link_header, read_page
from .params import Params

blueprint = Blueprint("api_notification_policy", __name__)

_V1_KINDS = ("not_following", "not_followers", "new_accounts", "private_mentions")


def _summary(policy: policies.Policy) -> dict:
    return {"pending_requests_count": policy.pending_requests, "pending_notifications_count": policy.pending_notifications}


def _v2(policy: policies.Policy) -> dict:
    return {**{f"for_{kind}": action for kind, action in policy.actions.items()}, "summary": _summary(policy)}


def _v1(policy: policies.Policy) -> dict:
    return {**{f"filter_{kind}": policy.actions[kind] != "accept" for kind in _V1_KINDS}, "summary": _summary(policy)}


@blueprint.get("/api/v2/notifications/policy")
@scope("read:notifications")
async def policy_v2():
    return _v2(await policies.read(runtime().services, caller().actor))


@blueprint.patch("/api/v2/notifications/policy")
@scope("write:notifications")
async def change_v2():
    params = await Params.read()
    chosen = {kind: params.text(f"for_{kind}", max_length=20) for kind in policies.KINDS if params.has(f"for_{kind}")}
    return _v2(await policies.change(runtime().services, caller().actor, chosen))


@blueprint.get("/api/v1/notifications/policy")
@scope("read:notifications")
async def policy_v1():
    return _v1(await policies.read(runtime().services, caller().actor))


@blueprint.put("/api/v1/notifications/policy")
@blueprint.patch("/api/v1/notifications/policy")
@scope("write:notifications")
async def change_v1():
    params = await Params.read()
    chosen = {kind: "filter" if params.flag(f"filter_{kind}") else "accept"
              for kind in _V1_KINDS if params.has(f"filter_{kind}")}
    return _v1(await policies.change(runtime().services, caller().actor, chosen))


async def _rendered(found: list[policies.RequestRow]) -> list[dict]:
    rt, me = runtime(), caller().actor
    senders = {a.id: a for a in await relationships.accounts(rt.services, [r.from_id for r in found])}
    accounts = {v.actor.id: entities.account(v, rt.urls) for v in await views.account_views(rt.db, list(senders.values()))}
    posts = await statuses.visible_posts(rt.services, [r.last_post_id for r in found if r.last_post_id], me)
    shown = {v.post.id: entities.status(v, rt.urls) for v in await views.status_views(rt.db, posts, me)}
    return [
        {"id": str(r.id), "created_at": entities.iso(r.created_at), "updated_at": entities.iso(r.updated_at),
         "account": accounts[r.from_id], "notifications_count": str(r.notifications_count),
         "last_status": shown.get(r.last_post_id)}
        for r in found if r.from_id in accounts
    ]


@blueprint.get("/api/v1/notifications/requests")
@scope("read:notifications")
async def requests():
    found = await policies.requests(runtime().services, caller().actor, read_page(default=40, maximum=80))
    return await _rendered(found), 200, link_header([r.id for r in found])


@blueprint.get("/api/v1/notifications/requests/merged")
@scope("read:notifications")
async def merged():
    return {"merged": True}  # accepting moves the notifications in its own transaction


@blueprint.get("/api/v1/notifications/requests/<request_id>")
@scope("read:notifications")
async def show(request_id: str):
    [rendered] = await _rendered([await policies.request(runtime().services, caller().actor, record_id(request_id))])
    return rendered


async def _close_one(request_id: str, *, accept: bool) -> dict:
    ctx, me = runtime().services, caller().actor
    found = await policies.request(ctx, me, record_id(request_id))
    await policies.close(ctx, me, [found.id], accept=accept)
    return {}


async def _close_many(*, accept: bool) -> dict:
    params = await Params.read()
    # Apps send id[]; Mastodon.py 2.x sends id[][], which arrives here as id[].
    given = params.strings("id", max_items=100) or params.strings("id[]", max_items=100)
    ids = [int(i) for i in given if i.isdigit() and len(i) < 19]
    await policies.close(runtime().services, caller().actor, ids, accept=accept)
    return {}


@blueprint.post("/api/v1/notifications/requests/<request_id>/accept")
@scope("write:notifications")
async def accept(request_id: str):
    return await _close_one(request_id, accept=True)


@blueprint.post("/api/v1/notifications/requests/<request_id>/dismiss")
@scope("write:notifications")
async def dismiss(request_id: str):
    return await _close_one(request_id, accept=False)


@blueprint.post("/api/v1/notifications/requests/accept")
@scope("write:notifications")
async def accept_many():
    return await _close_many(accept=True)


@blueprint.post("/api/v1/notifications/requests/dismiss")
@scope("write:notifications")
async def dismiss_many():
    return await _close_many(accept=False)
