"""The shop in real headless Chromium across two instances: a seller on A lists a bike; a buyer on
B finds it on B's copy of the shop and the listing page, makes an offer there; the seller accepts
on A's deals page; the buyer sees the checkout link; the stock goes down on both servers.
Screenshots at 360 and 1440 px land in tests/pages/artifacts/."""

import pytest
from playwright.sync_api import expect

from redfed.services.shop import listings, reviews
from redfed.services.social import follows

from .conftest import screenshot, sign_in
from .shop_support import create_listing, listing_by_proposal, settle

PHOTOS = [((30, 60, 200), "The bike from the left"), ((200, 60, 30), "The worn saddle")]


@pytest.fixture
def market(start_instance):
    """alice sells on A; bob on B follows her, so B receives her listings."""
    a, b = start_instance("a"), start_instance("b")
    alice = a.create_user("alice").actor
    bob = b.create_user("bob").actor
    b.run(follows.follow(b.ctx, bob, b.resolve(alice.uri)))
    settle(a, b)
    return a, b, alice, bob


def test_buyer_on_b__offers_through_the_pages_and_the_seller_on_a_accepts(market, new_page):
    a, b, alice, bob = market
    listing, _ = create_listing(a, alice, photos=PHOTOS)
    create_listing(a, alice, {"title": "Old red bike", "quantity": "1"})
    sold, _ = create_listing(a, alice, {"title": "Green tandem"})
    a.run(listings.set_status(a.ctx, alice, sold.post_id, "sold"))
    settle(a, b)
    copy = listing_by_proposal(b, listing.proposal_uri)
    assert copy is not None and copy.quantity == 3

    # B's copy of alice's shop: open listings first with title, price and badge; the sold one apart.
    buyer = new_page()
    sign_in(buyer, b, "bob")
    buyer.goto(b.url(f"/@alice@{a.domain}/shop"))
    expect(buyer.locator("h1")).to_have_text("Shop of alice")
    expect(buyer.locator(".seller-instance")).to_contain_text(a.domain)
    bike = buyer.locator(".listing-tile", has_text="Blue one-speed bike")
    expect(bike.locator(".listing-price")).to_have_text("$30.00")
    expect(bike.locator(".stock-badge")).to_have_text("Available")
    expect(bike.locator("img.tile-photo")).to_have_attribute("alt", "The bike from the left")
    tandem = buyer.locator(".listing-tile", has_text="Green tandem")
    expect(tandem).to_have_class("tile listing-tile listing-ended")
    expect(tandem.locator(".stock-badge")).to_have_text("Sold")
    assert buyer.locator(".listing-tile").last.locator(".listing-title").inner_text() == "Green tandem"

    # The listing page on B.
    bike.locator("a.tile-link").click()
    buyer.wait_for_url(b.url(f"/listings/{copy.post_id}"))
    expect(buyer.locator("h1")).to_have_text("Blue one-speed bike")
    expect(buyer.locator(".listing-price-large")).to_have_text("$30.00")
    expect(buyer.locator(".carousel img")).to_have_count(2)
    expect(buyer.locator(".carousel img").nth(1)).to_have_attribute("alt", "The worn saddle")
    facts = buyer.locator(".listing-facts")
    for text in ("Open for offers", "In stock", "Used", "bicycles", "Berlin, Potsdam"):
        expect(facts).to_contain_text(text)
    expect(buyer.locator(".listing-quantity")).to_have_text("3")
    checkout = buyer.locator("a.checkout-link")
    expect(checkout).to_have_attribute("href", "https://pay.example/bike")
    expect(checkout).to_have_attribute("rel", "nofollow noopener")
    expect(buyer.locator(".seller-card")).to_contain_text(f"Sells from {a.domain}")
    expect(buyer.locator(".listing-description")).to_contain_text("Some rust, rides well.")
    expect(buyer.locator(".listing-description")).not_to_contain_text("View listing")
    screenshot(buyer, "listing-remote-1440")

    buyer.fill("#quantity", "2")
    buyer.fill("#message", "Can I pick them up on Saturday?\nBoth <b>blue</b> ones & a bell.")
    buyer.click(".offer-form button[type=submit]")
    buyer.wait_for_url(b.url("/deals"))
    offer = buyer.locator(".deal-list .deal").first
    expect(offer).to_contain_text("Blue one-speed bike")
    expect(offer).to_contain_text("Offer waiting for an answer")
    expect(offer).to_contain_text("Total: $60.00")
    settle(a, b)

    # The seller answers on A's deals page.
    seller = new_page(width=360, height=780)
    sign_in(seller, a, "alice")
    seller.goto(a.url("/deals"))
    incoming = seller.locator("#selling-title + ul .deal").first
    expect(incoming).to_contain_text(f"Buyer: @bob@{b.domain}")
    expect(incoming).to_contain_text("Quantity: 2")
    expect(incoming.locator(".deal-message")).to_have_text("Can I pick them up on Saturday?\nBoth <b>blue</b> ones & a bell.")
    screenshot(seller, "deals-seller-360")
    incoming.locator("button", has_text="Accept").click()
    seller.wait_for_url(a.url("/deals") + "#deal-*")
    expect(seller.locator(".deal").first).to_contain_text("Accepted: waiting for payment")
    assert listing_by_proposal(a, listing.proposal_uri).quantity == 1
    settle(a, b)

    buyer.goto(b.url("/deals"))
    expect(buyer.locator(".deal").first).to_contain_text("Accepted")
    pay = buyer.locator(".deal a.checkout-link")
    expect(pay).to_have_attribute("href", "https://pay.example/bike")
    expect(pay).to_have_attribute("rel", "nofollow noopener")
    buyer.goto(b.url(f"/listings/{copy.post_id}"))
    expect(buyer.locator(".listing-quantity")).to_have_text("1")  # the stock change federated

    seller.locator(".deal button", has_text="Mark as paid").click()
    expect(seller.locator(".deal").first).to_contain_text("Paid")
    settle(a, b)
    buyer.goto(b.url("/deals"))
    expect(buyer.locator(".deal").first).to_contain_text("Paid")

    # A review from B counts on A and shows on both listing pages.
    b.run(reviews.review(b.ctx, bob, copy.post_id, 4, "Rides well <script>alert(1)</script>"))
    settle(a, b)
    seller.goto(listing.proposal_uri)
    expect(seller.locator(".listing-reviews .review")).to_have_count(1)
    expect(seller.locator(".listing-reviews")).to_contain_text("4 out of 5")
    expect(seller.locator(".listing-reviews .post-content")).to_contain_text("Rides well")
    expect(seller.locator(".offer-box")).to_contain_text("This is your listing")
    screenshot(seller, "listing-seller-360")

    for width in (360, 1440):
        page = new_page(width=width, height=900)
        page.goto(a.url("/@alice/shop"))
        expect(page.locator(".listing-tile")).to_have_count(3)
        screenshot(page, f"shop-{width}")
        assert _fits(page)
        page.goto(listing.proposal_uri)
        expect(page.locator("h1")).to_have_text("Blue one-speed bike")
        screenshot(page, f"listing-{width}")
        assert _fits(page)
        sign_in(page, b, "bob")
        page.goto(b.url("/deals"))
        screenshot(page, f"deals-buyer-{width}")
        assert _fits(page)
    chinese = new_page(width=360, height=780, locale="zh-CN")
    chinese.goto(listing.proposal_uri)
    expect(chinese.locator("#offer-title")).to_have_text("报价")
    expect(chinese.locator(".listing-price-large")).to_have_text("US$30.00")
    expect(chinese.locator(".listing-info .stock-badge")).to_have_text("有货")
    screenshot(chinese, "listing-zh-360")
    assert buyer.dialogs == [] and seller.dialogs == []


def _fits(page) -> bool:
    """Nothing sticks out sideways: the page needs no horizontal scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
