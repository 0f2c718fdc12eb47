"""Hostile listings and reviews from another server, on the shop pages: the remote seller's
title, description, category, photo descriptions, links and review text are shown as text or
sanitised HTML - no script runs, no `javascript:` link, no event handler survives."""

import copy

from playwright.sync_api import expect

from ..federation.test_listings_ingest import FEP_EXAMPLE
from ..inbox.conftest import remote, start_remote  # noqa: F401  (the hostile remote fixtures)
from ..support.hostile import sign_post
from .conftest import sign_in
from .shop_support import listing_by_proposal

HOSTILE = '<script>alert("name")</script><img src=x onerror=alert(1)>'


def _send(instance, actor, activity) -> None:
    reply = sign_post(instance.url("/inbox"), activity, actor.signing_key, instance.clock()).send()
    assert reply.status == 202, reply.body
    instance.drain()


def test_hostile_remote_listing_and_review__shown_safely(instance, remote, new_page):  # noqa: F811
    instance.create_user("bob")
    mallory = remote.add_actor("mallory")
    eve = remote.add_actor("eve")
    proposal = copy.deepcopy(FEP_EXAMPLE)
    uri = remote.new_id("proposals")
    proposal["publishes"]["id"], proposal["reciprocal"]["id"] = uri + "#primary", uri + "#reciprocal"
    proposal.update(
        id=uri, attributedTo=mallory.uri, name=HOSTILE, category="<b onmouseover=alert(3)>bikes</b>",
        eligibleRegion=["<script>alert(4)</script>"],
        content='<p>Nice <a href="javascript:alert(5)">bike</a><script>alert(6)</script>'
                '<iframe src="https://evil.example"></iframe><img src="x" onerror="alert(7)"></p>',
        attachment=[
            {"type": "Image", "mediaType": "image/png", "url": "javascript:alert(8)", "name": '"><script>alert(9)</script>'},
            {"type": "Link", "href": "javascript:alert(10)", "rel": ["payment"], "name": "Checkout"},
        ],
    )
    _send(instance, mallory, mallory.create(proposal))
    listing = listing_by_proposal(instance, uri)
    assert listing is not None and listing.checkout_url is None  # a javascript: payment link is no link

    review = eve.note('<p>★☆☆☆☆ 1/5</p><p>Bad <script>alert(11)</script><a href="javascript:alert(12)" onclick="alert(13)">x</a></p>',
                      inReplyTo=uri, rating=1)
    _send(instance, eve, eve.create(review))

    page = new_page()
    sign_in(page, instance, "bob")
    page.goto(instance.url(f"/@mallory@{remote.domain}/shop"))
    expect(page.locator(".listing-title")).to_have_text(HOSTILE)
    page.click(".listing-tile a.tile-link")
    page.wait_for_url(instance.url(f"/listings/{listing.post_id}"))
    expect(page.locator("h1")).to_have_text(HOSTILE)
    expect(page.locator(".listing-description")).to_contain_text("Nice bike")
    expect(page.locator(".listing-reviews .review")).to_have_count(1)
    expect(page.locator(".listing-reviews .post-content")).to_contain_text("Bad")
    expect(page.locator(".listing-info .rating")).to_contain_text("1 out of 5 · 1 review")
    main = page.locator("main")
    assert main.locator("script, iframe, [onerror], [onclick], [onmouseover]").count() == 0
    assert main.locator("a[href^='javascript:'], img[src^='javascript:']").count() == 0
    expect(page.locator("a.checkout-link")).to_have_count(0)
    page.fill("#quantity", "1")
    page.click(".offer-form button[type=submit]")
    page.wait_for_url(instance.url("/deals"))
    expect(page.locator(".deal .deal-title")).to_have_text(HOSTILE)
    assert page.locator("main script").count() == 0
    assert page.dialogs == []
