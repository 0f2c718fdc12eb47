"""Listings (layer 6): redfed's client API extension under /api/v1/listings, documented in
FEDERATION.md ("Listings API"). Same tokens, scopes, errors and pagination as the Mastodon API;
a listing's id is the id of the status that carries it, so Mastodon apps see that status as usual.
"""

from quart import Blueprint

from ...models import Listing
from ...services import views
from ...services.media import media
from ...services.shop import listings, reviews
from ...services.social import relationships
from ...store.shop.listings import ListingQuery
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, optional_token, scope, viewer
from .pagination import link_header, read_page
from .params import Params

blueprint = Blueprint("api_listings", __name__)

# Plain text fields a request may carry, and their length limits (the service checks meaning).
_TEXT_FIELDS = {"title": 1_000, "quantity": 20, "availability": 40, "condition": 40, "category": 1_000, "checkout_url": 4_000}
_SEARCH_FIELDS = {
    "text": "q", "tag": "tag", "category": "category", "currency": "currency", "min_price": "min_price", "max_price": "max_price",
}
_ACTIONS = {"pause": "paused", "sell": "sold", "close": "closed", "reopen": "open"}


def _changes(params: Params) -> dict:
    """The listing fields present in the request (form, query or JSON); absent ones stay as they are."""
    changes = {name: params.text(name, max_length=limit) for name, limit in _TEXT_FIELDS.items() if params.has(name)}
    if params.has("regions"):
        changes["regions"] = params.strings("regions", max_items=50)
    price = params.nested("price")
    for part in ("kind", "amount", "currency"):
        if price.has(part):
            changes[f"price_{part}"] = price.text(part, max_length=60)
    return changes


async def _photos(params: Params, seller, post_id: int | None = None) -> list | None:
    if not params.has("media_ids"):
        return None
    ids = params.records("media_ids", max_items=listings.MAX_PHOTOS + 1)
    return await media.claim_for_post(runtime().db, seller.id, ids, max_attachments=listings.MAX_PHOTOS, post_id=post_id)


def _entity(listing: Listing, view: views.StatusView, rating: dict) -> dict:
    status = entities.status(view, runtime().urls)
    return {
        "id": str(listing.post_id),
        "uri": listing.proposal_uri,
        "url": view.post.url,
        "title": listing.title,
        "price": {"amount": listing.price_amount, "currency": listing.price_currency, "kind": listing.price_kind},
        "quantity": listing.quantity,
        "availability": listing.availability,
        "condition": listing.condition,
        "category": listing.category,
        "regions": list(listing.regions),
        "checkout_url": listing.checkout_url,
        "state": listing.status,
        "paid_partnership": view.post.paid_partnership,
        "rating": rating,  # {average, count} of the counted reviews (deals and reviews increment)
        "seller": status["account"],
        "seller_instance": view.account.actor.domain,
        "status": status,
        "created_at": entities.iso(listing.created_at),
        "updated_at": entities.iso(listing.updated_at),
    }


async def _render(pairs: list) -> list[dict]:
    shown = await views.status_views(runtime().db, [post for _, post in pairs], viewer())
    rated = await reviews.ratings(runtime().services, [listing.post_id for listing, _ in pairs])
    return [_entity(listing, view, rated[listing.post_id]) for (listing, _), view in zip(pairs, shown)]


async def _one(pair) -> dict:
    return (await _render([pair]))[0]


@blueprint.post("/api/v1/listings")
@scope("write:statuses")
async def create():
    rt, seller = runtime(), caller().actor
    params = await Params.read()
    photos = await _photos(params, seller) or []
    pair = await listings.create_listing(
        rt.services, seller, _changes(params), params.text("description", "", max_length=20_000),
        media=photos, visibility=params.text("visibility", max_length=20) or "public",
        language=params.text("language", max_length=10), app_id=caller().app_id,
        paid_partnership=bool(params.flag("paid_partnership", False)),
    )
    return await _one(pair)


@blueprint.get("/api/v1/listings")
@optional_token
async def search():
    args = Params.query()
    query = ListingQuery(**{field: args.text(name, max_length=1_000) for field, name in _SEARCH_FIELDS.items()})
    found = await listings.search(runtime().services, query, viewer(), read_page())
    return await _render(found), 200, link_header([listing.post_id for listing, _ in found])


@blueprint.get("/api/v1/listings/<listing_id>")
@optional_token
async def show(listing_id: str):
    return await _one(await listings.visible_listing(runtime().services, record_id(listing_id), viewer()))


@blueprint.put("/api/v1/listings/<listing_id>")
@scope("write:statuses")
async def edit(listing_id: str):
    rt, seller = runtime(), caller().actor
    listing, _ = await listings.own_listing(rt.services, seller, record_id(listing_id))
    params = await Params.read()
    pair = await listings.edit_listing(
        rt.services, seller, listing.post_id, _changes(params),
        description=params.text("description", max_length=20_000), media=await _photos(params, seller, listing.post_id),
        paid_partnership=params.flag("paid_partnership"),
    )
    return await _one(pair)


@blueprint.delete("/api/v1/listings/<listing_id>")
@scope("write:statuses")
async def delete(listing_id: str):
    rt, seller = runtime(), caller().actor
    pair = await listings.own_listing(rt.services, seller, record_id(listing_id))
    entity = await _one(pair)  # as it was, like a deleted status
    await listings.delete_listing(rt.services, seller, pair[0].post_id)
    return entity


def _status_view(action: str):
    @scope("write:statuses")
    async def view(listing_id: str):
        rt = runtime()
        return await _one(await listings.set_status(rt.services, caller().actor, record_id(listing_id), _ACTIONS[action]))

    view.__name__ = f"listing_{action}"
    return view


for _action in _ACTIONS:
    blueprint.add_url_rule(f"/api/v1/listings/<listing_id>/{_action}", view_func=_status_view(_action), methods=["POST"])


@blueprint.get("/api/v1/accounts/<account_id>/listings")
@optional_token
async def by_seller(account_id: str):
    rt = runtime()
    seller = await relationships.account(rt.services, record_id(account_id))
    found = await listings.seller_listings(rt.services, seller, viewer(), read_page())
    return await _render(found), 200, link_header([listing.post_id for listing, _ in found])
