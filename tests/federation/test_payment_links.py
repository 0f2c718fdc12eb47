"""Creator income on profiles: FEP-0ea0 payment links set through /api/v1/payment_links, published
in the actor document, followed by another instance through the profile Update, shown on the
profile page; bad links and huge lists refused with nothing changed."""

import pytest

from redfed.services.social import follows

from ..api.test_listings_api import call
from ..support import api
from ..support.http import AP, get
from .test_listings import _settle

TIP_JAR = [{"href": "https://pay.example/alice", "name": "Tip jar"}, {"href": "http://liberapay.example/alice", "name": ""}]


@pytest.fixture
def pair(start_instance):
    a, b = start_instance("a"), start_instance("b")
    alice = a.create_user("alice").actor
    bob = b.create_user("bob").actor
    b.run(follows.follow(b.ctx, bob, b.resolve(alice.uri)))
    _settle(a, b)
    return a, b, alice, api.token_for(a, "alice")


def test_payment_links__published_in_the_actor_and_followed_by_the_other_instance(pair):
    a, b, alice, token = pair
    reply = call(a, "PUT", "/api/v1/payment_links", token, {"payment_links": TIP_JAR})
    assert reply.status == 200, reply.body
    assert reply.json() == TIP_JAR
    actor = get(alice.uri, AP).json()
    links = [item for item in actor["attachment"] if item["type"] == "Link"]
    assert links == [
        {"type": "Link", "href": "https://pay.example/alice", "rel": ["payment"], "name": "Tip jar"},
        {"type": "Link", "href": "http://liberapay.example/alice", "rel": ["payment"]},
    ]
    _settle(a, b)  # the Update of alice reaches B, which refetches her document
    copy = b.resolve(alice.uri)
    shown = call(b, "GET", f"/api/v1/accounts/{copy.id}/payment_links").json()
    assert shown == TIP_JAR

    assert call(a, "PUT", "/api/v1/payment_links", token, {"payment_links": TIP_JAR[:1]}).status == 200
    _settle(a, b)
    assert call(b, "GET", f"/api/v1/accounts/{copy.id}/payment_links").json() == TIP_JAR[:1]
    assert call(a, "GET", "/api/v1/payment_links", token).json() == TIP_JAR[:1]


def test_payment_links__shown_on_the_profile_page(pair):
    a, _, alice, token = pair
    call(a, "PUT", "/api/v1/payment_links", token, {"payment_links": TIP_JAR})
    page = get(a.url("/@alice"), {"Accept": "text/html"}).body.decode()
    assert 'href="https://pay.example/alice" rel="payment nofollow noopener noreferrer"' in page
    assert ">Tip jar</a>" in page and ">http://liberapay.example/alice</a>" in page
    assert "Support alice" in page


@pytest.mark.parametrize("links, error", [
    ([{"href": "javascript:alert(1)", "name": "x"}], "http or https"),
    ([{"href": "ftp://files.example/alice"}], "http or https"),
    ([{"href": "https://pay.example/\"><script>"}], "http or https"),
    ([{"href": "https://pay.example/a", "name": "n" * 101}], "name"),
    ([{"href": f"https://pay.example/{i}"} for i in range(11)], "at most 10"),
    ([{"href": f"https://pay.example/{i}"} for i in range(10_000)], "at most 10"),
    ("https://pay.example/alice", "must be a list"),
    (["https://pay.example/alice"], "object"),
])
def test_payment_links__bad_input_is_refused_and_nothing_changes(pair, links, error):
    a, _, alice, token = pair
    call(a, "PUT", "/api/v1/payment_links", token, {"payment_links": TIP_JAR})
    reply = call(a, "PUT", "/api/v1/payment_links", token, {"payment_links": links})
    assert reply.status == 422 and error in reply.json()["error"]
    assert call(a, "GET", "/api/v1/payment_links", token).json() == TIP_JAR


def test_payment_links__need_a_token_with_write_accounts(pair):
    a, _, _, _ = pair
    reader = api.token_for(a, "alice", scopes="read")
    assert call(a, "PUT", "/api/v1/payment_links", reader, {"payment_links": TIP_JAR}).status == 403
    assert call(a, "PUT", "/api/v1/payment_links", None, {"payment_links": TIP_JAR}).status == 401
    assert call(a, "GET", "/api/v1/payment_links", reader).json() == []


def test_remote_actor_links__only_usable_payment_links_are_kept():
    from redfed.federation.payment_links import ap_to_links
    from redfed.store.accounts.payment_links import PaymentLink

    attachment = [
        {"type": "PropertyValue", "name": "Site", "value": "https://example.org"},
        {"type": "Link", "href": "javascript:alert(1)", "rel": ["payment"]},
        {"type": "Link", "href": "https://pay.example/ok", "rel": "payment", "name": "<b>Tip</b> jar"},
        {"type": "Link", "href": "https://example.org/me", "rel": ["me"]},
        {"type": "Link", "href": "data:text/html,hi", "rel": ["payment"]},
        {"type": "Link", "href": "https://pay.example/" + "a" * 3000, "rel": ["payment"]},
        {"type": "Link", "href": ["https://pay.example/list"], "rel": ["payment"]},
        "https://pay.example/bare",
    ] + [{"type": "Link", "href": f"https://pay.example/{i}", "rel": ["payment"]} for i in range(10_000)]
    links = ap_to_links(attachment)
    assert links[0] == PaymentLink("https://pay.example/ok", "Tip jar")
    assert len(links) == 10 and all(link.href.startswith("https://pay.example/") for link in links)
    assert ap_to_links("not a list") == [] and ap_to_links(None) == []
