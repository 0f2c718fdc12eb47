"""The deals and reviews API extension: offers, answering them, my deals, reviews and the listing's
rating; bad input refused with 422 and nothing stored."""

import pytest

from redfed.store.shop import deals as deal_store

from ..support import api
from .test_listings_api import _create, call


@pytest.fixture
def market(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    seller, buyer = api.token_for(instance, "alice"), api.token_for(instance, "bob")
    listing = _create(instance, seller, quantity=2)
    return instance, seller, buyer, listing


def _deals(instance) -> int:
    return instance.run(deal_store.count_deals(instance.runtime.db.reader))


def test_offer_accept_paid__through_the_api(market):
    instance, seller, buyer, listing = market
    reply = call(instance, "POST", f"/api/v1/listings/{listing['id']}/offers", buyer, {"quantity": 2})
    assert reply.status == 200, reply.body
    deal = reply.json()
    assert deal["state"] == "offered" and deal["role"] == "buyer" and deal["total"] == {"amount": "60.00", "currency": "USD"}
    assert call(instance, "POST", f"/api/v1/deals/{deal['id']}/accept", buyer).status == 403  # only the seller
    accepted = call(instance, "POST", f"/api/v1/deals/{deal['id']}/accept", seller).json()
    assert accepted["state"] == "accepted" and accepted["payment_url"] == "https://pay.example/bike"
    assert call(instance, "GET", f"/api/v1/listings/{listing['id']}", buyer).json()["availability"] == "sold_out"
    assert call(instance, "POST", f"/api/v1/deals/{deal['id']}/paid", seller).json()["state"] == "paid"
    mine = call(instance, "GET", "/api/v1/deals", buyer)
    assert [d["id"] for d in mine.json()] == [deal["id"]] and mine.json()[0]["state"] == "paid"
    assert call(instance, "GET", f"/api/v1/deals/{deal['id']}", seller).json()["role"] == "seller"
    # Sold out now: a new offer is refused with the reason.
    refused = call(instance, "POST", f"/api/v1/listings/{listing['id']}/offers", buyer, {"quantity": 1})
    assert refused.status == 422 and "sold out" in refused.json()["error"]


@pytest.mark.parametrize("quantity", [0, -1, 10_000_000, "two", 1.5])
def test_offer__bad_quantity_is_refused_and_nothing_stored(market, quantity):
    instance, _, buyer, listing = market
    reply = call(instance, "POST", f"/api/v1/listings/{listing['id']}/offers", buyer, {"quantity": quantity})
    assert reply.status == 422 and "quantity" in reply.json()["error"]
    assert _deals(instance) == 0


def test_offer__on_a_paused_listing_or_ones_own_is_refused(market):
    instance, seller, buyer, listing = market
    own = call(instance, "POST", f"/api/v1/listings/{listing['id']}/offers", seller, {"quantity": 1})
    assert own.status == 422
    call(instance, "POST", f"/api/v1/listings/{listing['id']}/pause", seller)
    paused = call(instance, "POST", f"/api/v1/listings/{listing['id']}/offers", buyer, {"quantity": 1})
    assert paused.status == 422 and "paused" in paused.json()["error"]
    assert _deals(instance) == 0


def test_reviews__rating_shows_in_the_text_and_the_average(market):
    instance, seller, buyer, listing = market
    reply = call(instance, "POST", f"/api/v1/listings/{listing['id']}/reviews", buyer, {"rating": 4, "text": "Nice"})
    assert reply.status == 200, reply.body
    assert reply.json()["rating"] == 4 and "★★★★☆ 4/5" in reply.json()["status"]["content"]
    assert reply.json()["status"]["in_reply_to_id"] == listing["id"]
    shown = call(instance, "GET", f"/api/v1/listings/{listing['id']}").json()
    assert shown["rating"] == {"average": 4.0, "count": 1}
    assert len(call(instance, "GET", f"/api/v1/listings/{listing['id']}/reviews").json()) == 1
    own = call(instance, "POST", f"/api/v1/listings/{listing['id']}/reviews", seller, {"rating": 5})
    assert own.status == 422 and "own listing" in own.json()["error"]


@pytest.mark.parametrize("rating", [0, 6, "five", None])
def test_reviews__bad_rating_is_refused_and_nothing_stored(market, rating):
    instance, _, buyer, listing = market
    reply = call(instance, "POST", f"/api/v1/listings/{listing['id']}/reviews", buyer, {"rating": rating})
    assert reply.status == 422 and "rating" in reply.json()["error"]
    assert call(instance, "GET", f"/api/v1/listings/{listing['id']}").json()["rating"]["count"] == 0


def test_offer__from_a_blocked_account_is_forbidden_with_a_clear_error(market):
    instance, seller, buyer, listing = market
    bob = api.client(instance, token=buyer).account_verify_credentials()
    assert call(instance, "POST", f"/api/v1/accounts/{bob['id']}/block", seller).status == 200
    reply = call(instance, "POST", f"/api/v1/listings/{listing['id']}/offers", buyer, {"quantity": 1})
    assert reply.status == 403 and reply.json() == {"error": "you cannot make offers to this seller: one of you blocks the other"}
    assert _deals(instance) == 0


def test_notifications__an_offer_and_its_answer_carry_the_deal(market):
    instance, seller, buyer, listing = market
    deal = call(instance, "POST", f"/api/v1/listings/{listing['id']}/offers", buyer, {"quantity": 1}).json()
    [offer] = call(instance, "GET", "/api/v1/notifications?types[]=redfed.offer", seller).json()
    assert offer["deal"] == {**deal, "role": "seller"}
    call(instance, "POST", f"/api/v1/deals/{deal['id']}/reject", seller)
    [answer] = call(instance, "GET", "/api/v1/notifications", buyer).json()
    assert answer["type"] == "redfed.deal" and answer["deal"]["state"] == "rejected"
    shown = call(instance, "GET", f"/api/v1/notifications/{answer['id']}", buyer).json()
    assert shown["deal"]["id"] == deal["id"]
    groups = call(instance, "GET", f"/api/v2/notifications/ungrouped-{answer['id']}", buyer).json()
    assert groups["notification_groups"][0]["deal"]["state"] == "rejected"
