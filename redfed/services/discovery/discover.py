"""What the tag and search pages show (layer 4): posts and listings with a hashtag, and one
search over accounts, posts, hashtags and listings. The search rules are
services/discovery/search.py's (Mastodon's), the listing filters services/shop/listings.py's.
"""

from dataclasses import dataclass, field

from ...errors import NotFound
from ...models import Actor
from ...store.discovery import tag_follows as store
from ...store.id_pages import IdRange
from ...store.shop import listings as listing_store
from ...store.shop.listings import ListingQuery
from .. import views
from ..context import Context
from ..shop import listings, shop
from ..social import timelines
from . import search, tags
from .names import tag_name

PAGE_SIZE = 30
MAX_QUERY = 200


@dataclass(frozen=True)
class TagPage:
    name: str
    posts: list[views.StatusView]
    listings: list[shop.ListingItem]
    following: bool  # whether the signed-in viewer follows the tag
    older: int | None


async def tag_page(ctx: Context, viewer: Actor | None, value: str, max_id: int | None = None) -> TagPage:
    """Public posts with the hashtag, local and known remote ones, and open listings with it."""
    name = tag_name(value)
    found = await timelines.tag(ctx, viewer, name, IdRange(max_id=max_id, limit=PAGE_SIZE), any_of=[], all_of=[],
                                none_of=[], local=False)
    shown = []
    if max_id is None:  # listings on the first page only: they are few and not paged with posts
        pairs = await listings.search(ctx, ListingQuery(tag=name), viewer, IdRange(limit=PAGE_SIZE))
        shown = await shop.listing_items(ctx, pairs, viewer)
    # A listing's post carries the tag too; it is shown once, as a listing.
    listed = {item.listing.post_id for item in shown}
    posts = await views.status_views(ctx.db, [p for p in found if p.id not in listed], viewer)
    following = viewer is not None and await store.is_following(ctx.db.reader, viewer.id, name)
    older = found[-1].id if len(found) == PAGE_SIZE else None
    return TagPage(name, posts, shown, following, older)


@dataclass(frozen=True)
class SearchPage:
    query: str
    accounts: list[views.AccountView] = field(default_factory=list)
    posts: list[views.StatusView] = field(default_factory=list)
    hashtags: list[tags.TagView] = field(default_factory=list)
    listings: list[shop.ListingItem] = field(default_factory=list)


async def search_page(ctx: Context, viewer: Actor | None, text: str, *, resolve: bool = False) -> SearchPage:
    """Accounts, posts, hashtags and listings for what someone typed. Resolving a pasted handle or
    URL on its server needs a signed-in viewer, as on the client API; signed out it is not tried."""
    text = (text or "").strip()[:MAX_QUERY]
    if not text:
        return SearchPage("")
    found = await search.search(
        ctx, viewer, search.SearchQuery(text=text, resolve=resolve and viewer is not None, limit=PAGE_SIZE)
    )
    if text.startswith(("https://", "http://")):
        pairs = await _listing_at(ctx, viewer, text)
    else:
        # "#word" finds listings tagged so; other text, listings whose title or category contains it.
        by_tag = text.startswith(("#", "＃")) and len(text) > 1
        listing_query = ListingQuery(tag=text[1:]) if by_tag else ListingQuery(text=text)
        pairs = await listings.search(ctx, listing_query, viewer, IdRange(limit=PAGE_SIZE))
    return SearchPage(text, found.accounts, found.statuses, found.hashtags, await shop.listing_items(ctx, pairs, viewer))


async def _listing_at(ctx: Context, viewer: Actor | None, url: str) -> list:
    """The listing a pasted URL names (its id, the Proposal's URL), if it is known here."""
    listing = await listing_store.find_listing_by_proposal(ctx.db.reader, url)
    if listing is None:
        return []
    try:
        return [await listings.visible_listing(ctx, listing.post_id, viewer)]
    except NotFound:
        return []
