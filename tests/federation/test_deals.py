"""Deals and reviews across instances: a buyer on B offers on a seller's listing on A, the seller
accepts (stock goes down, the buyer gets the checkout link) and marks it paid; refusals travel
back with a reason; forged answers from a third actor change nothing; reviews from B count on A."""

import pytest

from redfed.errors import Unprocessable
from redfed.federation import delivery
from redfed.services.shop import deals, listings, reviews
from redfed.services.social import follows, interactions
from redfed.store.shop import deals as deal_store
from redfed.store.shop import listings as listing_store

from .test_listings import BIKE, _listing_on, _settle


@pytest.fixture
def shop(start_instance):
    """alice sells three bikes on A; bob on B follows her, so B has the listing."""
    a, b = start_instance("a"), start_instance("b")
    alice = a.create_user("alice").actor
    bob = b.create_user("bob").actor
    b.run(follows.follow(b.ctx, bob, b.resolve(alice.uri)))
    _settle(a, b)
    listing, _ = a.run(listings.create_listing(a.ctx, alice, {**BIKE, "quantity": "3"}, "Three bikes."))
    _settle(a, b)
    copy, _ = _listing_on(b, listing.proposal_uri)
    return a, b, alice, bob, listing, copy


def _deal_on(instance, offer_uri):
    return instance.run(deal_store.find_deal_by_offer(instance.runtime.db.reader, offer_uri))


def _stock(instance, listing_id):
    return instance.run(listing_store.get_listing(instance.runtime.db.reader, listing_id))


def test_offer_accept_paid__both_sides_follow_the_deal_and_stock_goes_down(shop):
    a, b, alice, bob, listing, copy = shop
    offered = b.run(deals.make_offer(b.ctx, bob, copy.post_id, 2))
    _settle(a, b)
    on_a = _deal_on(a, offered.offer_uri)
    assert on_a is not None and on_a.state == "offered" and on_a.quantity == 2 and on_a.listing_id == listing.post_id

    a.run(deals.accept(a.ctx, alice, on_a.id))
    _settle(a, b)
    on_b = _deal_on(b, offered.offer_uri)
    assert on_b.state == "accepted" and on_b.payment_url == "https://pay.example/bike"
    assert on_b.agreement_uri == f"{alice.uri}/agreements/{on_a.id}"
    assert _stock(a, listing.post_id).quantity == 1
    assert _listing_on(b, listing.proposal_uri)[0].quantity == 1  # the stock change federated

    a.run(deals.mark_paid(a.ctx, alice, on_a.id))
    _settle(a, b)
    assert _deal_on(a, offered.offer_uri).state == "paid" and _deal_on(b, offered.offer_uri).state == "paid"


def test_offer_on_sold_out_listing__refused_locally_and_by_the_seller_with_a_reason(shop):
    a, b, alice, bob, listing, copy = shop
    # B's copy still says 3 in stock when A sells out without telling B.
    a.run(listings.edit_listing(a.ctx, alice, listing.post_id, {"quantity": "0", "availability": "sold_out"}))
    offered = b.run(deals.make_offer(b.ctx, bob, copy.post_id, 1))  # sent before the Update arrives
    _settle(a, b)
    assert _deal_on(a, offered.offer_uri) is None
    refused = _deal_on(b, offered.offer_uri)
    assert refused.state == "rejected" and refused.reason == "this listing is sold out"
    with pytest.raises(Unprocessable, match="sold out"):
        b.run(deals.make_offer(b.ctx, bob, copy.post_id, 1))  # B now knows


def test_offer_from_a_blocked_account__refused_and_nothing_stored(shop):
    a, b, alice, bob, listing, copy = shop
    offered = b.run(deals.make_offer(b.ctx, bob, copy.post_id, 1))
    a.run(interactions.block(a.ctx, alice, a.resolve(bob.uri)))
    _settle(a, b)
    # A keeps a blocked account's Offer only to answer it with a Reject (inbox/receive.py): no deal
    # exists on A, and bob's deal on B ends with the reason.
    assert _deal_on(a, offered.offer_uri) is None
    assert a.run(deal_store.count_deals(a.runtime.db.reader)) == 0
    assert _deal_on(b, offered.offer_uri).reason == "offers are not accepted from this account"


def test_forged_accept_from_a_third_actor__changes_nothing(shop, start_instance):
    a, b, alice, bob, listing, copy = shop
    offered = b.run(deals.make_offer(b.ctx, bob, copy.post_id, 1))
    _settle(a, b)
    c = start_instance("c")
    mallory = c.create_user("mallory").actor
    forged = {
        "@context": "https://www.w3.org/ns/activitystreams", "id": c.url("/activities/forged-accept"),
        "type": "Accept", "actor": mallory.uri, "object": offered.offer_uri, "to": [bob.uri],
        "result": {"type": "Agreement", "id": c.url("/agreements/1"), "url": "https://evil.example/pay"},
    }
    c.run(_enqueue(c, mallory, forged, c.resolve(bob.uri).inbox_uri))  # signed for real by C's worker
    _settle(a, b, c)
    on_b = _deal_on(b, offered.offer_uri)
    assert on_b.state == "offered" and on_b.payment_url is None and on_b.agreement_uri is None


async def _enqueue(instance, sender, activity, inbox):
    async with instance.runtime.db.transaction() as conn:
        await delivery.enqueue(conn, activity, sender, [inbox], is_public=False, object_uri=None, now=instance.ctx.now_ms())


def test_review_from_b__counts_on_a_with_the_average_and_the_seller_cannot_review(shop):
    a, b, alice, bob, listing, copy = shop
    carol = a.create_user("carol").actor
    b.run(reviews.review(b.ctx, bob, copy.post_id, 4, "Rides well"))
    _settle(a, b)
    a.run(reviews.review(a.ctx, carol, listing.post_id, 2))
    b.run(reviews.review(b.ctx, bob, copy.post_id, 5, "Even better after a week"))  # replaces the 4
    _settle(a, b)
    assert a.run(reviews.ratings(a.ctx, [listing.post_id])) == {listing.post_id: {"average": 3.5, "count": 2}}
    with pytest.raises(Unprocessable, match="your own listing"):
        a.run(reviews.review(a.ctx, alice, listing.post_id, 5))
