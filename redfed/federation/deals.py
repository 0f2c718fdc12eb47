"""Deals and reviews ↔ ActivityStreams (layer 3, pure): FEP-0837 Offer of an Agreement, the
seller's Accept (with the finalized Agreement) or Reject, the "paid" Update of the Agreement, and
the rating marker on review Notes. FEDERATION.md, "Deals and reviews", documents the shapes.
https://codeberg.org/fediverse/fep/src/branch/main/fep/0837/fep-0837.md
"""

import html
import re
from decimal import Decimal

from ..errors import BadRequest
from ..models import Listing
from ..protocol import as2
from .listings import LISTING_TERMS

DEAL_CONTEXT = [
    as2.AS_CONTEXT,
    {
        **LISTING_TERMS,
        "Agreement": "vf:Agreement",
        "Commitment": "vf:Commitment",
        "stipulates": "vf:stipulates",
        "stipulatesReciprocal": "vf:stipulatesReciprocal",
        "satisfies": {"@id": "vf:satisfies", "@type": "@id"},
        "dealState": "redfed:dealState",
    },
]
# The review marker: a Note replying to a listing's post carries `rating` (1-5) beside its text.
RATING_TERMS = {"redfed": "https://w3id.org/redfed#", "rating": "redfed:rating"}
MAX_QUANTITY = 1_000_000
_DIGITS = re.compile(r"\d{1,7}")


def agreement_uri(seller_uri: str, deal_id: int) -> str:
    """Where the seller's finalized Agreement lives (served to the two parties only)."""
    return f"{seller_uri}/agreements/{deal_id}"


def _quantity(value: int | str) -> dict:
    return {"hasUnit": "one", "hasNumericalValue": str(value)}


def agreement(
    agreement_id: str | None, proposal_uri: str, quantity: int, listing: Listing, *,
    payment_url: str | None = None, state: str | None = None,
) -> dict:
    """An Agreement stipulating `quantity` of the listing's primary intent and, for a fixed price,
    the matching amount of its reciprocal intent."""
    doc: dict = {"type": "Agreement"}
    if agreement_id:
        doc["id"] = agreement_id
    doc["stipulates"] = {
        "type": "Commitment", "satisfies": f"{proposal_uri}#primary", "resourceQuantity": _quantity(quantity),
        **({"id": f"{agreement_id}#primary"} if agreement_id else {}),
    }
    if listing.price_kind == "fixed":
        total = Decimal(listing.price_amount) * quantity
        doc["stipulatesReciprocal"] = {
            "type": "Commitment", "satisfies": f"{proposal_uri}#reciprocal",
            "resourceConformsTo": f"urn:iso:std:iso:4217:{listing.price_currency}",
            "resourceQuantity": _quantity(f"{total:.{_places(listing.price_amount)}f}"),
            **({"id": f"{agreement_id}#reciprocal"} if agreement_id else {}),
        }
    if payment_url:
        # FEP-0ea0 payment link, as the listing's own checkout link is published.
        doc["url"] = {"type": "Link", "href": payment_url, "mediaType": "text/html", "rel": ["payment"]}
    if state:
        doc["dealState"] = state
    return doc


def _places(amount: str) -> int:
    return len(amount.split(".", 1)[1]) if "." in amount else 0


def agreement_document(agreement_doc: dict, seller_uri: str, buyer_uri: str) -> dict:
    """The Agreement as served at its id: the seller's, addressed to the buyer only."""
    return {"@context": DEAL_CONTEXT, **agreement_doc, "attributedTo": seller_uri, "to": [buyer_uri]}


def offer_activity(
    offer_id: str, buyer_uri: str, seller_uri: str, proposal_uri: str, quantity: int, listing: Listing,
    message: str | None = None,
) -> dict:
    doc = as2.activity("Offer", offer_id, buyer_uri, agreement(None, proposal_uri, quantity, listing), to=[seller_uri])
    if message:
        # The buyer's words as the Offer's content (HTML, as AS2 content is).
        doc["content"] = "<p>" + html.escape(message).replace("\n", "<br>") + "</p>"
    return {**doc, "@context": DEAL_CONTEXT}


def message_of(offer: dict, limit: int) -> str | None:
    """The plain text of a received Offer's content, cut at `limit` characters; None when absent."""
    content = offer.get("content")
    if not isinstance(content, str):
        return None
    text = re.sub(r"<br\s*/?>", "\n", content[:20_000], flags=re.I)
    text = html.unescape(re.sub(r"<[^>]*>", "", text)).strip()
    return text[:limit] or None


def answer_activity(
    kind: str, activity_id: str, seller_uri: str, buyer_uri: str, offer_id: str, *, result: dict | None = None,
    summary: str | None = None,
) -> dict:
    """The seller's Accept (with the finalized Agreement as `result`) or Reject (with a `summary`)."""
    doc = {**as2.activity(kind, activity_id, seller_uri, offer_id, to=[buyer_uri]), "@context": DEAL_CONTEXT}
    if result is not None:
        doc["result"] = result
    if summary:
        doc["summary"] = summary
    return doc


def paid_activity(activity_id: str, seller_uri: str, buyer_uri: str, agreement_doc: dict) -> dict:
    """The receipt: an Update of the seller's Agreement with `dealState: paid`."""
    return {**as2.activity("Update", activity_id, seller_uri, agreement_doc, to=[buyer_uri]), "@context": DEAL_CONTEXT}


def read_offer(offer: dict) -> tuple[str, int]:
    """(proposal uri, quantity) of a received Offer of an Agreement; BadRequest when malformed."""
    obj = offer.get("object")
    if not isinstance(obj, dict) or obj.get("type") != "Agreement":
        raise BadRequest("an Offer must carry an Agreement")
    primary = obj.get("stipulates")
    primary = primary[0] if isinstance(primary, list) and primary else primary
    if not isinstance(primary, dict):
        raise BadRequest("the Agreement stipulates nothing")
    satisfies = as2.get_id(primary.get("satisfies"))
    if not isinstance(satisfies, str) or not satisfies.endswith("#primary"):
        raise BadRequest("the Agreement does not satisfy a Proposal's primary intent")
    amount = primary.get("resourceQuantity")
    value = str(amount.get("hasNumericalValue", "")) if isinstance(amount, dict) else ""
    return satisfies.removesuffix("#primary"), check_quantity(value)


def check_quantity(value) -> int:
    """A whole number of items from 1 to MAX_QUANTITY, else BadRequest."""
    text = str(value).strip() if not isinstance(value, bool) and value is not None else ""
    if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= MAX_QUANTITY:
        raise BadRequest(f"quantity must be a whole number from 1 to {MAX_QUANTITY}")
    return int(text)


def payment_url_of(agreement_doc) -> str | None:
    """The payment link of a finalized Agreement: a Link with rel payment, or a plain URL."""
    if not isinstance(agreement_doc, dict):
        return None
    for item in as2.as_list(agreement_doc.get("url")):
        href = item if isinstance(item, str) else item.get("href") if isinstance(item, dict) else None
        if isinstance(href, str) and re.fullmatch(r"https?://[^\s<>\"]{1,2000}", href):
            return href
    return None


# Reviews ---------------------------------------------------------------------------------------


def stars(rating: int) -> str:
    """The first line of a review, so that Mastodon readers see the rating: "★★★★☆ 4/5"."""
    return f"{'★' * rating}{'☆' * (5 - rating)} {rating}/5"


def with_rating(note: dict, rating: int) -> dict:
    context = as2.as_list(note.get("@context")) or [as2.AS_CONTEXT]
    return {**note, "@context": [*context, RATING_TERMS], "rating": rating}


def rating_of(note) -> int | None:
    """The rating a received Note carries, if it is a whole number from 1 to 5."""
    value = note.get("rating") if isinstance(note, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5 else None
