"""The signed-in person's notifications and follow requests (layer 6). Reading the notifications
page marks them read; follow requests are answered with accept and reject forms (CSRF checked),
through the same services as the client API, so the answer federates."""

from quart import g, request

from ...services.social import follows, notices, relationships
from ..context import runtime
from .cards import card
from .common import blueprint, check_csrf, form, page, safe_next, see_other, signed_in
from .feed import _post_id

MAX_ROW_ID = 2**63 - 1


async def _unread() -> int:
    current = g.get("redfed_visit")
    if current is None or current.viewer is None:
        return 0
    return await notices.unread(runtime().services, current.viewer)


@blueprint.app_context_processor
async def unread_context() -> dict:
    # A function, so that only a page that shows the menu counts (one query, when signed in).
    return {"unread_notifications": _unread}


@blueprint.get("/notifications")
async def notifications_page():
    rt = runtime()
    _current, viewer = await signed_in()
    found = await notices.read_notifications(rt.services, viewer, _post_id(request.args.get("max_id")))
    items = [
        (item, card(item.status, rt.urls) if item.status else None, item.notification.id > found.read_before)
        for item in found.items
    ]
    return await page("notifications.html", items=items, older=found.older)


@blueprint.get("/follow_requests")
async def follow_requests_page():
    rt = runtime()
    _current, viewer = await signed_in()
    found = await notices.follow_requests(rt.services, viewer, _post_id(request.args.get("max_id")))
    return await page("follow_requests.html", accounts=found.accounts, older=found.older)


@blueprint.post(f"/follow_requests/<int(max={MAX_ROW_ID}):account_id>/<any(accept, reject):answer>")
async def answer_follow_request(account_id: int, answer: str):
    rt = runtime()
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    follower = await relationships.account(rt.services, account_id)
    if answer == "accept":
        await follows.accept_request(rt.services, viewer, follower)
    else:
        await follows.reject_request(rt.services, viewer, follower)
    return see_other(safe_next(fields.get("next"), "/follow_requests"))
