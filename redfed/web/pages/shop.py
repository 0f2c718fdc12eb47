"""The shop pages (layer 6): a seller's shop, a listing's page with its offer and review forms.

A local listing's page is at the listing's own id, `/users/NAME/listings/ID`, which still answers
ActivityPub clients with the Proposal; listings received from other servers have their page under
`/listings/ID`. Offers and reviews go through the deals and reviews services, so they federate.
"""

from quart import request

from ...errors import NotFound, RedfedError
from ...federation.deals import MAX_QUANTITY
from ...protocol import as2
from ...services.shop import deals, listings, reviews, shop
from ..context import runtime
from ..listings import proposal_response
from . import listing_text
from .cards import card, cards, photos_of
from .common import N_, _, blueprint, check_csrf, form, page, see_other, signed_in, visit
from .translations import translation_context

MAX_ROW_ID = 2**63 - 1
MAX_REVIEW_TEXT = reviews.MAX_TEXT

# The deals and reviews services' refusals, in the visitor's language (others are shown as they are).
REFUSALS = {
    "this listing is paused": N_("This listing is paused: the seller is not taking offers for now."),
    "this listing is sold": N_("This listing is sold."),
    "this listing is closed": N_("This listing is closed."),
    "this listing is sold out": N_("This listing is sold out."),
    "you cannot make an offer on your own listing": N_("You cannot make an offer on your own listing."),
    "you cannot make offers to this seller": N_("You cannot make offers to this seller."),
    "you cannot review your own listing": N_("You cannot review your own listing."),
    "rating must be a whole number from 1 to 5": N_("Choose a rating from 1 to 5 stars."),
}


def refusal_text(message: str) -> str:
    if message in REFUSALS:
        return _(REFUSALS[message])
    if message.startswith("only ") and message.endswith(" left"):
        return _("Only %(num)s left.") % {"num": message[len("only "):-len(" left")]}
    if message.startswith("quantity must be"):
        return _("Enter how many you want: a whole number from 1 to %(max)s.") % {"max": f"{MAX_QUANTITY:,}"}
    if message.startswith("a message is at most"):
        return _("A message can be at most %(num)d characters.") % {"num": deals.MAX_MESSAGE}
    if message.startswith("a review's text is at most"):
        return _("A review can be at most %(num)d characters.") % {"num": MAX_REVIEW_TEXT}
    return message


def _listing_id(value: str) -> int:
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()) or int(value) > MAX_ROW_ID:
        raise NotFound(_("No such listing."))
    return int(value)


@blueprint.record_once
def _install(state) -> None:
    listing_text.install(state.app.jinja_env)


@blueprint.get("/@<username>/shop")
async def shop_page(username: str):
    rt = runtime()
    current = await visit()
    seller = await shop.find_seller(rt.services, username)
    max_id = request.args.get("max_id", "")
    shown = await shop.shop(rt.services, current.viewer, seller, _listing_id(max_id) if max_id else None)
    return await page(
        "shop.html", seller=seller, shop=shown, cards={i.listing.post_id: card(i.view, rt.urls) for i in shown.items},
    )


async def _shown(listing_id: int, local_seller: str | None = None) -> shop.ListingPage:
    rt = runtime()
    current = await visit()
    try:
        return await shop.listing_page(rt.services, current.viewer, listing_id, local_seller=local_seller)
    except NotFound:
        raise NotFound(_("No such listing.")) from None


async def _listing_page(listing_id: int, *, status: int = 200, **extra):
    return await _render_listing(await _shown(listing_id), status, **extra)


async def _render_listing(shown: shop.ListingPage, status: int = 200, *, fields: dict | None = None, **extra):
    rt = runtime()
    post = shown.item.view.post
    translating = await translation_context(post)
    if translating["translation"] is not None:
        translating["translation_description"] = listing_text.description_html(translating["translation"].content)
    response = await page(
        "listing.html", status, shown=shown, listing=shown.item.listing, post=post, seller=shown.seller.actor,
        photos=photos_of(shown.item.view, rt.urls), review_cards=cards([v for _, v in shown.reviews], rt.urls),
        refusal=refusal_text(shown.offer_refusal) if shown.offer_refusal else None,
        ratings={v.post.id: r.rating for r, v in shown.reviews}, fields=fields or {}, max_message=deals.MAX_MESSAGE,
        path=listing_text.listing_path(shown.item.listing, post.is_local),
        description=listing_text.description_html(post.content), **translating, **extra,
    )
    response.vary.add("Accept")
    return response


@blueprint.get(f"/users/<username>/listings/<int(max={MAX_ROW_ID}):listing_id>")
async def local_listing(username: str, listing_id: int):
    if as2.wants_activitypub(request.headers.get("Accept")):
        return await proposal_response(username, listing_id)
    return await _render_listing(await _shown(listing_id, local_seller=username))


@blueprint.get("/listings/<listing_id>")
async def listing(listing_id: str):
    shown = await _shown(_listing_id(listing_id))
    if shown.item.view.post.is_local:
        return see_other(listing_text.listing_path(shown.item.listing, True))
    return await _render_listing(shown)


@blueprint.post("/listings/<listing_id>/offer")
async def offer(listing_id: str):
    rt = runtime()
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    found = _listing_id(listing_id)
    try:
        await deals.make_offer(rt.services, viewer, found, fields.get("quantity", "")[:40], fields.get("message", ""))
    except RedfedError as error:
        if error.status >= 500 or error.status == 404:
            raise
        kept = {"quantity": fields.get("quantity", "")[:40], "message": fields.get("message", "")[: deals.MAX_MESSAGE + 100]}
        return await _listing_page(found, status=422, offer_error=refusal_text(error.message), fields=kept)
    return see_other("/deals")


@blueprint.post("/listings/<listing_id>/<any(open, paused, sold, closed):status>")
async def set_status(listing_id: str, status: str):
    """The seller reopens, pauses, marks sold or closes a listing (an Update reaches followers)."""
    rt = runtime()
    current, viewer = await signed_in()
    check_csrf(current, (await form()).get("csrf_token"))
    try:
        listing, post = await listings.set_status(rt.services, viewer, _listing_id(listing_id), status)
    except NotFound:
        raise NotFound(_("No such listing.")) from None
    return see_other(listing_text.listing_path(listing, post.is_local))


@blueprint.post("/listings/<listing_id>/review")
async def review(listing_id: str):
    rt = runtime()
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    found = _listing_id(listing_id)
    text = fields.get("text", "")
    try:
        await reviews.review(rt.services, viewer, found, fields.get("rating"), text)
    except RedfedError as error:
        if error.status >= 500 or error.status == 404:
            raise
        return await _listing_page(found, status=422, review_error=refusal_text(error.message),
                                   fields={"rating": fields.get("rating", ""), "text": text[:MAX_REVIEW_TEXT + 100]})
    shown = await _shown(found)
    return see_other(listing_text.listing_path(shown.item.listing, shown.item.view.post.is_local) + "#reviews")
