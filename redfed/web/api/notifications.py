"""Notifications (layer 6): /api/v1/notifications and the grouped /api/v2/notifications."""

from quart import Blueprint

from ...services.moderation import moderating
from ...services.social import notifications
from ...services.social.notifications import GroupedPage, GroupView, NotificationView
from ...store.id_pages import Cursor, IdRange
from ...store.social.notification_queries import Selection
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, scope
from .deal_entities import deal_entity
from .pagination import link_header, read_page
from .params import Params
from .report_entities import report

blueprint = Blueprint("api_notifications", __name__)

# PartialAccountWithAvatar: what a client needs to draw the avatars of a group.
_PARTIAL_FIELDS = ("id", "acct", "url", "avatar", "avatar_static", "locked", "bot")


def _now() -> int:
    return runtime().services.now_ms()


def _cursor(page: IdRange) -> Cursor:
    return Cursor(page.max_id, page.since_id, page.min_id)


async def _selection(params: Params) -> Selection:
    account = params.text("account_id", max_length=40)
    return Selection(
        types=tuple(params.strings("types")),
        exclude_types=tuple(params.strings("exclude_types")),
        account_id=(int(account) if account.isascii() and account.isdigit() and len(account) < 19 else 0) if account else None,
        # As Mastodon: one account's notifications (a request's, in apps) include the filtered ones.
        include_filtered=bool(params.flag("include_filtered", False)) or bool(account),
    )


def _grouped_types(params: Params) -> list[str] | None:
    return params.strings("grouped_types") if params.has("grouped_types") else None


def notification(view: NotificationView) -> dict:
    urls = runtime().urls
    row = view.notification
    entity = {
        "id": str(row.id),
        "type": row.type,
        "created_at": entities.iso(row.created_at),
        "group_key": view.group_key,
        "account": entities.account(view.account, urls),
    }
    if view.status is not None:
        entity["status"] = {**entities.status(view.status, urls), "filtered": view.filtered}
    if view.deal is not None:
        entity["deal"] = deal_entity(view.deal, row.recipient_id, urls)  # redfed.offer, redfed.deal
    if view.event is not None:
        entity["event"] = severance_event(view.event)
    return entity


def severance_event(event) -> dict:
    """RelationshipSeveranceEvent (Mastodon 4.3). redfed keeps the counts, not the list of the
    severed accounts, so `purged` is true: there is no list to download."""
    return {
        "id": str(event.id),
        "type": event.type,
        "purged": True,
        "target_name": event.target_name,
        "followers_count": event.followers_count,
        "following_count": event.following_count,
        "created_at": entities.iso(event.created_at),
    }


def _group(group: GroupView, paginated: bool, result: GroupedPage) -> dict:
    entity = {
        "group_key": group.group_key,
        "notifications_count": group.count,
        "type": group.type,
        "most_recent_notification_id": str(group.most_recent_id),
        "sample_account_ids": [str(a) for a in group.sample_account_ids],
    }
    if paginated:
        entity["page_min_id"] = str(group.page_min_id)
        entity["page_max_id"] = str(group.page_max_id)
        entity["latest_page_notification_at"] = entities.iso(group.latest_at)
    if group.post_id is not None:
        entity["status_id"] = str(group.post_id)
    deal = (result.deals or {}).get(group.deal_id)
    if deal is not None:
        entity["deal"] = deal_entity(deal, caller().actor.id, runtime().urls)  # redfed.offer, redfed.deal
    if group.event is not None:
        entity["event"] = severance_event(group.event)
    return entity


def _results(result: GroupedPage, *, paginated: bool, partial: bool) -> dict:
    """GroupedNotificationsResults. With partial avatars, only each group's most recent account
    comes in full; the others come as PartialAccountWithAvatar."""
    urls = runtime().urls
    referenced = [a for a in dict.fromkeys(a for g in result.groups for a in g.sample_account_ids) if a in result.accounts]
    full = {g.sample_account_ids[0] for g in result.groups if g.sample_account_ids} if partial else set(referenced)
    body = {
        "accounts": [entities.account(result.accounts[a], urls) for a in referenced if a in full],
        "statuses": [{**entities.status(s, urls), "filtered": result.filtered.get(s.post.id, [])} for s in result.statuses],
        "notification_groups": [_group(g, paginated, result) for g in result.groups],
    }
    if partial:
        rendered = (entities.account(result.accounts[a], urls) for a in referenced if a not in full)
        body["partial_accounts"] = [{field: account[field] for field in _PARTIAL_FIELDS} for account in rendered]
    return body


@blueprint.get("/api/v1/notifications")
@scope("read:notifications")
async def index():
    page = read_page(default=40, maximum=80)
    result = await notifications.list_notifications(
        runtime().db, caller().actor, await _selection(await Params.read()), _cursor(page), page.limit, _now()
    )
    return await _with_reports([notification(v) for v in result.items]), 200, link_header(result.page_ids)


@blueprint.get("/api/v1/notifications/unread_count")
@scope("read:notifications")
async def unread_count():
    params = await Params.read()
    cap = params.integer("limit", 100, low=1, high=1000)
    return {"count": await notifications.unread_count(runtime().db, caller().actor, await _selection(params), cap, _now())}


@blueprint.get("/api/v1/notifications/<notification_id>")
@scope("read:notifications")
async def show(notification_id: str):
    found = await notifications.get_notification(runtime().db, caller().actor, record_id(notification_id), _now())
    return (await _with_reports([notification(found)]))[0]


async def _with_reports(rendered: list[dict]) -> list[dict]:
    """admin.report notifications carry their Report, as on Mastodon."""
    ids = [int(n["id"]) for n in rendered if n["type"] == "admin.report"]
    if not ids:
        return rendered
    found = await moderating.reports_for_notifications(runtime().services, ids)
    urls = runtime().urls
    for entity in rendered:
        filed = found.get(int(entity["id"]))
        if filed is not None:
            entity["report"] = report(filed.report, entities.account(filed.target, urls))
    return rendered


@blueprint.post("/api/v1/notifications/clear")
@scope("write:notifications")
async def clear():
    await notifications.clear(runtime().db, caller().actor)
    return {}


@blueprint.post("/api/v1/notifications/<notification_id>/dismiss")
@scope("write:notifications")
async def dismiss(notification_id: str):
    await notifications.dismiss(runtime().db, caller().actor, record_id(notification_id))
    return {}


@blueprint.get("/api/v2/notifications")
@scope("read:notifications")
async def grouped_index():
    page = read_page(default=40, maximum=80)
    params = await Params.read()
    result = await notifications.grouped_page(
        runtime().db, caller().actor, await _selection(params), _grouped_types(params), _cursor(page), page.limit, _now()
    )
    partial = params.text("expand_accounts", max_length=40) == "partial_avatars"
    return _results(result, paginated=True, partial=partial), 200, link_header(result.page_ids)


@blueprint.get("/api/v2/notifications/unread_count")
@scope("read:notifications")
async def grouped_unread_count():
    params = await Params.read()
    cap = params.integer("limit", 100, low=1, high=1000)
    count = await notifications.unread_group_count(
        runtime().db, caller().actor, await _selection(params), _grouped_types(params), cap, _now()
    )
    return {"count": count}


@blueprint.get("/api/v2/notifications/<group_key>")
@scope("read:notifications")
async def grouped_show(group_key: str):
    result = await notifications.get_group(runtime().db, caller().actor, group_key, _now())
    return _results(result, paginated=False, partial=False)


@blueprint.get("/api/v2/notifications/<group_key>/accounts")
@scope("read:notifications")
async def grouped_accounts(group_key: str):
    found = await notifications.group_accounts(runtime().db, caller().actor, group_key, _now())
    return [entities.account(v, runtime().urls) for v in found]


@blueprint.post("/api/v2/notifications/<group_key>/dismiss")
@scope("write:notifications")
async def grouped_dismiss(group_key: str):
    await notifications.dismiss_group(runtime().db, caller().actor, group_key)
    return {}
