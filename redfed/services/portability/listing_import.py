"""Listings move with their account (layer 4): a post brought over by post_import (from an archive,
or from a moved account's old outbox) that carries a listing is re-created as a listing of the new
account - the same title, price, stock, condition, category, regions, checkout link and status,
with a new local Proposal id - rather than as a plain post.

Two sources say what the listing was: the FEP-0837 Proposal the Note carries (read with the parser
a received listing goes through, federation/listings.ap_to_listing), and, in a redfed archive, the
richer `listings.json` entry for the same post, which is preferred when present.

Either is the uploader's word, so it is held to the rules of a listing made here
(services/shop/listings.apply_changes) and, more strictly than a received Note, to exact types: a
price beyond the limit, an unknown currency, a title too long, a field of the wrong type refuse
the item (ListingRefused, in the job's report), never a listing stored half right, and never a
plain post that quietly lost its listing.
"""

import re
from dataclasses import dataclass, replace

from ...content import html_to_text, sanitize_remote_html
from ...errors import BadRequest, Unprocessable
from ...federation import listings as ap
from ...federation import imported
from ...models import Listing, Post
from ..context import Context
from ..shop import listings
from ..social import posts

# The carrying Note's first line (title, price, state; after the paid-partnership line, if any)
# and last line (the link to the listing), as services/shop/listings writes them: not the description.
_HEADLINE = re.compile(r'^(?:<p class="paid-partnership">[^<]*</p>)?<p><strong>[^<]*</strong>[^<]*</p>')
_LISTING_LINK = re.compile(r"<p><a [^>]*>View listing</a></p>\s*$")
_ENTRY_TYPES = {
    "title": (str,), "price_kind": (str, type(None)), "price_amount": (str, type(None)),
    "price_currency": (str, type(None)), "quantity": (int, type(None)), "availability": (str,),
    "condition": (str, type(None)), "category": (str, type(None)), "regions": (list,),
    "checkout_url": (str, type(None)), "status": (str,), "updated_at": (int, type(None)),
}


class ListingRefused(Unprocessable):
    """The listing a post carries cannot be re-created as it was; the post is not imported."""

    def __init__(self, message: str):
        super().__init__(f"listing refused: {message}"[:300])


@dataclass(frozen=True)
class MovedListing:
    """A listing to re-create, checked; it gets its post, seller and Proposal id when stored."""

    listing: Listing
    description: str  # plain text: the carrying post's source, as for a listing made here


def moved_listing(note: dict, entry: dict | None, source_actor_uri: str) -> MovedListing | None:
    """The listing `note` carries (its `listings.json` `entry` first, else its Proposal); None for
    a plain post; ListingRefused when what it says cannot be a listing here."""
    if entry is not None:
        changes, status, updated_at = _from_entry(entry)
        description = _note_description(note)
    else:
        proposal = ap.embedded_proposal(note)
        if proposal is None:
            return None
        changes, status, updated_at = _from_proposal(proposal, source_actor_uri)
        content = proposal.get("content")
        description = _text_of(content) if isinstance(content, str) else _note_description(note)
    blank = Listing(
        post_id=0, proposal_uri="", actor_id=0, title="", price_kind="", price_amount=None, price_currency=None,
        quantity=None, availability="in_stock", condition=None, category=None, regions=(), checkout_url=None,
        status="open", created_at=0, updated_at=updated_at or 0,
    )
    try:
        listing = replace(listings.apply_changes(blank, changes, creating=True), status=status)
    except Unprocessable as error:
        raise ListingRefused(error.message) from None
    if len(description) > listings.MAX_DESCRIPTION:
        raise ListingRefused(f"description is longer than {listings.MAX_DESCRIPTION} characters")
    return MovedListing(listing, description)


def _from_entry(entry: dict) -> tuple[dict, str, int | None]:
    for name, kinds in _ENTRY_TYPES.items():
        value = entry.get(name)
        if (name in entry or name in ("title", "status")) and (isinstance(value, bool) or not isinstance(value, kinds)):
            raise ListingRefused(f"{name} has the wrong type")
    if not all(isinstance(region, str) for region in entry.get("regions", [])):
        raise ListingRefused("regions has the wrong type")
    if entry["status"] not in ap.STATUSES:
        raise ListingRefused(f"status must be one of {', '.join(ap.STATUSES)}")
    changes = {name: entry[name] for name in listings.FIELDS if name in entry}
    if entry.get("quantity") is not None:
        changes["quantity"] = str(entry["quantity"])
    return changes, entry["status"], entry.get("updated_at")


def _from_proposal(proposal: dict, source_actor_uri: str) -> tuple[dict, str, None]:
    """What a Proposal says, through the receivers' parser, plus the checks that parser leaves to
    its caller: it keeps what it can of a received listing, a move must keep all of it."""
    name = proposal.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ListingRefused("the proposal has no title")
    if len(name.strip()) > ap.MAX_TITLE:
        raise ListingRefused(f"title is longer than {ap.MAX_TITLE} characters")
    for field in ("content", "category", "availability", "itemCondition", "listingStatus"):
        if proposal.get(field) is not None and not isinstance(proposal[field], str):
            raise ListingRefused(f"{field} has the wrong type")
    regions = proposal.get("eligibleRegion")
    listed = regions if isinstance(regions, list) else [regions]
    if regions is not None and not all(isinstance(region, str) for region in listed):
        raise ListingRefused("eligibleRegion has the wrong type")
    try:
        parsed = ap.ap_to_listing(proposal, 0, source_actor_uri, 0).listing
    except BadRequest as error:
        raise ListingRefused(error.message) from None
    if proposal.get("reciprocal") is not None and parsed.price_kind != "fixed":
        raise ListingRefused("its price names an unknown currency or no amount")
    primary = proposal["publishes"]
    if primary.get("availableQuantity") is not None and parsed.quantity is None:
        raise ListingRefused("availableQuantity is not a whole number")
    if proposal.get("itemCondition") is not None and parsed.condition is None:
        raise ListingRefused("unknown itemCondition")
    if proposal.get("listingStatus") is not None and proposal["listingStatus"] not in ap.STATUSES:
        raise ListingRefused(f"listingStatus must be one of {', '.join(ap.STATUSES)}")
    changes = {
        "title": parsed.title, "price_kind": parsed.price_kind, "price_amount": parsed.price_amount,
        "price_currency": parsed.price_currency, "availability": parsed.availability, "condition": parsed.condition,
        "category": parsed.category, "regions": list(parsed.regions), "checkout_url": parsed.checkout_url,
    }
    if parsed.quantity is not None:
        changes["quantity"] = str(parsed.quantity)
    return changes, parsed.status, None


def _note_description(note: dict) -> str:
    """The description inside the carrying Note's content: without its headline and link lines."""
    content = note.get("content") if isinstance(note.get("content"), str) else ""
    clean = sanitize_remote_html(content[:100_000])
    return _text_of(_LISTING_LINK.sub("", _HEADLINE.sub("", clean, count=1), count=1), sanitised=True)


def _text_of(html: str, sanitised: bool = False) -> str:
    return html_to_text(html if sanitised else sanitize_remote_html(html[:100_000]))


def check_visibility(post: Post) -> None:
    if post.visibility not in listings.VISIBILITIES:
        raise ListingRefused(f"a {post.visibility} post carries it: a listing is public or unlisted")


async def rendered(ctx: Context, moved: MovedListing):
    """The description as HTML, rendered as a listing made here renders it. Mentions stay text:
    an import looks no account up."""
    return (await posts.render_text(ctx, moved.description, []))[0]


def carrying(ctx: Context, seller, post: Post, moved: MovedListing, rendered_text, origin: str) -> tuple[Post, dict, Listing]:
    """The post (with the listing's content and the description as its source), its Note carrying
    the new Proposal and naming where it came from, and the listing row - for the post id given."""
    listing = replace(
        moved.listing, post_id=post.id, proposal_uri=ap.proposal_uri(seller.uri, post.id), actor_id=seller.id,
        created_at=post.published_at, updated_at=max(post.published_at, min(moved.listing.updated_at, ctx.now_ms())),
    )
    post = replace(post, source=moved.description, summary="")
    post, note = listings.carrying_documents(ctx, seller, post, listing, rendered_text, [])
    return post, imported.mark(note, origin), listing
