"""How the shop pages write a listing's facts (layer 6): prices in the reader's locale with
Babel's currency formatting, and the page paths of listings, shops and deals."""

import re
from decimal import Decimal
from urllib.parse import quote, urlsplit

from babel.numbers import format_currency, format_decimal
from jinja2 import pass_context

from ...models import Actor, Listing
from .. import i18n
from .common import _


def price(listing: Listing, locale: str) -> str:
    if listing.price_kind == "free":
        return _("Free")
    if listing.price_kind != "fixed" or listing.price_amount is None:
        return _("Price on request")
    return money(Decimal(listing.price_amount), listing.price_currency, locale)


def money(amount: Decimal, currency: str, locale: str) -> str:
    return format_currency(amount, currency, locale=locale if locale in i18n.LANGUAGES else i18n.DEFAULT)


@pass_context
def price_filter(context, listing: Listing) -> str:
    return price(listing, context.get("locale") or i18n.DEFAULT)


@pass_context
def money_filter(context, total) -> str:
    amount, currency = total
    return money(amount, currency, context.get("locale") or i18n.DEFAULT)


@pass_context
def rating_filter(context, average) -> str:
    """An average rating as people write it: 4, 3.5, 4.67."""
    locale = context.get("locale") or i18n.DEFAULT
    return format_decimal(average, format="#,##0.##", locale=locale if locale in i18n.LANGUAGES else i18n.DEFAULT)


def listing_path(listing: Listing, is_local: bool) -> str:
    """A local listing's page is its own id (the Proposal's URL); a remote one's is under /listings/."""
    return urlsplit(listing.proposal_uri).path if is_local else f"/listings/{listing.post_id}"


def shop_path(actor: Actor) -> str:
    name = actor.username if actor.is_local else actor.handle
    return f"/@{quote(name, safe='@.:')}/shop"


def install(env) -> None:
    env.filters["price"] = price_filter
    env.filters["money"] = money_filter
    env.filters["rating"] = rating_filter
    env.globals["listing_path"] = listing_path
    env.globals["shop_path"] = shop_path


# The carrying Note's first line (title, price, state) and last line (a link to the listing), as
# federation/listings.headline_html writes them: the page shows those facts on their own.
_HEADLINE = re.compile(r"^\s*<p><strong>.*?</strong>.*?</p>", re.S)
_LINK_LINE = re.compile(r"<p><a [^>]*>View listing</a></p>\s*$", re.S)


def description_html(content: str) -> str:
    """A listing post's (sanitised) content without the headline and listing link it carries."""
    return _LINK_LINE.sub("", _HEADLINE.sub("", content or "", count=1), count=1)
