"""The notifications and follow-request pages (layer 4): a page of the viewer's notifications,
newest first, which counts as reading them (the `notifications` marker the client API shares, so
apps see them read too), and the pending follow requests to answer.
"""

from dataclasses import dataclass

from ...models import Actor
from ...store.id_pages import Cursor, IdRange
from ...store.social.notification_queries import Selection
from ..context import Context
from ..views import AccountView, account_views
from . import markers, notifications, relationships
from .notifications import NotificationView

PAGE_SIZE = 30
UNREAD_CAP = 99  # the menu shows "99" at most


@dataclass(frozen=True)
class NoticePage:
    items: list[NotificationView]
    read_before: int  # the marker before this visit: later ids were unread
    older: int | None  # max_id of the next page, if there may be one


@dataclass(frozen=True)
class RequestPage:
    accounts: list[AccountView]
    older: int | None


async def read_notifications(ctx: Context, viewer: Actor, max_id: int | None, limit: int = PAGE_SIZE) -> NoticePage:
    """One page; the marker moves up to its newest notification (never back)."""
    now = ctx.now_ms()
    before = await markers.last_read(ctx.db, viewer, "notifications")
    found = await notifications.list_notifications(ctx.db, viewer, Selection(), Cursor(max_id=max_id), limit, now)
    newest = max(found.page_ids, default=0)
    if newest > before:
        await markers.set_markers(ctx.db, viewer, {"notifications": str(newest)}, now)
    older = found.page_ids[-1] if len(found.page_ids) == limit else None
    return NoticePage(found.items, before, older)


async def follow_requests(ctx: Context, viewer: Actor, max_id: int | None, limit: int = PAGE_SIZE) -> RequestPage:
    rows = await relationships.listed(ctx, "requests", viewer, IdRange(max_id=max_id, limit=limit))
    older = rows[-1][0] if len(rows) == limit else None
    return RequestPage(await account_views(ctx.db, [actor for _, actor in rows]), older)


async def unread(ctx: Context, viewer: Actor) -> int:
    """How many notifications arrived since the viewer last read them, up to UNREAD_CAP."""
    return await notifications.unread_count(ctx.db, viewer, Selection(), UNREAD_CAP, ctx.now_ms())
