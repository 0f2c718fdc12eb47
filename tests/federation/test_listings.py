"""Listings across instances: a seller's listing reaches a follower on another redfed as ONE
listing (one post plus its listing row) and follows every edit, status change and deletion; the
Proposal is served at its own id; the independent Fedify peer receives a readable Note."""

import io

import pytest
from PIL import Image

from redfed.services.media import media as media_service
from redfed.services.shop import listings
from redfed.services.social import follows
from redfed.store import posts as post_store
from redfed.store.shop import listings as listing_store

from ..support.http import AP, get

BIKE = {
    "title": "Blue one-speed bike", "price_amount": "30", "price_currency": "USD", "quantity": "1",
    "condition": "used", "category": "bicycles", "regions": ["Berlin"], "checkout_url": "https://pay.example/bike",
}


@pytest.fixture
def start(start_instance):
    return start_instance


def _settle(*instances):
    for _ in range(10):
        if sum(i.drain() for i in instances) == 0:
            return


def _photo(instance, owner, color, alt):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), color).save(buffer, "PNG")
    buffer.seek(0)
    return instance.run(media_service.upload(instance.ctx, owner, buffer, description=alt)).media


def _listing_on(instance, proposal_uri):
    db = instance.runtime.db.reader
    listing = instance.run(listing_store.find_listing_by_proposal(db, proposal_uri))
    return listing, (instance.run(post_store.get_post(db, listing.post_id)) if listing else None)


def _posts_by(instance, actor_uri):
    actor = instance.resolve(actor_uri)
    return instance.run(post_store.count_posts_by(instance.runtime.db.reader, actor.id))


@pytest.fixture
def shop(start):
    """alice sells on A; bob on B follows her."""
    a, b = start("a"), start("b")
    alice = a.create_user("alice").actor
    bob = b.create_user("bob").actor
    b.run(follows.follow(b.ctx, bob, b.resolve(alice.uri)))
    _settle(a, b)
    return a, b, alice


def _create(a, alice, photos=()):
    listing, post = a.run(listings.create_listing(a.ctx, alice, dict(BIKE), "Some rust. #bikes", media=list(photos)))
    return listing, post


def test_listing__reaches_a_follower_as_one_listing_with_price_photos_and_seller(shop):
    a, b, alice = shop
    photos = [_photo(a, alice, (0, 0, 200), "left side"), _photo(a, alice, (0, 200, 0), "right side")]
    listing, post = _create(a, alice, photos)
    _settle(a, b)

    received, carrier = _listing_on(b, listing.proposal_uri)
    assert received is not None and carrier.uri == post.uri
    assert (received.title, received.price_kind, received.price_amount, received.price_currency) == (
        "Blue one-speed bike", "fixed", "30.00", "USD")
    assert (received.quantity, received.condition, received.category, received.regions) == (1, "used", "bicycles", ("Berlin",))
    assert received.checkout_url == "https://pay.example/bike" and received.status == "open"
    assert received.actor_id == b.resolve(alice.uri).id == carrier.actor_id
    assert [att["name"] for att in carrier.attachments] == ["left side", "right side"]
    assert "Blue one-speed bike" in carrier.content and "30.00 USD" in carrier.content
    assert _posts_by(b, alice.uri) == 1  # one post, not a post and a listing
    assert b.run(post_store.list_tags(b.runtime.db.reader, carrier.id)) == ["bikes"]


def test_edit_sell_and_delete__follow_the_listing_to_the_other_instance(shop):
    a, b, alice = shop
    listing, post = _create(a, alice)
    _settle(a, b)

    a.run(listings.edit_listing(a.ctx, alice, post.id, {"price_amount": "24.99"}, description="Price drop!"))
    _settle(a, b)
    received, carrier = _listing_on(b, listing.proposal_uri)
    assert received.price_amount == "24.99" and "24.99 USD" in carrier.content and "Price drop" in carrier.content
    assert carrier.edited_at is not None

    a.run(listings.set_status(a.ctx, alice, post.id, "sold"))
    _settle(a, b)
    received, carrier = _listing_on(b, listing.proposal_uri)
    assert received.status == "sold" and "Sold" in carrier.content
    assert _posts_by(b, alice.uri) == 1

    a.run(listings.delete_listing(a.ctx, alice, post.id))
    _settle(a, b)
    assert _listing_on(b, listing.proposal_uri) == (None, None)
    assert b.run(post_store.find_post_by_uri(b.runtime.db.reader, post.uri)) is None


def test_proposal__is_served_at_its_own_id_and_browsers_get_the_listing_page(shop):
    a, _, alice = shop
    listing, post = _create(a, alice)
    reply = get(listing.proposal_uri, headers=AP)
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("application/activity+json")
    proposal = reply.json()
    assert proposal["type"] == "Proposal" and proposal["id"] == listing.proposal_uri
    assert proposal["purpose"] == "offer" and proposal["attributedTo"] == alice.uri and proposal["name"] == BIKE["title"]
    assert proposal["publishes"]["action"] == "transfer" and proposal["publishes"]["id"] == listing.proposal_uri + "#primary"
    assert proposal["publishes"]["resourceQuantity"] == {"hasUnit": "one", "hasNumericalValue": "1"}
    assert proposal["reciprocal"]["resourceConformsTo"] == "urn:iso:std:iso:4217:USD"
    assert proposal["reciprocal"]["resourceQuantity"] == {"hasUnit": "one", "hasNumericalValue": "30.00"}
    assert proposal["unitBased"] is False and proposal["url"] == post.url
    browser = get(listing.proposal_uri, headers={"Accept": "text/html"})
    assert browser.status == 200 and browser.headers["Content-Type"].startswith("text/html")
    assert "Blue one-speed bike" in browser.text and "Accept" in browser.headers["Vary"]

    a.run(listings.delete_listing(a.ctx, alice, post.id))
    assert get(listing.proposal_uri, headers=AP).status == 410


def test_fedify_peer__receives_a_readable_note_with_title_price_and_photos(start, fedify_peer):
    a = start("a")
    alice = a.create_user("alice").actor
    fedify_peer.create_actor("fern")
    fedify_peer.follow("fern", alice.uri)
    a.drain()
    photos = [_photo(a, alice, (200, 0, 0), "front"), _photo(a, alice, (0, 0, 0), "back")]
    _, post = _create(a, alice, photos)
    a.drain()

    [create] = [r for r in fedify_peer.received() if r["type"] == "Create"]
    note = create["json"]["object"]
    assert create["verified"] and note["type"] == "Note" and note["id"] == post.uri
    assert "Blue one-speed bike" in note["content"] and "30.00 USD" in note["content"]
    assert [att["name"] for att in note["attachment"]] == ["front", "back"]
    assert note["proposal"]["type"] == "Proposal"  # ignored by plain readers, kept for FEP-0837 ones
