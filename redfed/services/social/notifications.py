"""Reading notifications (layer 4): Mastodon's v1 list and v2 grouped notifications, dismissing
them, and unread counts against the notifications marker. services/notify.py writes them.

Grouping as Mastodon 4.3 does it: favourites and boosts of one post share the group_key written
with the row; follows group by 12-hour bucket, as Mastodon's MAXIMUM_GROUP_SPAN_HOURS; every other
notification, and any type the client leaves out of grouped_types, is `ungrouped-<id>`. A v2 page
holds `limit` groups; counts and samples cover the notifications inside the page's id range, so a
large group can continue on the next page, where clients merge it by group_key.

The viewer's filters for the `notifications` context mark statuses (`filtered`); `hide` filters
drop the notification.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ...db.api import Database
from ...errors import NotFound
from ...models import Actor
from ...store import views as view_store
from ...store.id_pages import Cursor
from ...store.moderation import severances as severance_store
from ...store.social import notification_queries as store
from ...store.social.notification_queries import Grouping, GroupRef, NotificationRow, Selection
from ..deal_views import DealView, deal_views_by_id
from ..views import AccountView, StatusView, account_views, status_views
from . import filters, markers

GROUPABLE = ("favourite", "follow", "reblog")
_KEYED = ("favourite", "reblog")
_BUCKETED = ("follow",)
FOLLOW_SPAN_MS = 12 * 3600 * 1000
SAMPLE_ACCOUNTS = 8
NOT_FOUND = "Record not found"
_MAX_ID = 2**63 - 1


def grouping(grouped_types: Iterable[str] | None = None) -> Grouping:
    """Grouping for a request's grouped_types[] (None: every type Mastodon groups)."""
    allowed = set(GROUPABLE if grouped_types is None else grouped_types)
    return Grouping(tuple(t for t in _KEYED if t in allowed), tuple(t for t in _BUCKETED if t in allowed), FOLLOW_SPAN_MS)


@dataclass(frozen=True)
class NotificationView:
    notification: NotificationRow
    group_key: str
    account: AccountView
    status: StatusView | None
    filtered: list[dict]
    deal: DealView | None = None  # redfed.offer and redfed.deal: the deal, as the deals API shows it
    event: severance_store.Severance | None = None  # for severed_relationships


@dataclass(frozen=True)
class NotificationPage:
    items: list[NotificationView]
    page_ids: list[int]  # every id the page covered, dropped ones too, for the Link header


@dataclass(frozen=True)
class GroupView:
    group_key: str
    type: str
    count: int
    most_recent_id: int
    page_min_id: int
    page_max_id: int
    latest_at: int
    sample_account_ids: list[int]
    post_id: int | None
    deal_id: int | None = None
    event: severance_store.Severance | None = None  # for severed_relationships


@dataclass(frozen=True)
class GroupedPage:
    groups: list[GroupView]
    accounts: dict[int, AccountView]
    statuses: list[StatusView]
    filtered: dict[int, list[dict]]
    page_ids: list[int]
    deals: dict[int, DealView] | None = None


async def list_notifications(
    db: Database, viewer: Actor, selection: Selection, cursor: Cursor, limit: int, now: int
) -> NotificationPage:
    rows = await store.list_page(db.reader, viewer.id, selection, now, cursor, limit)
    return NotificationPage(await _views(db, viewer, rows, now), [r.id for r in rows])


async def get_notification(db: Database, viewer: Actor, notification_id: int, now: int) -> NotificationView:
    row = await store.get_visible(db.reader, viewer.id, notification_id, now) if notification_id <= _MAX_ID else None
    found = await _views(db, viewer, [row], now, keep_hidden=True) if row else []
    if not found:
        raise NotFound(NOT_FOUND)
    return found[0]


async def clear(db: Database, viewer: Actor) -> None:
    async with db.transaction() as conn:
        await store.delete_all(conn, viewer.id)


async def dismiss(db: Database, viewer: Actor, notification_id: int) -> None:
    async with db.transaction() as conn:
        if notification_id > _MAX_ID or not await store.delete_one(conn, viewer.id, notification_id):
            raise NotFound(NOT_FOUND)


async def unread_count(db: Database, viewer: Actor, selection: Selection, cap: int, now: int) -> int:
    """Notifications newer than the notifications marker, up to `cap`."""
    after = await markers.last_read(db, viewer, "notifications")
    return await store.count_newer(db.reader, viewer.id, selection, now, after, cap)


async def unread_group_count(
    db: Database, viewer: Actor, selection: Selection, grouped_types: Iterable[str] | None, cap: int, now: int
) -> int:
    """Notification groups with a notification newer than the notifications marker, up to `cap`."""
    after = await markers.last_read(db, viewer, "notifications")
    return await store.count_newer_groups(db.reader, viewer.id, selection, now, grouping(grouped_types), after, cap)


async def grouped_page(
    db: Database, viewer: Actor, selection: Selection, grouped_types: Iterable[str] | None, cursor: Cursor, limit: int, now: int
) -> GroupedPage:
    rules = grouping(grouped_types)
    anchors = await store.group_anchors(db.reader, viewer.id, selection, now, rules, cursor, limit)
    if not anchors:
        return GroupedPage([], {}, [], {}, [])
    full = len(anchors) == limit
    if cursor.min_id is not None:  # scanning up: anchors are each group's oldest id, ascending
        low = anchors[0]
        high = anchors[-1] if full else (cursor.max_id - 1 if cursor.max_id is not None else _MAX_ID)
    else:
        high = anchors[0]
        low = anchors[-1] if full else max(cursor.since_id or 0, cursor.min_id or 0) + 1
    rows = await store.rows_between(db.reader, viewer.id, selection, now, low, high)
    return await _grouped(db, viewer, rows, rules, now, [r.id for r in rows])


async def get_group(db: Database, viewer: Actor, group_key: str, now: int) -> GroupedPage:
    rows = await _group_rows(db, viewer, group_key, now)
    return await _grouped(db, viewer, rows, grouping(), now, [])


async def group_accounts(db: Database, viewer: Actor, group_key: str, now: int) -> list[AccountView]:
    rows = await _group_rows(db, viewer, group_key, now)
    actors = await view_store.actors_by_ids(db.reader, [r.from_id for r in rows])
    ordered = [actors[i] for i in dict.fromkeys(r.from_id for r in rows) if i in actors]
    return await account_views(db, ordered)


async def dismiss_group(db: Database, viewer: Actor, group_key: str) -> None:
    ref = _ref(group_key)
    if ref is not None:
        async with db.transaction() as conn:
            await store.delete_group(conn, viewer.id, ref)


def _ref(group_key: str) -> GroupRef | None:
    """The rows a group key names, or None for a key that cannot name any."""
    if match := re.fullmatch(r"ungrouped-(\d{1,19})", group_key, re.ASCII):
        return GroupRef(notification_id=int(match[1])) if int(match[1]) <= _MAX_ID else None
    if match := re.fullmatch(r"(follow)-(\d{1,12})", group_key, re.ASCII):
        start = int(match[2]) * FOLLOW_SPAN_MS
        return GroupRef(types=(match[1],), created_from=start, created_before=start + FOLLOW_SPAN_MS)
    if re.fullmatch(r"(favourite|reblog)-\S{1,100}", group_key):
        return GroupRef(types=_KEYED, group_key=group_key)
    return None


async def _group_rows(db: Database, viewer: Actor, group_key: str, now: int) -> list[NotificationRow]:
    ref = _ref(group_key)
    rows = await store.group_rows(db.reader, viewer.id, ref, now) if ref else []
    if not rows:
        raise NotFound(NOT_FOUND)
    return rows


async def _grouped(
    db: Database, viewer: Actor, rows: list[NotificationRow], rules: Grouping, now: int, page_ids: list[int]
) -> GroupedPage:
    members: dict[str, list[NotificationRow]] = {}
    for row in rows:  # newest first, so each group's list is too
        members.setdefault(rules.key_of(row), []).append(row)
    groups = [
        GroupView(
            group_key=key, type=group[0].type, count=len(group), most_recent_id=group[0].id, page_min_id=group[-1].id,
            page_max_id=group[0].id, latest_at=group[0].created_at,
            sample_account_ids=list(dict.fromkeys(r.from_id for r in group))[:SAMPLE_ACCOUNTS], post_id=group[0].post_id,
            deal_id=group[0].deal_id,
        )
        for key, group in members.items()
    ]
    events = await severance_store.for_notifications(
        db.reader, [g.most_recent_id for g in groups if g.type == "severed_relationships"]
    )
    groups = [replace(g, event=events[g.most_recent_id]) if g.most_recent_id in events else g for g in groups]
    actors = await view_store.actors_by_ids(db.reader, [a for g in groups for a in g.sample_account_ids])
    accounts = {v.actor.id: v for v in await account_views(db, list(actors.values()))}
    posts = await view_store.posts_by_ids(db.reader, [g.post_id for g in groups if g.post_id])
    statuses = await status_views(db, list(posts.values()), viewer)
    matched = await filters.filter_results(db, viewer.id, "notifications", statuses, now=now)
    hidden = {post_id for post_id, results in matched.items() if filters.hides(results)}
    groups = [g for g in groups if g.post_id not in hidden and (g.post_id is None or g.post_id in posts)]
    shown = [s for s in statuses if s.post.id not in hidden]
    deals = await deal_views_by_id(db, [g.deal_id for g in groups if g.deal_id])
    return GroupedPage(sorted(groups, key=lambda g: -g.page_max_id), accounts, shown, matched, page_ids, deals)


async def _views(
    db: Database, viewer: Actor, rows: list[NotificationRow], now: int, keep_hidden: bool = False
) -> list[NotificationView]:
    actors = await view_store.actors_by_ids(db.reader, [r.from_id for r in rows])
    accounts = {v.actor.id: v for v in await account_views(db, list(actors.values()))}
    posts = await view_store.posts_by_ids(db.reader, [r.post_id for r in rows if r.post_id])
    statuses = {v.post.id: v for v in await status_views(db, list(posts.values()), viewer)}
    matched = await filters.filter_results(db, viewer.id, "notifications", list(statuses.values()), now=now)
    deals = await deal_views_by_id(db, [r.deal_id for r in rows if r.deal_id])
    events = await severance_store.for_notifications(db.reader, [r.id for r in rows if r.type == "severed_relationships"])
    rules = grouping()
    views = []
    for row in rows:
        results = matched.get(row.post_id, []) if row.post_id else []
        if row.from_id not in accounts or (row.post_id and row.post_id not in statuses):
            continue
        if filters.hides(results) and not keep_hidden:
            continue
        views.append(NotificationView(
            row, rules.key_of(row), accounts[row.from_id], statuses.get(row.post_id), results, deals.get(row.deal_id),
            events.get(row.id),
        ))
    return views
