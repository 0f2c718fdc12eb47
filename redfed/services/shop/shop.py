"""What the shop pages show (layer 4): a seller's shop, one listing with its reviews, and a
person's deals. Each is one call for a page, over the listings, deals and reviews services the
client API uses too, so both faces apply the same visibility rules.

Remote sellers are shown from what federation brought here (their listings as received); a shop
page never fetches anything from another server.
"""

from dataclasses import dataclass
from decimal import Decimal

from ...errors import NotFound
from ...models import Actor, Deal, Listing, Review
from ...store import actors as actor_store
from ...store.id_pages import IdRange
from .. import views
from ..accounts import accounts
from ..context import Context
from ..deal_views import deal_views
from . import deals, listings, reviews

SHOP_PAGE = 60
REVIEWS_PAGE = 40
DEALS_PAGE = 40
# Open listings first, then paused, then the ones that ended.
_ORDER = {"open": 0, "paused": 1, "sold": 2, "closed": 3}


@dataclass(frozen=True)
class ListingItem:
    listing: Listing
    view: views.StatusView  # the carrying post, as the viewer may see it
    rating: dict  # {average, count}

    @property
    def available(self) -> bool:
        return self.listing.status == "open" and self.listing.availability != "sold_out" and self.listing.quantity != 0

    @property
    def ended(self) -> bool:
        return self.listing.status in ("sold", "closed")


@dataclass(frozen=True)
class ShopPage:
    seller: views.AccountView
    items: list[ListingItem]  # open first, then paused, then sold and closed; newest first in each
    older: int | None  # max_id of the next page, if there may be one


@dataclass(frozen=True)
class ListingPage:
    item: ListingItem
    seller: views.AccountView
    reviews: list[tuple[Review, views.StatusView]]
    offer_refusal: str | None  # why no offer can be made now (service wording), None when one can
    own_review: Review | None  # the viewer's counted review, if any


@dataclass(frozen=True)
class DealItem:
    deal: Deal
    role: str  # "buyer" or "seller", for the viewer
    listing: Listing | None
    other: Actor  # the other party
    total: tuple[Decimal, str] | None  # (amount, currency) for fixed prices


async def find_seller(ctx: Context, name: str) -> Actor:
    """A local account by username, or a remote one already known here by `user@domain`."""
    username, _, domain = name.partition("@")
    domain = domain.lower()
    if not username or not domain or domain == ctx.config.domain:
        return await accounts.find_local_actor(ctx.db, ctx.config, username)
    actor = await actor_store.find_actor_by_handle(ctx.db.reader, username, domain)
    if actor is None or actor.suspended_at is not None:
        raise NotFound("no such account")
    return actor


async def _items(ctx: Context, pairs, viewer: Actor | None) -> list[ListingItem]:
    shown = await views.status_views(ctx.db, [post for _, post in pairs], viewer)
    rated = await reviews.ratings(ctx, [listing.post_id for listing, _ in pairs])
    return [ListingItem(listing, view, rated[listing.post_id]) for (listing, _), view in zip(pairs, shown)]


async def shop(ctx: Context, viewer: Actor | None, seller: Actor, max_id: int | None = None) -> ShopPage:
    pairs = await listings.seller_listings(ctx, seller, viewer, IdRange(max_id=max_id, limit=SHOP_PAGE))
    items = await _items(ctx, pairs, viewer)
    older = pairs[-1][0].post_id if len(pairs) == SHOP_PAGE else None
    items.sort(key=lambda item: (_ORDER.get(item.listing.status, 9), not item.available, -item.listing.post_id))
    return ShopPage(await views.account_view(ctx.db, seller), items, older)


async def listing_items(ctx: Context, pairs, viewer: Actor | None) -> list[ListingItem]:
    """Listings found elsewhere (search, a tag) as the pages show them."""
    return await _items(ctx, pairs, viewer)


async def listing_page(ctx: Context, viewer: Actor | None, listing_id: int, *, local_seller: str | None = None) -> ListingPage:
    """A listing with its seller and reviews; with `local_seller`, only a local listing of that
    username (the page at the listing's own URL, /users/NAME/listings/ID)."""
    pair = await listings.visible_listing(ctx, listing_id, viewer)
    listing, post = pair
    if local_seller is not None and not (post.is_local and await _sold_by(ctx, listing, local_seller)):
        raise NotFound("Record not found")
    item = (await _items(ctx, [pair], viewer))[0]
    found = await reviews.reviews_of(ctx, listing_id, viewer, IdRange(limit=REVIEWS_PAGE))
    shown = await views.status_views(ctx.db, [post for _, post in found], viewer)
    own = None
    if viewer is not None:
        own = next((r for r, _ in found if r.actor_id == viewer.id), None)
    return ListingPage(
        item, item.view.account, [(r, v) for (r, _), v in zip(found, shown)],
        deals.unavailable_reason(listing, 1), own,
    )


async def _sold_by(ctx: Context, listing: Listing, username: str) -> bool:
    seller = await actor_store.find_actor_by_handle(ctx.db.reader, username, ctx.config.domain)
    return seller is not None and seller.id == listing.actor_id


def deal_total(deal: Deal, listing: Listing | None) -> tuple[Decimal, str] | None:
    if listing is None or listing.price_kind != "fixed" or listing.price_amount is None:
        return None
    return Decimal(listing.price_amount) * deal.quantity, listing.price_currency


async def my_deals(ctx: Context, viewer: Actor, max_id: int | None = None) -> tuple[list[DealItem], int | None]:
    """The viewer's deals as buyer and as seller, newest first, and the next page's max_id."""
    found = await deals.my_deals(ctx, viewer, IdRange(max_id=max_id, limit=DEALS_PAGE))
    items = []
    for view in await deal_views(ctx.db, found):
        role = "seller" if view.deal.seller_id == viewer.id else "buyer"
        other = view.buyer if role == "seller" else view.seller
        items.append(DealItem(view.deal, role, view.listing, other.actor, deal_total(view.deal, view.listing)))
    return items, (found[-1].id if len(found) == DEALS_PAGE else None)

