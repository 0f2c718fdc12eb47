"""Deals as clients see them (layer 4): each deal with its listing and both parties' account views,
loaded in a few queries for a page of deals or of notifications that name deals.

The deals API and the `deal` object of `redfed.offer` / `redfed.deal` notifications both render
these, so a client sees one shape wherever a deal appears.
"""

from dataclasses import dataclass

from ..db.api import Database
from ..models import Deal, Listing
from ..store import views as view_store
from ..store.shop import deals as store
from ..store.shop import listings as listing_store
from .views import AccountView, account_views


@dataclass(frozen=True)
class DealView:
    deal: Deal
    listing: Listing | None
    seller: AccountView | None
    buyer: AccountView | None


async def deal_views(db: Database, deals: list[Deal]) -> list[DealView]:
    """Views of `deals`, in order."""
    actors = await view_store.actors_by_ids(db.reader, {i for d in deals for i in (d.buyer_id, d.seller_id)})
    accounts = {v.actor.id: v for v in await account_views(db, list(actors.values()))}
    listings: dict[int, Listing | None] = {}
    for deal in deals:
        if deal.listing_id not in listings:
            listings[deal.listing_id] = await listing_store.get_listing(db.reader, deal.listing_id)
    return [
        DealView(deal, listings.get(deal.listing_id), accounts.get(deal.seller_id), accounts.get(deal.buyer_id))
        for deal in deals
    ]


async def deal_views_by_id(db: Database, deal_ids: list[int]) -> dict[int, DealView]:
    found = [deal for deal in [await store.get_deal(db.reader, i) for i in dict.fromkeys(deal_ids)] if deal]
    return {view.deal.id: view for view in await deal_views(db, found)}
