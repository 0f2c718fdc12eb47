"""Deals (layer 4): FEP-0837 offers on listings, the seller's answer, and "paid", both directions.

A buyer offers an Agreement for a quantity of a listing; the seller accepts (stock goes down, the
finalized Agreement goes back with the checkout link as its payment `url`) or rejects; after the
payment happens elsewhere the seller marks the deal paid, and an Update of the Agreement is the
receipt. Each side keeps its own row under the offer's id. Only the seller moves a deal on: an
answer from anyone else is ignored. FEDERATION.md, "Deals and reviews".
"""

import logging
import re
from dataclasses import replace

from ...clock import new_id
from ...errors import BadRequest, Forbidden, NotFound, Unprocessable
from ...federation import deals as ap
from ...federation import audience, delivery
from ...models import Actor, Deal, Listing
from ...protocol import as2
from ...store import actors as actor_store
from ...store import posts as post_store
from ...store.id_pages import IdRange
from ...store.shop import deals as store
from ...store.shop import listings as listing_store
from ...store.social import interactions as interaction_store
from ..accounts import accounts
from ..context import Context
from ..fetch_auth import FetchRequest, signer_of
from ..notify import notify
from . import listings

log = logging.getLogger(__name__)

MAX_REASON = 500
MAX_MESSAGE = 500
BLOCKED = "you cannot make offers to this seller: one of you blocks the other"


def unavailable_reason(listing: Listing, quantity: int) -> str | None:
    """Why `quantity` of this listing cannot be offered for, or None when it can."""
    if listing.status == "paused":
        return "this listing is paused"
    if listing.status in ("sold", "closed"):
        return f"this listing is {listing.status}"
    if listing.availability == "sold_out" or listing.quantity == 0:
        return "this listing is sold out"
    if listing.quantity is not None and quantity > listing.quantity:
        return f"only {listing.quantity} left"
    return None


def check_quantity(value) -> int:
    try:
        return ap.check_quantity(value)
    except BadRequest as error:
        raise Unprocessable(error.message) from None


# The buyer's side ------------------------------------------------------------------------------


async def make_offer(ctx: Context, buyer: Actor, listing_id: int, quantity, message: str | None = None) -> Deal:
    """`buyer` (local) offers for `quantity` of a listing, local or remote, with an optional message."""
    quantity = check_quantity(quantity)
    message = (message or "").strip() or None
    if message is not None and len(message) > MAX_MESSAGE:
        raise Unprocessable(f"a message is at most {MAX_MESSAGE} characters")
    known = await listing_store.get_listing(ctx.db.reader, listing_id)
    # Checked before visibility (a block hides the listing): the buyer learns why, not "not found".
    if known is not None and await interaction_store.is_blocked_either_way(ctx.db.reader, buyer.id, known.actor_id):
        raise Forbidden(BLOCKED)
    listing, _ = await listings.visible_listing(ctx, listing_id, buyer)
    if listing.actor_id == buyer.id:
        raise Unprocessable("you cannot make an offer on your own listing")
    reason = unavailable_reason(listing, quantity)
    if reason:
        raise Unprocessable(reason)
    seller = await actor_store.get_actor(ctx.db.reader, listing.actor_id)
    now = ctx.now_ms()
    deal_id = new_id(now)
    deal = Deal(deal_id, listing.post_id, seller.id, buyer.id, quantity, "offered", ctx.urls.activity(deal_id),
                None, None, None, now, now, message)
    async with ctx.db.transaction() as conn:
        if await interaction_store.is_blocked_either_way(conn, buyer.id, seller.id):
            raise Forbidden(BLOCKED)
        await store.insert_deal(conn, deal)
        await _notify(ctx, conn, deal, "redfed.offer", deal.seller_id, buyer)
        offer = ap.offer_activity(deal.offer_uri, buyer.uri, seller.uri, listing.proposal_uri, quantity, listing,
                                  message)
        await _send(ctx, conn, offer, buyer, seller, deal)
    ctx.wake_delivery()
    return deal


async def receive_answer(ctx: Context, actor: Actor, kind: str, activity: dict) -> bool | None:
    """A seller's Accept or Reject of an Offer we sent; None when the object is not one of ours.
    Only the listing's seller may answer; anything else is ignored and changes nothing."""
    offer_id = as2.get_id(activity.get("object"))
    deal = await store.find_deal_by_offer(ctx.db.reader, offer_id) if offer_id else None
    if deal is None:
        return None
    if deal.seller_id != actor.id or deal.state != "offered":
        log.info("%s of %s from %s ignored: not the seller, or already answered", kind, offer_id, actor.uri)
        return False
    async with ctx.db.transaction() as conn:
        if kind == "Accept":
            result = activity.get("result")
            agreement_id = as2.get_id(result)
            # The finalized Agreement is the seller's: it must live on the seller's origin.
            if not agreement_id or as2.origin(agreement_id) != as2.origin(actor.uri):
                raise BadRequest("an Accept of an Offer needs the finalized Agreement, on the seller's server")
            await store.update_deal(conn, deal.id, state="accepted", now=ctx.now_ms(), agreement_uri=agreement_id,
                                    payment_url=ap.payment_url_of(result))
        else:
            summary = activity.get("summary")
            reason = _plain(summary) if isinstance(summary, str) else None
            await store.update_deal(conn, deal.id, state="rejected", now=ctx.now_ms(), reason=reason or "rejected")
        await _notify(ctx, conn, deal, "redfed.deal", deal.buyer_id, actor)
    return True


async def receive_paid(ctx: Context, actor: Actor, agreement_doc: dict) -> bool | None:
    """An Update of a finalized Agreement with `dealState: paid`: the seller's receipt."""
    deal = await store.find_deal_by_agreement(ctx.db.reader, as2.get_id(agreement_doc) or "")
    if deal is None:
        return None
    if deal.seller_id != actor.id or deal.state != "accepted" or agreement_doc.get("dealState") != "paid":
        return False
    async with ctx.db.transaction() as conn:
        await store.update_deal(conn, deal.id, state="paid", now=ctx.now_ms())
        await _notify(ctx, conn, deal, "redfed.deal", deal.buyer_id, actor)
    return True


def _plain(text: str) -> str:
    return re.sub(r"<[^>]*>", "", text).strip()[:MAX_REASON]


# The seller's side -----------------------------------------------------------------------------


async def receive_offer(ctx: Context, actor: Actor, activity: dict) -> bool:
    """A remote buyer's Offer on one of our listings: stored as an offered deal, or answered with
    a Reject saying why (sold out, closed, paused, not enough left, or a buyer the seller blocks,
    whose Offer the inbox keeps for this answer). The seller is notified of a stored offer."""
    proposal_uri, quantity = ap.read_offer(activity)
    listing = await listing_store.find_listing_by_proposal(ctx.db.reader, proposal_uri)
    post = await post_store.get_post(ctx.db.reader, listing.post_id) if listing else None
    if listing is None or post is None or not post.is_local:
        return False
    seller = await actor_store.get_actor(ctx.db.reader, listing.actor_id)
    now = ctx.now_ms()
    deal = Deal(new_id(now), listing.post_id, seller.id, actor.id, quantity, "offered", activity["id"], None, None,
                None, now, now, ap.message_of(activity, MAX_MESSAGE))
    async with ctx.db.transaction() as conn:
        if await store.find_deal_by_offer(conn, deal.offer_uri) is not None:
            return True  # a replay
        blocked = await interaction_store.is_blocked_either_way(conn, actor.id, seller.id)
        reason = "offers are not accepted from this account" if blocked else unavailable_reason(listing, quantity)
        if reason:
            refusal = ap.answer_activity("Reject", ctx.urls.activity(new_id(now)), seller.uri, actor.uri,
                                         deal.offer_uri, summary=reason)
            await _send(ctx, conn, refusal, seller, actor, deal)
        else:
            await store.insert_deal(conn, deal)
            await _notify(ctx, conn, deal, "redfed.offer", seller.id, actor)
    ctx.wake_delivery()
    return True


async def accept(ctx: Context, seller: Actor, deal_id: int) -> Deal:
    """Accept an offer: stock goes down, the buyer gets the finalized Agreement and the payment link;
    followers get an Update of the listing with its new stock, in the same transaction."""
    deal, listing = await _offered(ctx, seller, deal_id)
    buyer = await actor_store.get_actor(ctx.db.reader, deal.buyer_id)
    agreement_uri = ap.agreement_uri(seller.uri, deal.id)
    async with ctx.db.transaction() as conn:
        if unavailable_reason(listing, deal.quantity) or not await store.take_stock(conn, listing.post_id, deal.quantity):
            raise Unprocessable(unavailable_reason(listing, deal.quantity) or "not enough left")
        await store.update_deal(conn, deal.id, state="accepted", now=ctx.now_ms(), agreement_uri=agreement_uri,
                                payment_url=listing.checkout_url)
        result = ap.agreement(agreement_uri, listing.proposal_uri, deal.quantity, listing, payment_url=listing.checkout_url)
        answer = ap.answer_activity("Accept", ctx.urls.activity(new_id(ctx.now_ms())), seller.uri, buyer.uri,
                                    deal.offer_uri, result=result)
        await _send(ctx, conn, answer, seller, buyer, deal)
        await _notify(ctx, conn, deal, "redfed.deal", buyer.id, seller)
        if listing.quantity is not None:
            # Counted stock: what is left, read back after the guarded decrement.
            stocked = await listing_store.get_listing(conn, listing.post_id)
            if stocked.quantity == 0:
                stocked = replace(stocked, availability="sold_out")
            await listings.publish_stock(ctx, conn, seller, replace(stocked, updated_at=ctx.now_ms()))
    ctx.wake_delivery()
    return await _get(ctx, deal.id)


async def reject(ctx: Context, seller: Actor, deal_id: int, reason: str | None = None) -> Deal:
    """Refuse an offer; the seller's `reason` (plain text) travels to the buyer as the summary."""
    reason = _plain(reason or "") or "rejected by the seller"
    deal, _ = await _offered(ctx, seller, deal_id)
    buyer = await actor_store.get_actor(ctx.db.reader, deal.buyer_id)
    async with ctx.db.transaction() as conn:
        await store.update_deal(conn, deal.id, state="rejected", now=ctx.now_ms(), reason=reason)
        answer = ap.answer_activity("Reject", ctx.urls.activity(new_id(ctx.now_ms())), seller.uri, buyer.uri,
                                    deal.offer_uri, summary=reason)
        await _send(ctx, conn, answer, seller, buyer, deal)
        await _notify(ctx, conn, deal, "redfed.deal", buyer.id, seller)
    ctx.wake_delivery()
    return await _get(ctx, deal.id)


async def mark_paid(ctx: Context, seller: Actor, deal_id: int) -> Deal:
    """The payment happened elsewhere; the buyer gets the receipt (an Update of the Agreement)."""
    deal = await _as_seller(ctx, seller, deal_id)
    if deal.state != "accepted":
        raise Unprocessable(f"only an accepted deal can be marked paid; this one is {deal.state}")
    listing = await listing_store.get_listing(ctx.db.reader, deal.listing_id)
    buyer = await actor_store.get_actor(ctx.db.reader, deal.buyer_id)
    async with ctx.db.transaction() as conn:
        await store.update_deal(conn, deal.id, state="paid", now=ctx.now_ms())
        receipt = ap.agreement(deal.agreement_uri, listing.proposal_uri, deal.quantity, listing,
                               payment_url=deal.payment_url, state="paid")
        update = ap.paid_activity(ctx.urls.activity(new_id(ctx.now_ms())), seller.uri, buyer.uri, receipt)
        await _send(ctx, conn, update, seller, buyer, deal)
        await _notify(ctx, conn, deal, "redfed.deal", buyer.id, seller)
    ctx.wake_delivery()
    return await _get(ctx, deal.id)


async def _as_seller(ctx: Context, seller: Actor, deal_id: int) -> Deal:
    """A deal `seller` sells in. Its buyer is told only the seller may act; anyone else gets 404."""
    deal = await store.get_deal(ctx.db.reader, deal_id)
    if deal is None or deal.seller_id != seller.id:
        if deal is not None and deal.buyer_id == seller.id:
            raise Forbidden("only the seller can answer an offer or mark it paid")
        raise NotFound("Record not found")
    return deal


async def _offered(ctx: Context, seller: Actor, deal_id: int) -> tuple[Deal, Listing]:
    deal = await _as_seller(ctx, seller, deal_id)
    if deal.state != "offered":
        raise Unprocessable(f"this offer was already answered: it is {deal.state}")
    listing = await listing_store.get_listing(ctx.db.reader, deal.listing_id)
    return deal, listing


async def _send(ctx: Context, conn, activity: dict, sender: Actor, target: Actor, deal: Deal) -> None:
    await delivery.enqueue(conn, activity, sender, audience.for_actor(ctx.config, target), is_public=False,
                           object_uri=deal.offer_uri, now=ctx.now_ms())


async def _notify(ctx: Context, conn, deal: Deal, kind: str, recipient_id: int, sender: Actor) -> None:
    """A local party hears of the deal: the seller of an offer (`redfed.offer`), the buyer of an
    answer or a receipt (`redfed.deal`). The notification names the listing's post and the deal."""
    await notify(conn, recipient_id, kind, sender, deal.listing_id, ctx.now_ms(), deal_id=deal.id)


# Reading ---------------------------------------------------------------------------------------


async def _get(ctx: Context, deal_id: int) -> Deal:
    return await store.get_deal(ctx.db.reader, deal_id)


async def my_deals(ctx: Context, actor: Actor, page: IdRange) -> list[Deal]:
    return await store.list_deals_of(ctx.db.reader, actor.id, page)


async def my_deal(ctx: Context, actor: Actor, deal_id: int) -> Deal:
    deal = await store.get_deal(ctx.db.reader, deal_id)
    if deal is None or actor.id not in (deal.buyer_id, deal.seller_id):
        raise NotFound("Record not found")
    return deal


# The Agreement at its id -----------------------------------------------------------------------

SERVER_ACTOR_TYPES = ("Application", "Service")


async def agreement_document(ctx: Context, username: str, deal_id: int, request: FetchRequest) -> dict:
    """The finalized Agreement of an accepted (or paid) deal of local seller `username`, for a GET
    signed by the buyer or the seller, or by an instance actor of either's server (Mastodon and
    others sign fetches with one). Anyone else, unsigned fetches included, is told nothing exists:
    404, as for a direct post (checklist 35)."""
    seller = await accounts.find_local_actor(ctx.db, ctx.config, username)
    deal = await store.get_deal(ctx.db.reader, deal_id)
    if deal is None or deal.seller_id != seller.id or deal.agreement_uri != ap.agreement_uri(seller.uri, deal.id):
        raise NotFound("no such agreement")
    buyer = await actor_store.get_actor(ctx.db.reader, deal.buyer_id)
    signer = await signer_of(ctx, request)
    if signer is None or not _may_see(signer, seller, buyer):
        raise NotFound("no such agreement")
    listing = await listing_store.get_listing(ctx.db.reader, deal.listing_id)
    doc = ap.agreement(deal.agreement_uri, listing.proposal_uri, deal.quantity, listing, payment_url=deal.payment_url,
                       state=deal.state)
    return ap.agreement_document(doc, seller.uri, buyer.uri)


def _may_see(signer: Actor, seller: Actor, buyer: Actor) -> bool:
    if signer.id in (seller.id, buyer.id):
        return True
    return signer.type in SERVER_ACTOR_TYPES and as2.origin(signer.uri) in (as2.origin(seller.uri), as2.origin(buyer.uri))
