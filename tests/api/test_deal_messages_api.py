"""The buyer's message with an offer and the seller's reason for a refusal, through the API:
both kept and shown to both sides; too long is refused with 422 and nothing stored."""

import pytest

from redfed.store.shop import deals as deal_store

from ..support import api
from .test_listings_api import _create, call


@pytest.fixture
def market(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    seller, buyer = api.token_for(instance, "alice"), api.token_for(instance, "bob")
    return instance, seller, buyer, _create(instance, seller, quantity=2)


def test_offer_with_a_message__the_seller_reads_it_and_rejects_with_a_reason(market):
    instance, seller, buyer, listing = market
    reply = call(instance, "POST", f"/api/v1/listings/{listing['id']}/offers", buyer,
                 {"quantity": 1, "message": "  Pick-up on Saturday? <b>ok</b>  "})
    assert reply.status == 200, reply.body
    deal = reply.json()
    assert deal["message"] == "Pick-up on Saturday? <b>ok</b>"
    assert call(instance, "GET", f"/api/v1/deals/{deal['id']}", seller).json()["message"] == deal["message"]
    rejected = call(instance, "POST", f"/api/v1/deals/{deal['id']}/reject", seller, {"reason": "Sold to a neighbour"})
    assert rejected.json()["state"] == "rejected" and rejected.json()["reason"] == "Sold to a neighbour"
    assert call(instance, "GET", f"/api/v1/deals/{deal['id']}", buyer).json()["reason"] == "Sold to a neighbour"


def test_reject_without_a_reason__says_the_seller_rejected_it(market):
    instance, seller, buyer, listing = market
    deal = call(instance, "POST", f"/api/v1/listings/{listing['id']}/offers", buyer, {"quantity": 1}).json()
    assert deal["message"] is None
    assert call(instance, "POST", f"/api/v1/deals/{deal['id']}/reject", seller).json()["reason"] == "rejected by the seller"


@pytest.mark.parametrize("message", ["x" * 501, ["a list"], {"an": "object"}])
def test_offer_with_a_bad_message__refused_and_nothing_stored(market, message):
    instance, seller, buyer, listing = market
    reply = call(instance, "POST", f"/api/v1/listings/{listing['id']}/offers", buyer, {"quantity": 1, "message": message})
    assert reply.status == 422 and "message" in reply.json()["error"]
    assert instance.run(deal_store.count_deals(instance.runtime.db.reader)) == 0
