"""The hashtag and search pages (layer 6): posts and listings with a hashtag, following it, and
one search box over accounts, posts, hashtags and listings. A signed-in person may paste a handle
or a URL and have it looked up on its server, as the client API's `resolve=true` does."""

from urllib.parse import quote

from quart import request

from ...errors import NotFound
from ...services.discovery import discover, tags
from ..context import runtime
from ..view_counts import posts_listed
from .cards import card, cards
from .common import _, blueprint, check_csrf, form, page, safe_next, see_other, signed_in, visit

MAX_ROW_ID = 2**63 - 1


def _max_id(value: str | None) -> int | None:
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()) or int(value) > MAX_ROW_ID:
        return None
    return int(value)


@blueprint.get("/tags/<tag>")
async def tag_page(tag: str):
    rt = runtime()
    current = await visit()
    try:
        shown = await discover.tag_page(rt.services, current.viewer, tag, _max_id(request.args.get("max_id")))
    except NotFound:
        raise NotFound(_("No such hashtag.")) from None
    posts_listed(shown.posts, current.viewer, "hashtag")
    return await page(
        "tag.html", tag=shown, cards=cards(shown.posts, rt.urls),
        listing_cards={i.listing.post_id: card(i.view, rt.urls) for i in shown.listings},
    )


@blueprint.post("/tags/<tag>/<any(follow, unfollow):action>")
async def follow_tag(tag: str, action: str):
    rt = runtime()
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    try:
        change = tags.follow_tag if action == "follow" else tags.unfollow_tag
        name = await change(rt.services, viewer, tag)
    except NotFound:
        raise NotFound(_("No such hashtag.")) from None
    return see_other(safe_next(fields.get("next"), f"/tags/{quote(name)}"))


@blueprint.get("/search")
async def search_page():
    rt = runtime()
    current = await visit()
    text = request.args.get("q", "")
    resolve = request.args.get("resolve") == "1" and current.viewer is not None
    shown = await discover.search_page(rt.services, current.viewer, text, resolve=resolve)
    return await page(
        "search.html", results=shown, cards=cards(shown.posts, rt.urls), resolve=resolve,
        listing_cards={i.listing.post_id: card(i.view, rt.urls) for i in shown.listings},
    )
