"""The listing form in real headless Chromium across two instances: alice on A creates a listing
from her shop page with two photos and their alt text and a price in yuan; it shows on her shop and
listing pages in English and Chinese and reaches bob's instance B, which follows her. She edits the
price and quantity and B sees the Update; she deletes it after confirming and B lets it go.
The form pages also pass the axe-core audit, errors shown. Screenshots at 360 and 1440 px land in
tests/pages/artifacts/."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from redfed.services.social import follows, showcase

from .conftest import photo, screenshot, sign_in
from .shop_support import create_listing, listing_by_proposal, rows, settle
from .test_accessibility import serious_violations


@pytest.fixture
def market(start_instance):
    a, b = start_instance("a"), start_instance("b")
    alice = a.create_user("alice").actor
    bob = b.create_user("bob").actor
    b.run(follows.follow(b.ctx, bob, b.resolve(alice.uri)))
    settle(a, b)
    return a, b, alice, bob


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_seller_creates_edits_and_deletes_a_listing_through_the_form(market, new_page, tmp_path):
    a, b, alice, bob = market
    seller = new_page(width=1440, height=900)
    sign_in(seller, a, "alice")

    # "New listing" is on her own shop and profile pages.
    seller.goto(a.url("/@alice"))
    expect(seller.locator("a.new-listing-link")).to_have_attribute("href", "/listings/new")
    seller.goto(a.url("/@alice/shop"))
    seller.click("a.new-listing-link")
    seller.wait_for_url(a.url("/listings/new"))
    expect(seller.locator("h1")).to_have_text("New listing")
    expect(seller.locator("input[type=file]")).to_have_count(4)
    screenshot(seller, "listing-form-1440")

    seller.fill("#title", "Celadon tea set")
    seller.fill("#description", "Six cups and a pot, hand-thrown. #tea")
    seller.check("input[name=price_kind][value=fixed]")
    seller.fill("#price_amount", "188.50")
    seller.select_option("#price_currency", "CNY")
    seller.fill("#quantity", "5")
    seller.select_option("#condition", "new")
    seller.fill("#category", "Kitchen")
    seller.fill("#regions", "Shanghai\nHangzhou")
    seller.fill("#checkout_url", "https://pay.example/tea")
    seller.set_input_files("#photo1", str(photo(tmp_path / "set.jpg", ("#7fa99b", "#394a51"))))
    seller.fill("#alt1", "Six green cups around a teapot")
    seller.set_input_files("#photo2", str(photo(tmp_path / "pot.jpg", ("#c9d6a3", "#6b8f71"))))
    seller.fill("#alt2", "The teapot's lid, close up")
    seller.click("form.listing-form button[type=submit]")
    seller.wait_for_url(a.url("/users/alice/listings/*"))
    listing_id = int(seller.url.rsplit("/", 1)[1])

    expect(seller.locator("h1")).to_have_text("Celadon tea set")
    expect(seller.locator(".listing-price-large")).to_have_text("CN¥188.50")
    expect(seller.locator(".carousel img")).to_have_count(2)
    expect(seller.locator(".carousel img").nth(0)).to_have_attribute("alt", "Six green cups around a teapot")
    expect(seller.locator(".carousel img").nth(1)).to_have_attribute("alt", "The teapot's lid, close up")
    expect(seller.locator(".listing-quantity")).to_have_text("5")
    expect(seller.locator(".listing-facts")).to_contain_text("Shanghai, Hangzhou")
    expect(seller.locator(".listing-description")).to_contain_text("Six cups and a pot")
    expect(seller.locator("a.listing-edit-link")).to_have_attribute("href", f"/listings/{listing_id}/edit")
    screenshot(seller, "listing-created-1440")
    seller.goto(a.url("/@alice/shop"))
    tile = seller.locator(".listing-tile", has_text="Celadon tea set")
    expect(tile.locator(".listing-price")).to_have_text("CN¥188.50")

    # In Chinese, signed out, at 360 px.
    chinese = new_page(width=360, height=780, locale="zh-CN")
    chinese.goto(a.url("/@alice/shop"))
    expect(chinese.locator(".listing-tile", has_text="Celadon tea set").locator(".listing-price")).to_have_text("¥188.50")
    expect(chinese.locator("a.new-listing-link")).to_have_count(0)  # not her, not signed in
    chinese.goto(a.url(f"/users/alice/listings/{listing_id}"))
    expect(chinese.locator(".listing-price-large")).to_have_text("¥188.50")
    expect(chinese.locator("a.listing-edit-link")).to_have_count(0)
    screenshot(chinese, "listing-created-zh-360")
    assert _fits(chinese)

    # The follower's instance has it, with both photos.
    settle(a, b)
    proposal_uri = a.url(f"/users/alice/listings/{listing_id}")
    copy = listing_by_proposal(b, proposal_uri)
    assert copy is not None and (copy.price_amount, copy.price_currency, copy.quantity) == ("188.50", "CNY", 5)
    buyer = new_page(width=360, height=780)
    sign_in(buyer, b, "bob")
    buyer.goto(b.url(f"/listings/{copy.post_id}"))
    expect(buyer.locator("h1")).to_have_text("Celadon tea set")
    expect(buyer.locator(".listing-price-large")).to_have_text("CN¥188.50")
    expect(buyer.locator(".carousel img").nth(1)).to_have_attribute("alt", "The teapot's lid, close up")
    expect(buyer.locator("a.listing-edit-link")).to_have_count(0)
    assert buyer.goto(b.url(f"/listings/{copy.post_id}/edit")).status == 404  # a received copy is not bob's to edit

    # The seller edits price and quantity; the form comes filled in, in Chinese too.
    editor = new_page(width=360, height=780)
    sign_in(editor, a, "alice")
    editor.goto(a.url(f"/users/alice/listings/{listing_id}"))
    editor.click("a.listing-edit-link")
    editor.wait_for_url(a.url(f"/listings/{listing_id}/edit"))
    expect(editor.locator("#title")).to_have_value("Celadon tea set")
    expect(editor.locator("#price_amount")).to_have_value("188.50")
    expect(editor.locator("#price_currency")).to_have_value("CNY")
    expect(editor.locator("#regions")).to_have_value("Shanghai\nHangzhou")
    expect(editor.locator(".listing-current-photos img")).to_have_count(2)
    screenshot(editor, "listing-edit-360")
    assert _fits(editor)
    editor.fill("#price_amount", "99")
    editor.fill("#quantity", "3")
    editor.locator(".listing-current-photos textarea").nth(1).fill("The teapot's celadon lid, close up")
    editor.click("form.listing-form button[type=submit]")
    editor.wait_for_url(a.url(f"/users/alice/listings/{listing_id}"))
    expect(editor.locator(".listing-price-large")).to_have_text("CN¥99.00")
    expect(editor.locator(".listing-quantity")).to_have_text("3")
    expect(editor.locator(".carousel img")).to_have_count(2)  # photos kept

    settle(a, b)
    buyer.goto(b.url(f"/listings/{copy.post_id}"))
    expect(buyer.locator(".listing-price-large")).to_have_text("CN¥99.00")
    expect(buyer.locator(".listing-quantity")).to_have_text("3")
    expect(buyer.locator(".carousel img").nth(1)).to_have_attribute("alt", "The teapot's celadon lid, close up")
    screenshot(buyer, "listing-updated-remote-360")
    zh_buyer = new_page(width=1440, height=900, locale="zh-CN")
    zh_buyer.goto(b.url(f"/@alice@{a.domain}/shop"))
    expect(zh_buyer.locator(".listing-tile", has_text="Celadon tea set").locator(".listing-price")).to_have_text("¥99.00")
    screenshot(zh_buyer, "shop-remote-zh-1440")

    for width in (360, 1440):
        page = new_page(width=width, height=900)
        sign_in(page, a, "alice")
        page.goto(a.url("/listings/new"))
        screenshot(page, f"listing-form-{width}")
        assert _fits(page)
        page.goto(a.url(f"/users/alice/listings/{listing_id}"))
        screenshot(page, f"listing-seller-{width}")
        assert _fits(page)

    # Delete: a confirm step, then it is gone here and on B.
    editor.goto(a.url(f"/listings/{listing_id}/edit"))
    editor.click("a.listing-delete-link, .listing-delete-link a")
    editor.wait_for_url(a.url(f"/listings/{listing_id}/delete"))
    expect(editor.locator(".listing-delete-form")).to_contain_text("Celadon tea set")
    screenshot(editor, "listing-delete-360")
    editor.click(".listing-delete-form button[type=submit]")
    editor.wait_for_url(a.url("/@alice/shop"))
    expect(editor.locator(".listing-tile")).to_have_count(0)
    assert rows(a, "SELECT count(*) FROM listings") == [(0,)]
    settle(a, b)
    assert listing_by_proposal(b, proposal_uri) is None
    assert buyer.dialogs == [] and editor.dialogs == [] and seller.dialogs == []


@pytest.mark.parametrize("width,locale", [(360, "en-US"), (1440, "zh-CN")])
def test_the_form_pages__pass_the_axe_audit_also_with_errors(instance, new_page, width, locale):
    created = instance.create_user("alice")
    alice = created.actor
    instance.run(showcase.set_locale(instance.runtime.db, created.user, locale[:2]))  # her own setting wins
    listing, _ = create_listing(instance, alice, photos=[((30, 60, 200), "The bike from the left"), ((9, 9, 9), "")])
    page = new_page(width=width, locale=locale)
    sign_in(page, instance, "alice")
    axe, found = Axe(), {}
    for path in ("/listings/new", f"/listings/{listing.post_id}/edit", f"/listings/{listing.post_id}/delete"):
        page.goto(instance.url(path))
        found[path] = serious_violations(axe, page)
    page.goto(instance.url(f"/listings/{listing.post_id}/edit"))
    page.fill("#price_amount", "-1")
    page.fill("#quantity", "lots")
    page.click("form.listing-form button[type=submit]")
    expect(page.locator("#price-error")).to_have_text("A price cannot be negative." if locale == "en-US" else "价格不能为负数。")
    expect(page.locator("#price_amount")).to_have_attribute("aria-describedby", "price-hint price-error")
    found["edit with errors"] = serious_violations(axe, page)
    screenshot(page, f"listing-edit-errors-{width}")
    assert {path: v for path, v in found.items() if v} == {}
    assert _fits(page)
