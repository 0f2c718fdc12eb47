"""The "paid partnership" disclosure: set on a status or a listing through the API, shown in the
status entity (extension field and text), on the post page and on page cards, federated as text plus
`paidPartnership: true` and read back by another instance; removable by an edit; bad values refused."""

import json

import pytest

from redfed.services.social import follows
from redfed.store import posts as post_store

from ..api.test_listings_api import BIKE, call
from ..support import api
from ..support.http import AP, get
from .test_listings import _listing_on, _settle


@pytest.fixture
def pair(start_instance):
    a, b = start_instance("a"), start_instance("b")
    alice = a.create_user("alice").actor
    bob = b.create_user("bob").actor
    b.run(follows.follow(b.ctx, bob, b.resolve(alice.uri)))
    _settle(a, b)
    return a, b, alice, api.token_for(a, "alice")


def _copy(instance, uri):
    return instance.run(post_store.find_post_by_uri(instance.runtime.db.reader, uri))


def test_status__disclosed_everywhere_and_federated_with_the_marker(pair):
    a, b, alice, token = pair
    reply = call(a, "POST", "/api/v1/statuses", token, {"status": "Trying the new espresso grinder", "paid_partnership": True})
    assert reply.status == 200, reply.body
    status = reply.json()
    assert status["paid_partnership"] is True
    assert status["content"].startswith('<p class="paid-partnership">Paid partnership</p>')

    note = get(status["uri"], AP).json()
    assert note["paidPartnership"] is True and "Paid partnership" in note["content"]
    assert {"redfed": "https://w3id.org/redfed#", "paidPartnership": "redfed:paidPartnership"} in note["@context"]

    page = get(status["url"], {"Accept": "text/html"}).body.decode()
    # The page's own badge, and the content's line (hidden by the stylesheet beside the badge).
    assert page.count('<p class="paid-partnership">Paid partnership</p>') == 2
    profile = get(a.url("/@alice"), {"Accept": "text/html"}).body.decode()
    assert profile.count('class="paid-partnership"') == 1  # the card's badge

    _settle(a, b)
    copy = _copy(b, status["uri"])
    assert copy.paid_partnership is True and "Paid partnership" in copy.content
    shown = call(b, "GET", f"/api/v1/statuses/{copy.id}", api.token_for(b, "bob")).json()
    assert shown["paid_partnership"] is True

    # An edit that drops the disclosure drops the line and the marker, on both sides.
    edited = call(a, "PUT", f"/api/v1/statuses/{status['id']}", token,
                  {"status": "Trying the new espresso grinder", "paid_partnership": False}).json()
    assert edited["paid_partnership"] is False and "Paid partnership" not in edited["content"]
    assert "paidPartnership" not in get(status["uri"], AP).json()
    _settle(a, b)
    copy = _copy(b, status["uri"])
    assert copy.paid_partnership is False and "Paid partnership" not in copy.content

    # An edit that says nothing of it keeps it as it is.
    call(a, "PUT", f"/api/v1/statuses/{status['id']}", token, {"status": "Now with a grinder", "paid_partnership": True})
    kept = call(a, "PUT", f"/api/v1/statuses/{status['id']}", token, {"status": "Now with a better grinder"}).json()
    assert kept["paid_partnership"] is True and kept["content"].count("Paid partnership") == 1


def test_listing__disclosed_on_create_and_edit_and_federated(pair):
    a, b, alice, token = pair
    listing = call(a, "POST", "/api/v1/listings", token, {**BIKE, "paid_partnership": True}).json()
    assert listing["paid_partnership"] is True and listing["status"]["paid_partnership"] is True
    content = listing["status"]["content"]
    assert content.startswith('<p class="paid-partnership">Paid partnership</p>') and "Blue one-speed bike" in content
    note = get(listing["status"]["uri"], AP).json()
    assert note["paidPartnership"] is True and note["proposal"]["id"] == listing["uri"]
    assert note["@context"][-1]["paidPartnership"] == "redfed:paidPartnership"
    _settle(a, b)
    _, copy = _listing_on(b, listing["uri"])
    assert copy.paid_partnership is True

    edited = call(a, "PUT", f"/api/v1/listings/{listing['id']}", token, {"paid_partnership": False}).json()
    assert edited["paid_partnership"] is False and "Paid partnership" not in edited["status"]["content"]
    assert "Blue one-speed bike" in edited["status"]["content"]
    _settle(a, b)
    assert _listing_on(b, listing["uri"])[1].paid_partnership is False


@pytest.mark.parametrize("value", ["maybe", ["true"], {"yes": 1}])
def test_bad_values__are_refused_and_nothing_is_posted(pair, value):
    a, _, alice, token = pair
    before = a.run(post_store.count_local_posts(a.runtime.db.reader))
    reply = call(a, "POST", "/api/v1/statuses", token, {"status": "hello", "paid_partnership": value})
    assert reply.status == 422 and "paid_partnership" in reply.json()["error"]
    listing = call(a, "POST", "/api/v1/listings", token, {**BIKE, "paid_partnership": value})
    assert listing.status == 422
    assert a.run(post_store.count_local_posts(a.runtime.db.reader)) == before
