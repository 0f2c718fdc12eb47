"""The admin's trends page (layer 6): the hashtags that trend now, each to allow or keep from the
public trends, as Mastodon's admins review them. Admins only; every form carries the CSRF token."""

from ...errors import NotFound
from ...services.discovery import trends
from ..context import runtime
from .admin import admin_visit
from .common import _, blueprint, check_csrf, form, page, see_other

TRENDS_PATH = "/admin/trends"
SHOWN = 50


@blueprint.get(TRENDS_PATH)
async def trends_page():
    current, _user = await admin_visit()
    candidates = await trends.tag_candidates(runtime().services, current.viewer, SHOWN)
    return await page("admin/trends.html", candidates=candidates)


@blueprint.post(f"{TRENDS_PATH}/tags/<name>/<any(approve, reject):action>")
async def review_tag(name: str, action: str):
    current, _user = await admin_visit()
    check_csrf(current, (await form()).get("csrf_token"))
    try:
        await trends.review_tag(runtime().services, current.viewer, name, approve=action == "approve")
    except NotFound:
        raise NotFound(_("No such hashtag.")) from None
    return see_other(TRENDS_PATH)
