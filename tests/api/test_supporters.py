"""Supporters through the API: tiers anyone can see, grants by hand only the creator lists,
supporters-only posts that a grant in force opens and an expired one closes (a faked clock),
and grants by Ko-fi's and Stripe's webhooks in their real formats, with forged, replayed and
stale deliveries refused and nothing changed."""

import json
import time
import zipfile
from urllib.parse import urlencode

import pytest

from redfed.services.portability import exports
from redfed.services.supporters import stripe

from ..imports.support import import_and_wait
from ..support import api
from ..support.http import get, request
from .test_listings_api import call

TIER = {"name": "Sketchbook", "description": "Monthly scans", "price": "3 € a month", "url": "https://ko-fi.com/alice"}
KOFI_TOKEN = "6a8ebc7e-7d23-4bbb-9d0e-2e3f1f0bd71c"
STRIPE_SECRET = "whsec_test_5d8b7e2f9c"


@pytest.fixture
def creator(instance):
    """alice, who has a tier and one supporters-only post; bob and carol, who read it or not."""
    for name in ("alice", "bob", "carol"):
        instance.create_user(name)
    token = api.token_for(instance, "alice")
    tier = call(instance, "POST", "/api/v1/redfed/support_tiers", token, TIER).json()
    post = call(instance, "POST", "/api/v1/statuses", token, {"status": "Sketchbook for March\nThe scans, page by page", "redfed_audience": "supporters"}).json()
    return instance, token, tier, post


def _reads(instance, username, post) -> bool:
    reply = call(instance, "GET", f"/api/v1/statuses/{post['id']}", api.token_for(instance, username))
    assert reply.status in (200, 404)
    return reply.status == 200


def _on_profile(instance, username, post) -> bool:
    alice_id = instance.actor("alice").id
    shown = call(instance, "GET", f"/api/v1/accounts/{alice_id}/statuses", api.token_for(instance, username)).json()
    return post["id"] in [s["id"] for s in shown]


def _supporters(instance, token) -> list[str]:
    return [g["account"]["acct"] for g in call(instance, "GET", "/api/v1/redfed/supporters", token).json() if g["active"]]


def test_tiers__anyone_sees_them_only_the_creator_changes_them_and_bad_ones_are_refused(creator):
    instance, token, tier, _ = creator
    assert tier | {"id": None} == TIER | {"id": None}
    alice_id = instance.actor("alice").id
    assert call(instance, "GET", f"/api/v1/accounts/{alice_id}/support_tiers").json() == [tier]
    edited = call(instance, "PATCH", f"/api/v1/redfed/support_tiers/{tier['id']}", token, TIER | {"price": "4 €"})
    assert edited.status == 200 and edited.json()["price"] == "4 €"
    carol = api.token_for(instance, "carol")
    assert call(instance, "PATCH", f"/api/v1/redfed/support_tiers/{tier['id']}", carol, TIER).status == 404
    assert call(instance, "DELETE", f"/api/v1/redfed/support_tiers/{tier['id']}", carol).status == 404
    assert call(instance, "GET", "/api/v1/redfed/support_tiers", api.token_for(instance, "alice", scopes="read")).status == 200
    assert call(instance, "POST", "/api/v1/redfed/support_tiers", api.token_for(instance, "alice", scopes="read"), TIER).status == 403
    _bad_tiers_refused(instance, token)
    assert call(instance, "DELETE", f"/api/v1/redfed/support_tiers/{tier['id']}", token).status == 200
    assert call(instance, "GET", f"/api/v1/accounts/{alice_id}/support_tiers").json() == []


BAD_TIERS = [
    ({"name": ""}, "name"),
    ({"name": "n" * 101}, "name"),
    ({"url": "javascript:alert(1)"}, "url"),
    ({"url": None}, "url"),
    ({"price": ["3"]}, "price"),
    ({"description": "d" * 2_001}, "description"),
    ({"name": "sketchbook"}, "already have a tier"),
]


def _bad_tiers_refused(instance, token):
    for change, error in BAD_TIERS:
        reply = call(instance, "POST", "/api/v1/redfed/support_tiers", token, TIER | change)
        assert reply.status == 422 and error in reply.json()["error"], change
    assert len(call(instance, "GET", "/api/v1/redfed/support_tiers", token).json()) == 1


def test_grants__open_the_supporters_posts_until_they_expire_or_are_revoked(creator):
    instance, token, tier, post = creator
    assert post["visibility"] == "private" and post["redfed"] == {"audience": "supporters"}
    assert not _reads(instance, "bob", post)
    _bad_grants_refused(instance, token)
    _teased_on_the_web(instance, token, post)
    # A grant for an hour, by handle
    in_an_hour = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(instance.clock() + 3600))
    reply = call(instance, "POST", "/api/v1/redfed/supporters", token,
                 {"handle": "bob", "tier_id": tier["id"], "expires_at": in_an_hour})
    assert reply.status == 200, reply.body
    assert reply.json()["tier"]["name"] == "Sketchbook" and reply.json()["source"] == "manual"
    assert _reads(instance, "bob", post) and not _reads(instance, "carol", post)
    assert _on_profile(instance, "bob", post) and not _on_profile(instance, "carol", post)
    assert _supporters(instance, token) == ["bob"]
    # The list is the creator's alone
    assert call(instance, "GET", "/api/v1/redfed/supporters", api.token_for(instance, "bob")).json() == []
    assert call(instance, "GET", "/api/v1/redfed/supporters").status == 401
    # Two hours later the grant has run out
    instance.clock.advance(2 * 3600)
    assert not _reads(instance, "bob", post) and not _on_profile(instance, "bob", post)
    assert _supporters(instance, token) == []
    # Granted again without expiry, then revoked
    assert call(instance, "POST", "/api/v1/redfed/supporters", token, {"handle": "@bob"}).status == 200
    assert _reads(instance, "bob", post)
    _exported_and_imported(instance, tier)
    assert call(instance, "DELETE", "/api/v1/redfed/supporters", token, {"handle": "bob"}).status == 200
    assert not _reads(instance, "bob", post)
    assert call(instance, "DELETE", "/api/v1/redfed/supporters", token, {"handle": "bob"}).status == 404


def _exported_and_imported(instance, tier):
    """alice's archive holds her tiers and supporters; importing it into carol's account brings
    the tiers (once, however often it is imported), not the supporters."""
    archive = instance.folder / "alice.zip"
    instance.run(exports.export_to_file(instance.runtime.db, instance.config, instance.ctx.files.media, "alice", archive, _quiet))
    with zipfile.ZipFile(archive) as zf:
        exported = json.loads(zf.read("supporters.json"))
    assert exported["tiers"] == [{k: tier[k] for k in ("name", "description", "price", "url")}]
    [supporter] = exported["supporters"]
    assert (supporter["actor"], supporter["tier"], supporter["active"]) == (instance.url("/users/bob"), None, True)
    carol = api.token_for(instance, "carol")
    for _ in range(2):
        job = import_and_wait(instance, carol, "archive", archive.read_bytes(), filename="alice.zip")
        assert job["state"] == "done" and job["report"] == [], job
    assert [t["name"] for t in call(instance, "GET", "/api/v1/redfed/support_tiers", carol).json()] == ["Sketchbook"]
    assert call(instance, "GET", "/api/v1/redfed/supporters", carol).json() == []


async def _quiet(_percent):
    return None


def _teased_on_the_web(instance, token, post):
    """On its page a visitor sees its first line and the tiers, never the rest; a direct post
    stays a plain 404."""
    page = get(instance.url(f"/@alice/{post['id']}"), {"Accept": "text/html"})
    assert page.status == 200
    text = page.body.decode()
    assert "Sketchbook for March" in text and "page by page" not in text
    assert 'href="https://ko-fi.com/alice" rel="payment' in text and "3 € a month" in text
    direct = call(instance, "POST", "/api/v1/statuses", token, {"status": "just for @bob", "visibility": "direct"}).json()
    assert get(instance.url(f"/@alice/{direct['id']}"), {"Accept": "text/html"}).status == 404


BAD_GRANTS = [
    ({"handle": "nobody"}, 404),
    ({"handle": ""}, 422),
    ({"handle": ["bob"]}, 422),
    ({"handle": "alice"}, 422),  # oneself
    ({"handle": "bob", "expires_at": "2001-01-01T00:00:00Z"}, 422),
    ({"handle": "bob", "tier_id": "123"}, 404),
]


def _bad_grants_refused(instance, token):
    for body, status in BAD_GRANTS:
        reply = call(instance, "POST", "/api/v1/redfed/supporters", token, body)
        assert reply.status == status and "error" in reply.json(), body
    assert _supporters(instance, token) == []


# Webhooks ---------------------------------------------------------------------------------------


def _webhook(instance, token, provider, secret) -> str:
    reply = call(instance, "PUT", f"/api/v1/redfed/supporter_webhooks/{provider}", token, {"secret": secret})
    assert reply.status == 200, reply.body
    return reply.json()["url"]


def _kofi(url, **fields):
    """A Ko-fi delivery as Ko-fi sends it: a form whose `data` field is the payment's JSON."""
    data = {
        "verification_token": KOFI_TOKEN, "message_id": "3a1fac0c-f960-4506-a60e-824979a74e74",
        "timestamp": "2026-12-04T01:00:00Z", "type": "Subscription", "is_public": True, "from_name": "Bob",
        "message": "Thanks! I'm @bob there", "amount": "3.00", "url": "https://ko-fi.com/Home/CoffeeShop?txid=0a1b2c",
        "email": "bob@example.com", "currency": "EUR", "is_subscription_payment": True,
        "is_first_subscription_payment": True, "kofi_transaction_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        "shop_items": None, "tier_name": "Sketchbook", "shipping": None,
    } | fields
    body = urlencode({"data": json.dumps(data)}).encode()
    return request("POST", url, headers={"Content-Type": "application/x-www-form-urlencoded"}, body=body)


def test_kofi_webhook__grants_the_handle_in_the_message_once(creator):
    instance, token, _, post = creator
    url = _webhook(instance, token, "kofi", KOFI_TOKEN)
    payment = {"message": f"Thanks! I'm @bob@{instance.domain} there"}
    # Forged: the wrong verification token, then no data at all
    forged = _kofi(url, verification_token="guessed", **payment)
    assert forged.status == 401 and _supporters(instance, token) == []
    assert request("POST", url, headers={"Content-Type": "application/x-www-form-urlencoded"}, body=b"x=1").status == 400
    assert _kofi(url.rsplit("/", 1)[0] + "/not-the-token", **payment).status == 404
    # A shop order grants nothing; a payment naming no known handle neither
    assert _kofi(url, type="Shop Order", kofi_transaction_id="shop-1", **payment).json()["status"] == "ignored"
    assert _kofi(url, message="@nobody@" + instance.domain, kofi_transaction_id="t-2").json()["status"] == "ignored"
    assert _supporters(instance, token) == []

    granted = _kofi(url, **payment)
    assert granted.status == 200 and granted.json()["status"] == "granted"
    [grant] = call(instance, "GET", "/api/v1/redfed/supporters", token).json()
    assert grant["source"] == "kofi" and grant["tier"]["name"] == "Sketchbook" and grant["expires_at"] is not None
    assert _reads(instance, "bob", post)
    # Replayed after alice revoked by hand: acknowledged, and bob stays revoked
    call(instance, "DELETE", "/api/v1/redfed/supporters", token, {"handle": "bob"})
    replay = _kofi(url, **payment)
    assert replay.status == 200 and replay.json()["status"] == "duplicate"
    assert not _reads(instance, "bob", post)


def _stripe_event(handle: str, event_id: str = "evt_1QmJ2nLkdIwHu7ix0aBcDeFg") -> bytes:
    """checkout.session.completed as Stripe sends it, the handle in a Checkout custom field."""
    return json.dumps({
        "id": event_id, "object": "event", "api_version": "2024-06-20", "created": 1733273000,
        "type": "checkout.session.completed", "livemode": False, "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": {
            "id": "cs_test_a1b2c3", "object": "checkout.session", "mode": "subscription", "status": "complete",
            "payment_status": "paid", "amount_total": 300, "currency": "eur", "payment_link": "plink_1QmJ",
            "metadata": {"tier": "Sketchbook"},
            "custom_fields": [{
                "key": "fediversehandle", "label": {"custom": "Fediverse handle", "type": "custom"}, "optional": False,
                "type": "text", "text": {"default_value": None, "maximum_length": None, "minimum_length": None, "value": handle},
            }],
        }},
    }, separators=(",", ":")).encode()


def _stripe(url, body: bytes, at: float, secret: str = STRIPE_SECRET):
    header = f"t={int(at)},v1={stripe.signature(secret, int(at), body)},v0=00ff"
    return request("POST", url, headers={"Content-Type": "application/json", "Stripe-Signature": header}, body=body)


def test_stripe_webhook__grants_on_a_signed_checkout_and_refuses_forged_stale_and_replayed(creator):
    instance, token, _, post = creator
    url = _webhook(instance, token, "stripe", STRIPE_SECRET)
    body, now = _stripe_event(f"@bob@{instance.domain}"), instance.clock()
    # Forged: signed with another secret, a body changed after signing, no signature
    assert _stripe(url, body, now, secret="whsec_other").status == 401
    tampered = request("POST", url, headers={"Stripe-Signature": f"t={int(now)},v1={stripe.signature(STRIPE_SECRET, int(now), body)}"},
                       body=body.replace(b"@bob", b"@carol"))
    assert tampered.status == 401
    assert request("POST", url, body=body).status == 401
    # Stale: a true signature made six minutes ago (Stripe's tolerance is five)
    stale = _stripe(url, body, now - 360)
    assert stale.status == 401 and "tolerance" in stale.json()["error"]
    assert _supporters(instance, token) == [] and not _reads(instance, "bob", post)

    granted = _stripe(url, body, now)
    assert granted.status == 200 and granted.json()["status"] == "granted"
    [grant] = call(instance, "GET", "/api/v1/redfed/supporters", token).json()
    assert grant["source"] == "stripe" and grant["tier"]["name"] == "Sketchbook"
    assert _reads(instance, "bob", post)
    # The same event again, freshly signed: acknowledged, nothing new
    call(instance, "DELETE", "/api/v1/redfed/supporters", token, {"handle": "bob"})
    assert _stripe(url, body, instance.clock()).json()["status"] == "duplicate"
    assert _supporters(instance, token) == []
    # An unpaid session, or one naming no handle, grants nothing
    unpaid = body.replace(b'"payment_status":"paid"', b'"payment_status":"unpaid"').replace(b"evt_1Qm", b"evt_2Qm")
    assert _stripe(url, unpaid, now).json()["status"] == "ignored"
    assert _stripe(url, _stripe_event("no handle here", "evt_3"), now).json()["status"] == "ignored"
    assert _supporters(instance, token) == []
