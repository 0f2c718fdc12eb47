"""The listings API extension (/api/v1/listings): create with photos, read, edit, status changes,
delete, a seller's listings and search; bad input refused with a clear error and nothing changed."""

import io
import json
from urllib.parse import urlencode

import pytest
from PIL import Image

from redfed.store import posts as post_store
from redfed.store.shop import listings as listing_store

from ..support import api
from ..support.http import request


def _png(color) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, "PNG")
    return buffer.getvalue()


def call(instance, method: str, path: str, token: str | None = None, body: dict | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    return request(method, instance.url(path), headers=headers, body=data)


def _counts(instance) -> tuple[int, int]:
    db = instance.runtime.db.reader
    return instance.run(listing_store.count_listings(db)), instance.run(post_store.count_local_posts(db))


BIKE = {
    "title": "Blue one-speed bike",
    "description": "15 years old, some rust. Pickup only. #bikes",
    "price": {"amount": "30", "currency": "USD"},
    "quantity": 1, "condition": "used", "category": "Bicycles", "regions": ["Berlin", "Potsdam"],
    "checkout_url": "https://pay.example/bike",
}


@pytest.fixture
def seller(instance):
    instance.create_user("alice")
    return api.token_for(instance, "alice")


def _create(instance, token, **overrides):
    reply = call(instance, "POST", "/api/v1/listings", token, {**BIKE, **overrides})
    assert reply.status == 200, reply.body
    return reply.json()


def test_create__a_listing_with_two_photos_is_an_ordinary_status_too(instance, seller):
    mastodon = api.client(instance, token=seller)
    photos = [mastodon.media_post(_png(c), mime_type="image/png", description=f"the bike, {side}")
              for c, side in (((0, 0, 200), "left"), ((0, 200, 0), "right"))]
    listing = _create(instance, seller, media_ids=[str(p["id"]) for p in photos])

    assert listing["title"] == "Blue one-speed bike" and listing["state"] == "open"
    assert listing["price"] == {"amount": "30.00", "currency": "USD", "kind": "fixed"}
    assert listing["condition"] == "used" and listing["category"] == "bicycles"
    assert listing["regions"] == ["Berlin", "Potsdam"] and listing["quantity"] == 1
    assert listing["seller"]["username"] == "alice" and listing["uri"].endswith(f"/users/alice/listings/{listing['id']}")
    # Mastodon apps see the carrying status: photos with alt text, title and price first.
    status = mastodon.status(listing["id"])
    assert [m["description"] for m in status["media_attachments"]] == ["the bike, left", "the bike, right"]
    assert "Blue one-speed bike" in status["content"] and "30.00 USD" in status["content"]
    assert [t["name"] for t in status["tags"]] == ["bikes"]
    shown = call(instance, "GET", f"/api/v1/listings/{listing['id']}").json()
    assert shown["status"]["id"] == listing["id"] and shown["checkout_url"] == "https://pay.example/bike"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"price": {"amount": "-5", "currency": "USD"}}, "price cannot be negative"),
        ({"price": {"amount": "1e12", "currency": "USD"}}, "price is too high"),
        ({"price": {"amount": "1000000000.01", "currency": "EUR"}}, "price is too high"),
        ({"price": {"amount": "10", "currency": "XYZ"}}, "unknown currency 'XYZ'"),
        ({"price": {"amount": "9.999", "currency": "USD"}}, "USD prices have at most 2 decimal places"),
        ({"price": {"amount": "100.5", "currency": "JPY"}}, "JPY prices have no decimal places"),
        ({"price": {"amount": "ten", "currency": "USD"}}, "price must be a decimal number"),
        ({"price": {"amount": "NaN", "currency": "USD"}}, "price must be a decimal number"),
        ({"price": {"kind": "barter"}}, "price kind must be one of"),
        ({"price": {"kind": "fixed"}}, "a fixed price needs an amount and a currency"),
        ({"price": "30"}, "price must be an object"),
        ({"checkout_url": "javascript:alert(1)"}, "checkout_url must be an http or https link"),
        ({"checkout_url": "https://pay.example/a b"}, "checkout_url must be an http or https link"),
        ({"title": "  "}, "a listing needs a title"),
        ({"title": "x" * 201}, "title is longer than 200 characters"),
        ({"quantity": -1}, "quantity must be a whole number"),
        ({"availability": "maybe"}, "availability must be one of"),
        ({"condition": "mint"}, "condition must be one of"),
        ({"regions": ["r"] * 21}, "at most 20 regions"),
        ({"visibility": "direct"}, "a listing is public or unlisted"),
        ({"description": "x" * 2001}, "description is longer than 2000 characters"),
    ],
)
def test_create__bad_input_is_refused_with_a_clear_422_and_nothing_stored(instance, seller, overrides, message):
    before = _counts(instance)
    reply = call(instance, "POST", "/api/v1/listings", seller, {**BIKE, **overrides})
    assert reply.status == 422, reply.body
    assert message in reply.json()["error"]
    assert _counts(instance) == before


def test_create__free_and_on_request_prices_have_no_amount(instance, seller):
    free = _create(instance, seller, price={"kind": "free"})
    asked = _create(instance, seller, price={"kind": "on_request", "amount": "5", "currency": "EUR"})
    assert free["price"] == {"amount": None, "currency": None, "kind": "free"}
    assert asked["price"] == {"amount": None, "currency": None, "kind": "on_request"}
    assert "Free" in free["status"]["content"] and "Price on request" in asked["status"]["content"]


def test_create__form_parameters_work_as_json_does(instance, seller):
    form = urlencode([("title", "Lamp"), ("price[amount]", "12.5"), ("price[currency]", "eur"), ("regions[]", "Lyon")])
    reply = request("POST", instance.url("/api/v1/listings"), body=form.encode(),
                    headers={"Authorization": f"Bearer {seller}", "Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 200, reply.body
    assert reply.json()["price"] == {"amount": "12.50", "currency": "EUR", "kind": "fixed"}
    assert reply.json()["regions"] == ["Lyon"]


def test_edit_and_status_changes__update_the_listing_and_its_status(instance, seller):
    listing = _create(instance, seller)
    path = f"/api/v1/listings/{listing['id']}"
    edited = call(instance, "PUT", path, seller, {"price": {"amount": "25.50"}, "description": "Now with a bell"}).json()
    assert edited["price"] == {"amount": "25.50", "currency": "USD", "kind": "fixed"}
    assert "25.50 USD" in edited["status"]["content"] and "bell" in edited["status"]["content"]
    assert edited["status"]["edited_at"] is not None and edited["title"] == BIKE["title"]
    for action, state in (("pause", "paused"), ("reopen", "open"), ("sell", "sold")):
        assert call(instance, "POST", f"{path}/{action}", seller).json()["state"] == state
    sold = call(instance, "GET", path).json()
    assert sold["state"] == "sold" and "Sold" in sold["status"]["content"]
    cleared = call(instance, "PUT", path, seller, {"condition": "", "checkout_url": ""}).json()
    assert cleared["condition"] is None and cleared["checkout_url"] is None


def test_edit__a_bad_change_is_refused_and_the_listing_stays_as_it_was(instance, seller):
    listing = _create(instance, seller)
    path = f"/api/v1/listings/{listing['id']}"
    for body in ({"price": {"amount": "-1"}}, {"price": {"currency": "XYZ"}}, {"checkout_url": "javascript:x"}):
        reply = call(instance, "PUT", path, seller, body)
        assert reply.status == 422, body
    assert call(instance, "GET", path).json()["price"] == listing["price"]
    assert call(instance, "GET", path).json()["checkout_url"] == BIKE["checkout_url"]


def test_someone_elses_listing__cannot_be_edited_sold_or_deleted(instance, seller):
    listing = _create(instance, seller)
    instance.create_user("mallory")
    mallory = api.token_for(instance, "mallory")
    path = f"/api/v1/listings/{listing['id']}"
    assert call(instance, "PUT", path, mallory, {"price": {"amount": "1"}}).status == 404
    assert call(instance, "POST", f"{path}/sell", mallory).status == 404
    assert call(instance, "DELETE", path, mallory).status == 404
    unchanged = call(instance, "GET", path).json()
    assert unchanged["price"] == listing["price"] and unchanged["state"] == "open"


def test_read_only_and_missing_tokens__writes_are_refused(instance, seller):
    listing = _create(instance, seller)
    reader = api.token_for(instance, "alice", scopes="read")
    before = _counts(instance)
    assert call(instance, "POST", "/api/v1/listings", reader, BIKE).status == 403
    assert call(instance, "PUT", f"/api/v1/listings/{listing['id']}", reader, {"title": "x"}).status == 403
    assert call(instance, "POST", f"/api/v1/listings/{listing['id']}/close", reader).status == 403
    assert call(instance, "POST", "/api/v1/listings", None, BIKE).status == 401
    assert _counts(instance) == before
    assert call(instance, "GET", f"/api/v1/listings/{listing['id']}").json()["title"] == BIKE["title"]


def test_delete__removes_the_listing_and_its_status(instance, seller):
    listing = _create(instance, seller)
    reply = call(instance, "DELETE", f"/api/v1/listings/{listing['id']}", seller)
    assert reply.status == 200 and reply.json()["id"] == listing["id"]
    assert call(instance, "GET", f"/api/v1/listings/{listing['id']}").status == 404
    assert call(instance, "GET", f"/api/v1/statuses/{listing['id']}").status == 404
    assert _counts(instance) == (0, 0)


def test_unknown_and_malformed_ids__are_404(instance, seller):
    for path in ("/api/v1/listings/123", "/api/v1/listings/abc", "/api/v1/listings/99999999999999999999"):
        reply = call(instance, "GET", path)
        assert reply.status == 404 and reply.json()["error"] == "Record not found"


def test_a_sellers_listings__are_paginated_with_a_link_header(instance, seller):
    ids = [_create(instance, seller, title=f"Item {n}")["id"] for n in range(3)]
    account_id = instance.actor("alice").id
    first = call(instance, "GET", f"/api/v1/accounts/{account_id}/listings?limit=2")
    assert [item["id"] for item in first.json()] == ids[::-1][:2]
    next_url = first.headers["Link"].split(";")[0].strip("<>")
    rest = request("GET", next_url).json()
    assert [item["id"] for item in rest] == [ids[0]]


def test_search__by_text_tag_category_and_price_range(instance, seller):
    bike = _create(instance, seller)
    lamp = _create(instance, seller, title="Desk lamp", description="bright #lamps", category="lighting",
                   price={"amount": "12", "currency": "EUR"})
    sold = _create(instance, seller, title="Old bike bell", price={"amount": "3", "currency": "USD"})
    call(instance, "POST", f"/api/v1/listings/{sold['id']}/sell", seller)

    def found(**query):
        reply = call(instance, "GET", "/api/v1/listings?" + urlencode(query))
        assert reply.status == 200, reply.body
        return [item["id"] for item in reply.json()]

    assert found(q="bike") == [bike["id"]]  # the sold bell is not for sale any more
    assert found(tag="lamps") == [lamp["id"]]
    assert found(category="Lighting") == [lamp["id"]]
    assert found(currency="usd", min_price="10", max_price="50") == [bike["id"]]
    assert found(currency="EUR", max_price="10") == []
    assert found() == [lamp["id"], bike["id"]]
    assert call(instance, "GET", "/api/v1/listings?min_price=5").status == 422
    assert call(instance, "GET", "/api/v1/listings?currency=XYZ").status == 422
    assert call(instance, "GET", "/api/v1/listings?currency=USD&max_price=-1").status == 422
