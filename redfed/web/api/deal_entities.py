"""The Deal entity (layer 6): how the deals API and deal notifications show a deal to one of its
two parties. `role` says which side the viewer is on. FEDERATION.md, "Deals and reviews".
"""

from decimal import Decimal

from ...models import Listing
from ...services.deal_views import DealView
from ...urls import Urls
from . import entities


def _total(quantity: int, listing: Listing | None) -> dict | None:
    if listing is None or listing.price_kind != "fixed":
        return None
    places = len(listing.price_amount.split(".", 1)[1]) if "." in listing.price_amount else 0
    amount = Decimal(listing.price_amount) * quantity
    return {"amount": f"{amount:.{places}f}", "currency": listing.price_currency}


def deal_entity(view: DealView, viewer_id: int, urls: Urls) -> dict:
    deal, listing = view.deal, view.listing
    return {
        "id": str(deal.id),
        "state": deal.state,
        "role": "seller" if deal.seller_id == viewer_id else "buyer",
        "quantity": deal.quantity,
        "total": _total(deal.quantity, listing),
        "listing": {
            "id": str(deal.listing_id),
            "title": listing.title if listing else None,
            "uri": listing.proposal_uri if listing else None,
        },
        "seller": entities.account(view.seller, urls) if view.seller else None,
        "buyer": entities.account(view.buyer, urls) if view.buyer else None,
        "offer_uri": deal.offer_uri,
        "agreement_uri": deal.agreement_uri,
        "payment_url": deal.payment_url,
        "reason": deal.reason,
        "message": deal.message,
        "created_at": entities.iso(deal.created_at),
        "updated_at": entities.iso(deal.updated_at),
    }
