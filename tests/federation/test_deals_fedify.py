"""A deal with the independent Fedify peer, in both signature styles: fern@fedify offers for
alice@redfed's listing, redfed verifies the Fedify-signed Offer and stores the deal, alice is
notified and accepts, and Fedify verifies redfed's signed Accept carrying the finalized Agreement."""

import pytest

from redfed.services.shop import deals, listings
from redfed.store.shop import deals as deal_store

from ..support import api
from ..support.fedify_peer import CAVAGE, RFC9421
from .test_listings import BIKE


@pytest.fixture(params=[RFC9421, CAVAGE], ids=["rfc9421-first", "cavage-first"])
def peer(request, start_fedify_peer):
    peer = start_fedify_peer(first_knock=request.param)
    peer.create_actor("fern")
    return peer


@pytest.fixture
def listing(instance):
    alice = instance.create_user("alice").actor
    made, _ = instance.run(listings.create_listing(instance.ctx, alice, {**BIKE, "quantity": "2"}, "Two bikes."))
    return alice, made


def _deal(instance, offer_id):
    return instance.run(deal_store.find_deal_by_offer(instance.runtime.db.reader, offer_id))


def test_fedify_offer__gets_redfeds_signed_accept_with_the_agreement(instance, peer, listing):
    alice, made = listing
    sent = peer.offer("fern", alice.uri, made.proposal_uri, 2)
    assert sent["results"] == [{"inbox": alice.inbox_uri, "ok": True, "status": 202}]
    instance.drain()
    deal = _deal(instance, sent["id"])
    assert deal is not None and deal.state == "offered" and deal.quantity == 2
    assert deal.buyer_id == instance.resolve(peer.actor_uri("fern")).id
    [notice] = [n for n in api.client(instance, "alice").notifications() if n["type"] == "redfed.offer"]
    assert notice["deal"]["id"] == str(deal.id) and notice["account"]["acct"] == f"fern@{peer.domain}"

    instance.run(deals.accept(instance.ctx, alice, deal.id))
    instance.drain()
    [accept] = [r for r in peer.received() if r["type"] == "Accept"]
    assert accept["verified"] and accept["verifiedBy"] == "object-integrity-proof"
    assert accept["actor"] == alice.uri and accept["object"] == sent["id"]
    agreement = accept["json"]["result"]
    assert agreement["type"] == "Agreement" and agreement["id"] == f"{alice.uri}/agreements/{deal.id}"
    assert agreement["stipulates"]["satisfies"] == made.proposal_uri + "#primary"
    assert agreement["stipulatesReciprocal"]["resourceQuantity"]["hasNumericalValue"] == "60.00"
    assert agreement["url"]["href"] == "https://pay.example/bike"
    assert _deal(instance, sent["id"]).state == "accepted"

    # The peer may fetch the Agreement it was given, signed as fern.
    fetched = peer.lookup(agreement["id"], as_actor="fern")
    assert fetched["id"] == agreement["id"]


def test_fedify_offer__on_a_sold_out_listing_gets_a_reject_with_the_reason(instance, peer, listing):
    alice, made = listing
    instance.run(listings.edit_listing(instance.ctx, alice, made.post_id, {"quantity": "0", "availability": "sold_out"}))
    sent = peer.offer("fern", alice.uri, made.proposal_uri, 1)
    instance.drain()
    assert _deal(instance, sent["id"]) is None
    [reject] = [r for r in peer.received() if r["type"] == "Reject"]
    assert reject["verified"] and reject["object"] == sent["id"]
    assert reject["json"]["summary"] == "this listing is sold out"


@pytest.mark.parametrize("quantity", ["0", "-1", "lots", "99999999"])
def test_fedify_offer__with_a_bad_quantity_is_refused_and_nothing_stored(instance, peer, listing, quantity):
    alice, made = listing
    sent = peer.offer("fern", alice.uri, made.proposal_uri, quantity)
    instance.drain()
    assert _deal(instance, sent["id"]) is None
    assert instance.run(deal_store.count_deals(instance.runtime.db.reader)) == 0
