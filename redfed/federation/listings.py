"""Listings ↔ ActivityStreams (layer 3, pure): the FEP-0837 Proposal a listing publishes, the Note
that carries it, reading both back, and the price vocabulary both directions share (ISO 4217).

Shape (FEDERATION.md, "Listings"): everyone receives a plain `Note` (photos, a first line with
title and price, the description, a link to the listing); the Note also carries the full
`Proposal` under the extension property `proposal`, which Mastodon, GoToSocial and Pixelfed
ignore as they ignore every unknown property, and the Proposal alone is served at its own id.
https://codeberg.org/fediverse/fep/src/branch/main/fep/0837/fep-0837.md
"""

import html
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..content import sanitize_remote_html
from ..errors import BadRequest, Unprocessable
from ..protocol import as2
from ..protocol.http_urls import http_url
from ..models import Listing

# Active ISO 4217 currencies and their minor units (decimal places). Funds and precious metals
# without minor units, testing codes and withdrawn currencies are left out on purpose.
CURRENCY_MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(
        "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD "
        "CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP "
        "GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD "
        "MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP "
        "PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT "
        "TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG".split(),
        2,
    ),
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
    **dict.fromkeys("CLF UYW".split(), 4),
}
MAX_PRICE = Decimal(1_000_000_000)
PRICE_KINDS = ("fixed", "free", "on_request")
AVAILABILITIES = ("in_stock", "sold_out", "made_to_order")
CONDITIONS = ("new", "used", "refurbished")
STATUSES = ("open", "paused", "sold", "closed")
MAX_TITLE = 200
MAX_REGIONS = 20

# How a currency is named in resourceConformsTo: ISO's URN for the standard plus the code. The
# FEP's own example names US dollars by their Wikidata item, which we read too.
CURRENCY_URN = "urn:iso:std:iso:4217:"
_WIKIDATA_CURRENCIES = {"https://www.wikidata.org/wiki/Q4917": "USD", "http://www.wikidata.org/entity/Q4917": "USD"}
SCHEMA = "https://schema.org/"
_AVAILABILITY_TERMS = {"in_stock": "InStock", "sold_out": "SoldOut", "made_to_order": "MadeToOrder"}
_CONDITION_TERMS = {"new": "NewCondition", "used": "UsedCondition", "refurbished": "RefurbishedCondition"}
PROPOSAL_RELATION = "https://w3id.org/valueflows/ont/vf#Proposal"

# Term definitions inline, never a context URL: JSON-LD readers (Fedify) would have to fetch it.
LISTING_TERMS = {
    "om2": "http://www.ontology-of-units-of-measure.org/resource/om-2/",
    "vf": "https://w3id.org/valueflows/ont/vf#",
    "schema": "http://schema.org#",
    "redfed": "https://w3id.org/redfed#",
    "Proposal": "vf:Proposal",
    "Intent": "vf:Intent",
    "action": "vf:action",
    "purpose": "vf:purpose",
    "unitBased": "vf:unitBased",
    "publishes": "vf:publishes",
    "reciprocal": "vf:reciprocal",
    "resourceConformsTo": {"@id": "vf:resourceConformsTo", "@type": "@id"},
    "resourceQuantity": "vf:resourceQuantity",
    "availableQuantity": "vf:availableQuantity",
    "hasUnit": "om2:hasUnit",
    "hasNumericalValue": "om2:hasNumericalValue",
    "hasEnd": "vf:hasEnd",
    "availability": {"@id": "schema:availability", "@type": "@id"},
    "itemCondition": {"@id": "schema:itemCondition", "@type": "@id"},
    "category": "schema:category",
    "eligibleRegion": "schema:eligibleRegion",
    "proposal": {"@id": "redfed:proposal", "@type": "@id"},
    "listingStatus": "redfed:listingStatus",
    "priceKind": "redfed:priceKind",
    "paidPartnership": "redfed:paidPartnership",
}
NOTE_CONTEXT = [as2.AS_CONTEXT, {"sensitive": "as:sensitive", "Hashtag": "as:Hashtag"}, LISTING_TERMS]
PROPOSAL_CONTEXT = [as2.AS_CONTEXT, LISTING_TERMS]


# Prices ---------------------------------------------------------------------------------------


def check_price(kind: str | None, amount: str | None, currency: str | None) -> tuple[str, str | None, str | None]:
    """(kind, amount, currency) as stored, or Unprocessable saying what is wrong with the price.
    The amount comes back with exactly the currency's minor digits ("12.5" USD → "12.50")."""
    kind = kind or ("fixed" if amount not in (None, "") else None)
    if kind not in PRICE_KINDS:
        raise Unprocessable("price kind must be one of fixed, free, on_request (or give an amount and a currency)")
    if kind != "fixed":
        return kind, None, None
    if amount in (None, "") or not currency:
        raise Unprocessable("a fixed price needs an amount and a currency")
    code = str(currency).strip().upper()
    if code not in CURRENCY_MINOR_UNITS:
        raise Unprocessable(f"unknown currency {str(currency)[:10]!r}: use an ISO 4217 code such as EUR or USD")
    value = check_amount(str(amount).strip())
    digits = CURRENCY_MINOR_UNITS[code]
    if max(0, -value.as_tuple().exponent) > digits:
        raise Unprocessable(
            f"{code} prices have no decimal places" if digits == 0 else f"{code} prices have at most {digits} decimal places"
        )
    return "fixed", f"{value:.{digits}f}", code


def check_amount(text: str) -> Decimal:
    if len(text) > 40:
        raise Unprocessable("price must be a decimal number such as 12.50")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Unprocessable("price must be a decimal number such as 12.50") from None
    if not value.is_finite():
        raise Unprocessable("price must be a decimal number such as 12.50")
    if value < 0:
        raise Unprocessable("price cannot be negative")
    if value > MAX_PRICE:
        raise Unprocessable(f"price is too high (at most {MAX_PRICE:,})")
    return value if value != 0 else abs(value)  # "-0" is zero


def price_label(listing: Listing) -> str:
    if listing.price_kind == "free":
        return "Free"
    if listing.price_kind == "on_request":
        return "Price on request"
    return f"{listing.price_amount} {listing.price_currency}"


# Listing → AS2 --------------------------------------------------------------------------------


def proposal_uri(actor_uri: str, post_id: int) -> str:
    return f"{actor_uri}/listings/{post_id}"


def headline_html(listing: Listing, link: str) -> tuple[str, str]:
    """(first line, last line) of the carrying Note: title, price and state; a link to the listing."""
    parts = [f"<strong>{html.escape(listing.title)}</strong>", html.escape(price_label(listing))]
    state = {"paused": "Paused", "sold": "Sold", "closed": "Closed"}.get(listing.status)
    state = state or {"sold_out": "Sold out", "made_to_order": "Made to order"}.get(listing.availability)
    if state:
        parts.append(state)
    first = f"<p>{' · '.join(parts)}</p>"
    last = f'<p><a href="{html.escape(link)}" rel="nofollow noopener" target="_blank">View listing</a></p>'
    return first, last


def listing_to_proposal(listing: Listing, seller_uri: str, to: list, cc: list, content: str, published: str) -> dict:
    """The listing as a FEP-0837 Proposal (no @context: embedded, or wrapped by `proposal_document`)."""
    uri = listing.proposal_uri
    primary = {
        "id": uri + "#primary", "type": "Intent", "action": "transfer",
        "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "1"},
    }
    if listing.quantity is not None or listing.availability == "sold_out":
        available = 0 if listing.availability == "sold_out" else listing.quantity
        primary["availableQuantity"] = {"hasUnit": "one", "hasNumericalValue": str(available)}
    proposal = {
        "id": uri, "type": "Proposal", "purpose": "offer", "attributedTo": seller_uri,
        "name": listing.title, "content": content, "published": published, "to": to, "cc": cc,
        "publishes": primary, "unitBased": listing.quantity != 1, "priceKind": listing.price_kind,
        "listingStatus": listing.status, "availability": SCHEMA + _AVAILABILITY_TERMS[listing.availability],
    }
    if listing.price_kind == "fixed":
        proposal["reciprocal"] = {
            "id": uri + "#reciprocal", "type": "Intent", "action": "transfer",
            "resourceConformsTo": CURRENCY_URN + listing.price_currency,
            "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": listing.price_amount},
        }
    if listing.status in ("sold", "closed"):
        proposal["hasEnd"] = as2.iso_time(listing.updated_at)
    if listing.condition:
        proposal["itemCondition"] = SCHEMA + _CONDITION_TERMS[listing.condition]
    if listing.category:
        proposal["category"] = listing.category
    if listing.regions:
        proposal["eligibleRegion"] = list(listing.regions)
    if listing.checkout_url:
        # FEP-0ea0 payment link.
        proposal["attachment"] = [{"type": "Link", "href": listing.checkout_url, "rel": ["payment"], "name": "Checkout"}]
    return proposal


def note_with_proposal(note: dict, proposal: dict) -> dict:
    """The carrying Note: the post's Note plus the Proposal, with the terms both need."""
    return {**note, "@context": NOTE_CONTEXT, "proposal": proposal}


def proposal_document(proposal: dict, page_url: str | None, photos: list[dict]) -> dict:
    """The Proposal alone, as served at its id: with the listing's page and its photos, which the
    embedded copy leaves to the Note (a nested `url` would become an attachment on Mastodon)."""
    extra = {"url": page_url} if page_url else {}
    attachments = list(photos) + list(proposal.get("attachment", []))
    return {"@context": PROPOSAL_CONTEXT, **proposal, **extra, **({"attachment": attachments} if attachments else {})}


# AS2 → listing --------------------------------------------------------------------------------


def is_proposal(value) -> bool:
    return isinstance(value, dict) and "Proposal" in as2.as_list(value.get("type"))[:5]


def embedded_proposal(obj) -> dict | None:
    """The Proposal a received Note carries, if any."""
    if isinstance(obj, dict) and obj.get("type") != "Proposal" and is_proposal(obj.get("proposal")):
        return obj["proposal"]
    return None


@dataclass(frozen=True)
class RemoteListing:
    """What a received Proposal says, validated; `listing` still lacks its post id."""

    listing: Listing
    title: str
    content: str  # sanitised HTML description


def ap_to_listing(proposal: dict, seller_id: int, seller_uri: str, now_ms: int) -> RemoteListing:
    """A received Proposal (purpose offer) → listing fields; BadRequest if it is not one we can keep."""
    uri = as2.get_id(proposal)
    if http_url(uri) is None:
        raise BadRequest("proposal id must be an http(s) URL")
    if as2.origin(uri) != as2.origin(seller_uri):
        raise BadRequest("proposal is on another origin than its actor")
    if proposal.get("attributedTo") is not None and as2.get_id(proposal.get("attributedTo")) != seller_uri:
        raise BadRequest("proposal is not attributed to its actor")
    if proposal.get("purpose") != "offer":
        raise BadRequest("only proposals with purpose offer are listings")
    primary = proposal.get("publishes")
    if not isinstance(primary, dict) or primary.get("action") not in ("transfer", "deliverService"):
        raise BadRequest("proposal has no primary transfer intent")
    kind, amount, currency = _remote_price(proposal)
    title = _text(proposal.get("name"))[:MAX_TITLE].strip() or "Untitled listing"
    quantity = _quantity(primary.get("availableQuantity"))
    availability = _term(proposal.get("availability"), _AVAILABILITY_TERMS) or ("sold_out" if quantity == 0 else "in_stock")
    status = proposal.get("listingStatus") if proposal.get("listingStatus") in STATUSES else None
    listing = Listing(
        post_id=0, proposal_uri=uri, actor_id=seller_id, title=title, price_kind=kind, price_amount=amount,
        price_currency=currency, quantity=quantity, availability=availability,
        condition=_term(proposal.get("itemCondition"), _CONDITION_TERMS),
        category=_text(proposal.get("category"))[:100] or None, regions=_regions(proposal.get("eligibleRegion")),
        checkout_url=_payment_link(proposal.get("attachment")),
        status=status or ("closed" if proposal.get("hasEnd") else "open"), created_at=now_ms, updated_at=now_ms,
    )
    return RemoteListing(listing, title, sanitize_remote_html(_text(proposal.get("content"))[:100_000]))


def _remote_price(proposal: dict) -> tuple[str, str | None, str | None]:
    reciprocal = proposal.get("reciprocal")
    if not isinstance(reciprocal, dict):
        kind = proposal.get("priceKind")
        return ("on_request" if kind == "on_request" else "free"), None, None
    currency = _currency(reciprocal.get("resourceConformsTo"))
    quantity = reciprocal.get("resourceQuantity")
    amount = quantity.get("hasNumericalValue") if isinstance(quantity, dict) else None
    if currency is None or not isinstance(amount, (str, int, float)) or isinstance(amount, bool):
        return "on_request", None, None  # a price we cannot state: the description still tells it
    try:
        return check_price("fixed", str(amount), currency)
    except Unprocessable as error:
        raise BadRequest(f"proposal price refused: {error.message}") from None


def _currency(value) -> str | None:
    uri = as2.get_id(value)
    if not uri:
        return None
    code = _WIKIDATA_CURRENCIES.get(uri) or (uri[len(CURRENCY_URN):] if uri.startswith(CURRENCY_URN) else uri)
    return code.upper() if code.upper() in CURRENCY_MINOR_UNITS else None


def _quantity(value) -> int | None:
    number = value.get("hasNumericalValue") if isinstance(value, dict) else None
    if isinstance(number, str) and re.fullmatch(r"\d{1,9}", number):
        return int(number)
    return number if isinstance(number, int) and not isinstance(number, bool) and 0 <= number < 10**9 else None


def _term(value, terms: dict[str, str]) -> str | None:
    if not isinstance(value, str):
        return None
    name = value.rsplit("/", 1)[-1].rsplit("#", 1)[-1].rsplit(":", 1)[-1]
    return next((key for key, term in terms.items() if term == name), None)


def _regions(value) -> tuple[str, ...]:
    names = [_text(v)[:100].strip() for v in as2.as_list(value)[:MAX_REGIONS] if isinstance(v, str)]
    return tuple(dict.fromkeys(n for n in names if n))


def _payment_link(value) -> str | None:
    for item in as2.as_list(value)[:20]:
        if isinstance(item, dict) and item.get("type") == "Link" and "payment" in as2.as_list(item.get("rel")):
            href = item.get("href")
            if http_url(href) is not None:
                return href
    return None


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def synthesized_note(proposal: dict, remote: RemoteListing, seller_uri: str) -> dict:
    """A bare Proposal (as Mitra sends) as the Note our timelines show: same id, author and
    audience, the headline and description as content, its images as attachments."""
    first, last = headline_html(remote.listing, remote.listing.proposal_uri)
    photos = [a for a in as2.as_list(proposal.get("attachment"))[:20] if isinstance(a, dict) and a.get("type") != "Link"]
    note = {
        "id": remote.listing.proposal_uri, "type": "Note", "attributedTo": seller_uri,
        "content": first + remote.content + last, "attachment": photos,
        "to": proposal.get("to"), "cc": proposal.get("cc"), "published": proposal.get("published"),
        "updated": proposal.get("updated"), "url": proposal.get("url"),
    }
    return {k: v for k, v in note.items() if v is not None}
