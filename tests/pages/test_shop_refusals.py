"""Bad input on the shop pages: forged CSRF, impossible quantities, offers that cannot be made,
answers from someone who is not the seller, and hostile text in a listing. Each is refused with
a clear message and the right status, and stores nothing."""

import pytest
from playwright.sync_api import expect

from redfed.services.shop import deals, listings

from .conftest import sign_in
from .shop_support import create_listing, rows


@pytest.fixture
def shop(instance):
    """alice sells a bike (3 in stock) on one instance; bob and carol are buyers there."""
    alice = instance.create_user("alice").actor
    bob = instance.create_user("bob").actor
    instance.create_user("carol")
    listing, _ = create_listing(instance, alice)
    return instance, alice, bob, listing


def _deals(instance) -> list[tuple]:
    return rows(instance, "SELECT buyer_id, quantity, state FROM deals ORDER BY id")


def test_forged_csrf__refused_on_every_shop_form_and_nothing_changes(shop, new_page):
    instance, alice, bob, listing = shop
    deal = instance.run(deals.make_offer(instance.ctx, bob, listing.post_id, 1))
    page = new_page()
    sign_in(page, instance, "carol")
    forged = {"csrf_token": "forged", "quantity": "1", "rating": "5", "reason": "no"}
    for path in (f"/listings/{listing.post_id}/offer", f"/listings/{listing.post_id}/review", "/tags/bikes/follow"):
        assert page.request.post(instance.url(path), form=forged, max_redirects=0).status == 403, path
    seller = new_page()
    sign_in(seller, instance, "alice")
    for action in ("accept", "reject", "paid"):
        reply = seller.request.post(instance.url(f"/deals/{deal.id}/{action}"), form={"reason": "x"}, max_redirects=0)
        assert reply.status == 403 and "This form has expired" in reply.text()
    assert _deals(instance) == [(bob.id, 1, "offered")]
    assert rows(instance, "SELECT count(*) FROM reviews") == [(0,)]
    assert rows(instance, "SELECT count(*) FROM followed_tags") == [(0,)]
    assert rows(instance, "SELECT quantity FROM listings") == [(3,)]


def test_impossible_quantity__is_a_clear_error_and_no_offer(shop, new_page):
    instance, alice, bob, listing = shop
    page = new_page()
    sign_in(page, instance, "bob")
    for quantity in ("0", "-1", "1000001", "99999999999999999999999", "two", "1.5", ""):
        page.goto(listing.proposal_uri)
        # The browser's own checks would stop most of these: send the form as a forger would.
        page.evaluate("const q = document.querySelector('#quantity');"
                      "for (const a of ['min', 'max', 'required']) q.removeAttribute(a); q.type = 'text'")
        page.fill("#quantity", quantity)
        page.click(".offer-form button[type=submit]")
        expect(page.locator(".offer-box .alert")).to_have_text(
            "Enter how many you want: a whole number from 1 to 1,000,000."
        )
        expect(page.locator("#quantity")).to_have_attribute("value", quantity)  # kept for correcting
    assert _deals(instance) == []


def test_more_than_in_stock_or_a_long_message__says_what_is_wrong(shop, new_page):
    instance, alice, bob, listing = shop
    page = new_page()
    sign_in(page, instance, "bob")
    reply = page.request.post(instance.url(f"/listings/{listing.post_id}/offer"), max_redirects=0,
                              form={"csrf_token": _token(page, instance, listing), "quantity": "4"})
    assert reply.status == 422 and "Only 3 left." in reply.text()
    reply = page.request.post(instance.url(f"/listings/{listing.post_id}/offer"), max_redirects=0,
                              form={"csrf_token": _token(page, instance, listing), "quantity": "1", "message": "x" * 501})
    assert reply.status == 422 and "A message can be at most 500 characters." in reply.text()
    assert _deals(instance) == []


def _token(page, instance, listing) -> str:
    page.goto(listing.proposal_uri)
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


@pytest.mark.parametrize("status, message", [
    ("sold", "This listing is sold."), ("closed", "This listing is closed."),
    ("paused", "This listing is paused: the seller is not taking offers for now."), ("sold_out", "This listing is sold out."),
])
def test_offer_on_a_listing_that_ended__no_form_and_a_forced_post_is_refused(shop, new_page, status, message):
    instance, alice, bob, listing = shop
    if status == "sold_out":
        instance.run(listings.edit_listing(instance.ctx, alice, listing.post_id, {"quantity": "0", "availability": "sold_out"}))
    else:
        instance.run(listings.set_status(instance.ctx, alice, listing.post_id, status))
    page = new_page()
    sign_in(page, instance, "bob")
    page.goto(listing.proposal_uri)
    expect(page.locator(".offer-box .refusal")).to_have_text(message)
    expect(page.locator(".offer-form")).to_have_count(0)
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    reply = page.request.post(instance.url(f"/listings/{listing.post_id}/offer"), form={"csrf_token": token, "quantity": "1"},
                              max_redirects=0)
    assert reply.status == 422 and message in reply.text()
    assert _deals(instance) == []


def test_seller_offering_on_own_listing__no_form_and_refused(shop, new_page):
    instance, alice, bob, listing = shop
    page = new_page()
    sign_in(page, instance, "alice")
    page.goto(listing.proposal_uri)
    expect(page.locator(".offer-form")).to_have_count(0)
    expect(page.locator(".offer-box")).to_contain_text("This is your listing")
    expect(page.locator(".review-box")).to_have_count(0)
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    reply = page.request.post(instance.url(f"/listings/{listing.post_id}/offer"), form={"csrf_token": token, "quantity": "1"},
                              max_redirects=0)
    assert reply.status == 422 and "You cannot make an offer on your own listing." in reply.text()
    reply = page.request.post(instance.url(f"/listings/{listing.post_id}/review"), form={"csrf_token": token, "rating": "5"},
                              max_redirects=0)
    assert reply.status == 422 and "You cannot review your own listing." in reply.text()
    assert _deals(instance) == [] and rows(instance, "SELECT count(*) FROM reviews") == [(0,)]


def test_someone_else_answering_a_deal__not_found_or_forbidden_and_the_deal_is_unchanged(shop, new_page):
    instance, alice, bob, listing = shop
    deal = instance.run(deals.make_offer(instance.ctx, bob, listing.post_id, 2))
    for name, status in (("carol", 404), ("bob", 403)):
        page = new_page()
        sign_in(page, instance, name)
        page.goto(instance.url("/deals"))
        expect(page.locator(".deal-actions")).to_have_count(0)  # no answer buttons for them
        token = page.locator("input[name=csrf_token]").first.get_attribute("value")
        for action in ("accept", "reject", "paid"):
            reply = page.request.post(instance.url(f"/deals/{deal.id}/{action}"), form={"csrf_token": token},
                                      max_redirects=0)
            assert reply.status == status, (name, action)
        if name == "bob":
            assert "Only the seller can answer an offer or mark it paid." in reply.text()
    for bad in ("abc", "-1", "9" * 30):
        assert page.request.post(instance.url(f"/deals/{bad}/accept"), form={"csrf_token": token}).status == 404
    assert _deals(instance) == [(bob.id, 2, "offered")]
    assert rows(instance, "SELECT quantity FROM listings") == [(3,)]


def test_seller_rejects_with_a_reason__the_buyer_reads_it(shop, new_page):
    instance, alice, bob, listing = shop
    instance.run(deals.make_offer(instance.ctx, bob, listing.post_id, 1))
    seller = new_page()
    sign_in(seller, instance, "alice")
    seller.goto(instance.url("/deals"))
    seller.click(".reject-box summary")
    seller.fill(".reject-box input[name=reason]", "Reserved for a friend <b>sorry</b>")
    seller.click(".reject-box button[type=submit]")
    expect(seller.locator(".deal").first).to_contain_text("Rejected")
    buyer = new_page()
    sign_in(buyer, instance, "bob")
    buyer.goto(instance.url("/deals"))
    expect(buyer.locator(".deal-reason")).to_have_text("Reason: Reserved for a friend sorry")
    expect(buyer.locator(".deal a.checkout-link")).to_have_count(0)
    assert _deals(instance) == [(bob.id, 1, "rejected")]


def test_script_in_a_listing_title__is_shown_as_text(shop, new_page):
    instance, alice, bob, _ = shop
    hostile = '<script>alert("title")</script><img src=x onerror=alert(2)>'
    listing, _ = create_listing(instance, alice, {"title": hostile, "category": "<i>x</i>"},
                                description="<script>alert('description')</script>")
    page = new_page()
    sign_in(page, instance, "bob")
    page.goto(instance.url("/@alice/shop"))
    expect(page.locator(".listing-title").filter(has_text="<script>")).to_have_text(hostile)
    page.goto(listing.proposal_uri)
    expect(page.locator("h1")).to_have_text(hostile)
    expect(page.locator(".listing-description")).to_contain_text("<script>alert('description')</script>")
    page.goto(instance.url("/search?q=script"))
    expect(page.locator(".listing-title")).to_have_text(hostile)
    page.goto(instance.url("/deals"))
    assert page.dialogs == []
    assert page.locator("script").count() == 0


def test_unknown_listings_and_shops__are_not_found(shop, new_page):
    instance, alice, bob, listing = shop
    page = new_page()
    for path in ("/listings/999", "/listings/abc", "/listings/" + "9" * 30, f"/users/bob/listings/{listing.post_id}",
                 "/users/alice/listings/999", "/@nobody/shop", "/@alice@unknown.example/shop", "/@alice/shop?max_id=x"):
        reply = page.request.get(instance.url(path))
        assert reply.status == 404, path
    assert "No such listing." in page.request.get(instance.url("/listings/999")).text()
    # The local listing's page lives at its own id; its /listings/ address leads there.
    reply = page.request.get(instance.url(f"/listings/{listing.post_id}"), max_redirects=0)
    assert reply.status == 303 and reply.headers["location"].endswith(f"/users/alice/listings/{listing.post_id}")


def test_review_through_the_page__counts_once_and_bad_ratings_are_refused(shop, new_page):
    instance, alice, bob, listing = shop
    page = new_page(width=360, height=780)
    sign_in(page, instance, "bob")
    page.goto(instance.url("/@alice"))
    page.click(".tabs a:has-text('Shop')")
    page.wait_for_url(instance.url("/@alice/shop"))
    page.click(".listing-tile a.tile-link")
    page.click(".review-box summary")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    for rating in ("0", "6", "five", "", "4.5"):
        reply = page.request.post(instance.url(f"/listings/{listing.post_id}/review"),
                                  form={"csrf_token": token, "rating": rating, "text": "x"}, max_redirects=0)
        assert reply.status == 422 and "Choose a rating from 1 to 5 stars." in reply.text(), rating
    reply = page.request.post(instance.url(f"/listings/{listing.post_id}/review"),
                              form={"csrf_token": token, "rating": "5", "text": "x" * 401}, max_redirects=0)
    assert reply.status == 422 and "A review can be at most 400 characters." in reply.text()
    assert rows(instance, "SELECT count(*) FROM reviews") == [(0,)]

    page.check(".rating-choice input[value='4']")
    page.fill("#review-text", "Solid frame.")
    page.click(".review-box button[type=submit]")
    expect(page.locator(".listing-reviews .review")).to_have_count(1)
    expect(page.locator(".listing-reviews .post-content")).to_contain_text("Solid frame.")
    expect(page.locator(".review-box summary")).to_have_text("Edit your review")
    page.click(".review-box summary")
    page.check(".rating-choice input[value='2']")
    page.click(".review-box button[type=submit]")
    expect(page.locator(".listing-info .rating")).to_contain_text("2 out of 5 · 1 review")  # the later one counts
    assert rows(instance, "SELECT rating FROM reviews") == [(2,)]
    page.goto(instance.url("/@alice/shop"))
    expect(page.locator(".listing-tile .rating")).to_contain_text("2 out of 5")


def test_seller_pauses_and_reopens_from_the_listing_page__only_the_seller_can(shop, new_page):
    instance, alice, bob, listing = shop
    seller = new_page()
    sign_in(seller, instance, "alice")
    seller.goto(listing.proposal_uri)
    seller.click(".listing-manage button:has-text('Pause')")
    seller.wait_for_url(listing.proposal_uri)
    expect(seller.locator(".listing-info .stock-badge")).to_have_text("Paused")
    assert rows(instance, "SELECT status FROM listings") == [("paused",)]

    buyer = new_page()
    sign_in(buyer, instance, "bob")
    buyer.goto(listing.proposal_uri)
    expect(buyer.locator(".offer-box .refusal")).to_have_text("This listing is paused: the seller is not taking offers for now.")
    expect(buyer.locator(".listing-manage")).to_have_count(0)
    token = buyer.locator("input[name=csrf_token]").first.get_attribute("value")
    for status in ("open", "sold", "closed"):
        reply = buyer.request.post(instance.url(f"/listings/{listing.post_id}/{status}"), form={"csrf_token": token},
                                   max_redirects=0)
        assert reply.status == 404
    reply = seller.request.post(instance.url(f"/listings/{listing.post_id}/open"), form={"csrf_token": "forged"},
                                max_redirects=0)
    assert reply.status == 403
    assert rows(instance, "SELECT status FROM listings") == [("paused",)]

    seller.click(".listing-manage button:has-text('Reopen')")
    expect(seller.locator(".listing-info .stock-badge")).to_have_text("Available")
    seller.click(".listing-manage button:has-text('Mark as sold')")
    expect(seller.locator(".listing-info .stock-badge")).to_have_text("Sold")
    seller.goto(instance.url("/@alice/shop"))
    expect(seller.locator(".listing-tile.listing-ended")).to_have_count(1)
    assert rows(instance, "SELECT status FROM listings") == [("sold",)]
