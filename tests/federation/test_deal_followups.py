"""Deals across two redfed instances, what happens around them: each party is notified (v1 and
grouped v2, the deal inside), the finalized Agreement is fetchable by the parties only, a listing's
and a review's Note fetched by URL carry what their Create carried, a stock change is an Update but
no edit, a blocked buyer's Offer gets a Reject with a reason, and forged or impossible deal moves
change nothing."""

import json

import pytest

from redfed.errors import Forbidden, Unprocessable
from redfed.services.accounts import accounts
from redfed.services.shop import deals, listings, reviews
from redfed.services.social import interactions
from redfed.store import actors as actor_store
from redfed.store import posts as post_store
from redfed.store.shop import deals as deal_store

from ..api.test_listings_api import call
from ..support import api
from ..support.http import AP, get
from ..web.test_objects import signed_get
from .test_deals import _deal_on, _enqueue, _stock, shop  # noqa: F401 (fixture)
from .test_listings import _listing_on, _settle


def _notifications(instance, username, path="/api/v1/notifications"):
    token = api.token_for(instance, username)
    return json.loads(api.client(instance, token=token).session.get(
        instance.url(path), headers={"Authorization": f"Bearer {token}"}).text)


def _of_type(found, kind):
    return [n for n in found if n["type"] == kind]


def test_notifications__the_seller_hears_of_the_offer_and_the_buyer_of_each_answer(shop):
    a, b, alice, bob, listing, copy = shop
    offered = b.run(deals.make_offer(b.ctx, bob, copy.post_id, 2))
    _settle(a, b)
    on_a = _deal_on(a, offered.offer_uri)
    [offer] = _of_type(_notifications(a, "alice"), "redfed.offer")
    assert offer["account"]["acct"] == f"bob@{b.config.domain}"
    assert offer["deal"]["id"] == str(on_a.id) and offer["deal"]["state"] == "offered"
    assert offer["deal"]["role"] == "seller" and offer["deal"]["quantity"] == 2
    assert offer["deal"]["total"] == {"amount": "60.00", "currency": "USD"}
    assert offer["status"]["id"] == str(listing.post_id)  # the listing's post

    a.run(deals.accept(a.ctx, alice, on_a.id))
    _settle(a, b)
    [answer] = _of_type(_notifications(b, "bob"), "redfed.deal")
    assert answer["deal"]["state"] == "accepted" and answer["deal"]["role"] == "buyer"
    assert answer["deal"]["payment_url"] == "https://pay.example/bike"

    a.run(deals.mark_paid(a.ctx, alice, on_a.id))
    _settle(a, b)
    # The receipt replaces the earlier notice of the same deal: one notification, newest state.
    [receipt] = _of_type(_notifications(b, "bob"), "redfed.deal")
    assert receipt["deal"]["state"] == "paid" and int(receipt["id"]) > int(answer["id"])

    # Grouped notifications (v2): each deal notification is a group of its own, with the deal.
    grouped = _notifications(b, "bob", "/api/v2/notifications")
    [group] = [g for g in grouped["notification_groups"] if g["type"] == "redfed.deal"]
    assert group["group_key"] == f"ungrouped-{receipt['id']}" and group["deal"]["state"] == "paid"
    assert group["status_id"] == str(copy.post_id)
    assert {s["id"] for s in grouped["statuses"]} == {str(copy.post_id)}
    # Like Mastodon's own newer types, they come by default and can be excluded.
    excluded = _notifications(b, "bob", "/api/v1/notifications?exclude_types[]=redfed.deal")
    assert _of_type(excluded, "redfed.deal") == []


def test_notifications__a_rejection_reaches_the_buyer_with_the_reason_and_mastodon_py_reads_it(shop):
    a, b, alice, bob, listing, copy = shop
    offered = b.run(deals.make_offer(b.ctx, bob, copy.post_id, 1))
    _settle(a, b)
    a.run(deals.reject(a.ctx, alice, _deal_on(a, offered.offer_uri).id))
    _settle(a, b)
    found = api.client(b, "bob").notifications()
    [answer] = [n for n in found if n["type"] == "redfed.deal"]
    assert answer["deal"]["state"] == "rejected" and answer["deal"]["reason"] == "rejected by the seller"


def test_local_deal__both_parties_on_one_instance_are_notified(shop):
    a, _, alice, _, listing, _ = shop
    carol = a.create_user("carol").actor
    offered = a.run(deals.make_offer(a.ctx, carol, listing.post_id, 1))
    assert [n["deal"]["id"] for n in _of_type(_notifications(a, "alice"), "redfed.offer")] == [str(offered.id)]
    a.run(deals.accept(a.ctx, alice, offered.id))
    [answer] = _of_type(_notifications(a, "carol"), "redfed.deal")
    assert answer["deal"]["state"] == "accepted" and answer["account"]["username"] == "alice"


def _instance_actor(instance):
    return instance.run(accounts.ensure_instance_actor(instance.runtime.db, instance.config))


def test_agreement__fetchable_by_the_parties_and_their_servers_only(shop, start_instance):
    a, b, alice, bob, listing, copy = shop
    offered = b.run(deals.make_offer(b.ctx, bob, copy.post_id, 1))
    _settle(a, b)
    on_a = _deal_on(a, offered.offer_uri)
    uri = on_a.agreement_uri or f"{alice.uri}/agreements/{on_a.id}"
    assert signed_get(b, bob, uri).status == 404  # not accepted yet: no Agreement exists
    a.run(deals.accept(a.ctx, alice, on_a.id))
    _settle(a, b)
    uri = _deal_on(b, offered.offer_uri).agreement_uri

    shown = json.loads(signed_get(b, bob, uri).body)
    assert shown["id"] == uri and shown["type"] == "Agreement" and shown["dealState"] == "accepted"
    assert shown["attributedTo"] == alice.uri and shown["to"] == [bob.uri]
    assert shown["stipulates"]["satisfies"] == listing.proposal_uri + "#primary"
    assert shown["url"]["href"] == "https://pay.example/bike"
    assert signed_get(a, alice, uri).status == 200
    b_server = _instance_actor(b)
    assert b.run(actor_store.list_keys(b.runtime.db.reader, b_server.id))
    assert signed_get(b, b_server, uri).status == 200

    c = start_instance("c")
    mallory = c.create_user("mallory").actor
    assert signed_get(c, mallory, uri).status == 404
    assert signed_get(c, _instance_actor(c), uri).status == 404
    dave = b.create_user("dave").actor  # another user of the buyer's server is no party
    assert signed_get(b, dave, uri).status == 404
    assert get(uri, AP).status == 404  # unsigned
    assert get(uri.rsplit("/", 1)[0] + "/99999", AP).status == 404


def test_notes_fetched_by_url__carry_the_proposal_and_the_rating(shop):
    a, b, alice, bob, listing, copy = shop
    _, post = _listing_on(a, listing.proposal_uri)
    note = get(post.uri, AP).json()
    assert note["proposal"]["id"] == listing.proposal_uri and note["proposal"]["name"] == "Blue one-speed bike"
    assert "Blue one-speed bike" in note["content"]
    activity = get(post.uri + "/activity", AP).json()
    assert activity["type"] == "Create" and activity["object"]["proposal"]["id"] == listing.proposal_uri

    _, review = b.run(reviews.review(b.ctx, bob, copy.post_id, 4, "Rides well"))
    fetched = get(review.uri, AP).json()
    assert fetched["rating"] == 4 and "★★★★☆ 4/5" in fetched["content"]
    assert {"redfed": "https://w3id.org/redfed#", "rating": "redfed:rating"} in fetched["@context"]
    plain = b.run(_plain_post(b, bob))
    assert "rating" not in get(plain.uri, AP).json()


async def _plain_post(instance, actor):
    from redfed.services.social import posts
    return await posts.create_local_post(instance.ctx, actor, "Just a post")


def _edits(instance, post_id):
    return instance.run(post_store.list_edits(instance.runtime.db.reader, post_id))


def test_stock_change__is_an_update_of_the_listing_but_no_edit_until_it_sells_out(shop):
    a, b, alice, bob, listing, copy = shop
    first = b.run(deals.make_offer(b.ctx, bob, copy.post_id, 1))
    _settle(a, b)
    a.run(deals.accept(a.ctx, alice, _deal_on(a, first.offer_uri).id))
    _settle(a, b)
    seller_copy, seller_post = _listing_on(a, listing.proposal_uri)
    buyer_copy, buyer_post = _listing_on(b, listing.proposal_uri)
    assert seller_copy.quantity == 2 and buyer_copy.quantity == 2  # the Update arrived
    assert seller_post.edited_at is None and _edits(a, seller_post.id) == []  # no "edited" mark
    assert buyer_post.edited_at is None and _edits(b, buyer_post.id) == []
    assert get(seller_post.uri, AP).json()["proposal"]["publishes"]["availableQuantity"]["hasNumericalValue"] == "2"

    rest = b.run(deals.make_offer(b.ctx, bob, copy.post_id, 2))
    _settle(a, b)
    a.run(deals.accept(a.ctx, alice, _deal_on(a, rest.offer_uri).id))
    _settle(a, b)
    sold, sold_post = _listing_on(b, listing.proposal_uri)
    assert sold.quantity == 0 and sold.availability == "sold_out" and "Sold out" in sold_post.content
    assert len(_edits(b, sold_post.id)) == 1  # selling out changes the headline: that is an edit
    with pytest.raises(Unprocessable, match="sold out"):
        b.run(deals.make_offer(b.ctx, bob, copy.post_id, 1))


def test_blocked_buyer__remote_offer_gets_a_reject_with_a_reason_and_no_deal_is_stored(shop):
    a, b, alice, bob, listing, copy = shop
    a.run(interactions.block(a.ctx, alice, a.resolve(bob.uri)))
    # B has not heard of the Block yet (not drained): bob's Offer is still sent.
    offered = b.run(deals.make_offer(b.ctx, bob, copy.post_id, 1))
    _settle(a, b)
    assert a.run(deal_store.count_deals(a.runtime.db.reader)) == 0
    refused = _deal_on(b, offered.offer_uri)
    assert refused.state == "rejected" and refused.reason == "offers are not accepted from this account"
    assert _of_type(_notifications(a, "alice"), "redfed.offer") == []
    [answer] = _of_type(_notifications(b, "bob"), "redfed.deal")
    assert answer["deal"]["state"] == "rejected"


def test_blocked_buyer__local_offer_is_forbidden(shop):
    a, _, alice, _, listing, _ = shop
    carol = a.create_user("carol").actor
    a.run(interactions.block(a.ctx, alice, carol))
    with pytest.raises(Forbidden, match="blocks"):
        a.run(deals.make_offer(a.ctx, carol, listing.post_id, 1))
    assert a.run(deal_store.count_deals(a.runtime.db.reader)) == 0


def test_offer_on_a_closed_listing__the_seller_rejects_it_with_the_reason(shop):
    a, b, alice, bob, listing, copy = shop
    a.run(listings.set_status(a.ctx, alice, listing.post_id, "closed"))  # not drained: B's copy is open
    offered = b.run(deals.make_offer(b.ctx, bob, copy.post_id, 1))
    _settle(a, b)
    assert a.run(deal_store.count_deals(a.runtime.db.reader)) == 0
    refused = _deal_on(b, offered.offer_uri)
    assert refused.state == "rejected" and refused.reason == "this listing is closed"
    assert _stock(a, listing.post_id).quantity == 3


def test_forged_paid_update_and_reject_from_a_third_actor__change_nothing(shop, start_instance):
    a, b, alice, bob, listing, copy = shop
    offered = b.run(deals.make_offer(b.ctx, bob, copy.post_id, 1))
    _settle(a, b)
    a.run(deals.accept(a.ctx, alice, _deal_on(a, offered.offer_uri).id))
    _settle(a, b)
    accepted = _deal_on(b, offered.offer_uri)
    c = start_instance("c")
    mallory = c.create_user("mallory").actor
    inbox = c.resolve(bob.uri).inbox_uri
    paid = {
        "@context": "https://www.w3.org/ns/activitystreams", "id": c.url("/activities/forged-paid"), "type": "Update",
        "actor": mallory.uri, "to": [bob.uri],
        "object": {"type": "Agreement", "id": accepted.agreement_uri, "dealState": "paid"},
    }
    reject = {
        "@context": "https://www.w3.org/ns/activitystreams", "id": c.url("/activities/forged-reject"), "type": "Reject",
        "actor": mallory.uri, "to": [bob.uri], "object": offered.offer_uri,
    }
    c.run(_enqueue(c, mallory, paid, inbox))
    c.run(_enqueue(c, mallory, reject, inbox))
    _settle(a, b, c)
    assert _deal_on(b, offered.offer_uri) == accepted
    assert _of_type(_notifications(b, "bob"), "redfed.deal")[0]["deal"]["state"] == "accepted"


def test_mastodon_edit_of_a_listing_status__keeps_title_and_price_and_federates_the_proposal(shop):
    a, b, alice, bob, listing, copy = shop
    mastodon = api.client(a, "alice")
    source = mastodon.status_source(listing.post_id)
    assert source["text"] == "Three bikes."  # the description, without the headline
    edited = mastodon.status_update(listing.post_id, "Three bikes, freshly oiled.")
    assert "Blue one-speed bike" in edited["content"] and "30.00 USD" in edited["content"]
    assert "freshly oiled" in edited["content"]
    _settle(a, b)
    on_b, post_b = _listing_on(b, listing.proposal_uri)
    assert on_b.title == "Blue one-speed bike" and on_b.price_amount == "30.00"
    assert "freshly oiled" in post_b.content and "30.00 USD" in post_b.content
    note = get(_listing_on(a, listing.proposal_uri)[1].uri, AP).json()
    assert "freshly oiled" in note["proposal"]["content"]

    # A content warning has no place on a listing: refused, nothing changed.
    token = api.token_for(a, "alice")
    reply = call(a, "PUT", f"/api/v1/statuses/{listing.post_id}", token, {"status": "x", "spoiler_text": "cw"})
    assert reply.status == 422 and "content warning" in reply.json()["error"]
    assert "freshly oiled" in _listing_on(a, listing.proposal_uri)[1].content


def test_review_by_the_seller_from_her_own_server__stored_as_a_reply_but_not_counted(shop):
    a, b, alice, bob, listing, copy = shop
    _, post = _listing_on(a, listing.proposal_uri)
    # A server that skips its own check: alice's rated reply to her own listing, signed by A.
    note_id = a.url("/users/alice/statuses/424242")
    review = {
        "@context": ["https://www.w3.org/ns/activitystreams", {"redfed": "https://w3id.org/redfed#", "rating": "redfed:rating"}],
        "id": a.url("/activities/self-review"), "type": "Create", "actor": alice.uri,
        "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [alice.followers_uri],
        "object": {
            "id": note_id, "type": "Note", "attributedTo": alice.uri, "inReplyTo": post.uri,
            "content": "<p>★★★★★ 5/5 Best bike ever</p>", "rating": 5, "published": "2026-01-01T00:00:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [alice.followers_uri],
        },
    }
    a.run(_enqueue(a, alice, review, b.resolve(bob.uri).inbox_uri))
    _settle(a, b)
    stored = b.run(post_store.find_post_by_uri(b.runtime.db.reader, note_id))
    assert stored is not None and stored.in_reply_to_id == copy.post_id
    assert b.run(reviews.ratings(b.ctx, [copy.post_id])) == {copy.post_id: {"average": None, "count": 0}}
