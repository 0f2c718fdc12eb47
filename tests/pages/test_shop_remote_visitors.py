"""Visitors from other servers on a shop and a listing: they can follow the seller and start an offer
from their own account elsewhere, through the same "from your own server" step as profiles and posts."""

import re
from urllib.parse import quote

from playwright.sync_api import expect

from .conftest import PASSWORD
from .shop_support import create_listing, settle


def _sign_in_at_home(page, home) -> None:
    page.wait_for_url(re.compile(re.escape(home.url("/auth/sign_in")) + r"\?next="))
    page.fill("#username", "alice")
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")


def test_a_visitor_follows_a_seller_from_the_shop_page_with_their_own_server(start_instance, new_page):
    home, away = start_instance("a"), start_instance("b")
    home.create_user("alice")
    bob = away.create_user("bob").actor
    create_listing(away, bob)
    page = new_page(width=390, height=844)
    page.goto(away.url("/@bob/shop"))
    page.click(".shop-follow summary:has-text('Follow from another server')")
    page.fill(".shop-follow input[name=handle]", f"alice@{home.domain}")
    page.click(".shop-follow .remote-form button[type=submit]")
    _sign_in_at_home(page, home)
    page.wait_for_url(home.url("/authorize_interaction?uri=" + quote(bob.uri, safe="")))
    page.click(".account-card button:has-text('Follow')")
    settle(home, away)
    page.goto(away.url("/@bob"))
    expect(page.locator(".profile-counts")).to_contain_text("1 follower")


def test_a_visitor_starts_an_offer_on_a_listing_from_their_own_server(start_instance, new_page):
    home, away = start_instance("a"), start_instance("b")
    home.create_user("alice")
    bob = away.create_user("bob").actor
    listing, _carrier = create_listing(away, bob)
    post_uri = away.run(_post_uri(away, listing.post_id))
    page = new_page(width=390, height=844)
    page.goto(away.url(listing.proposal_uri.removeprefix(away.url(""))))
    offer = page.locator(".offer-box")
    expect(offer.get_by_role("link", name="Log in to make an offer")).to_be_visible()
    offer.locator("summary", has_text="Make an offer from your own server").click()
    offer.locator("input[name=handle]").fill(f"alice@{home.domain}")
    offer.locator(".remote-form button[type=submit]").click()
    _sign_in_at_home(page, home)
    page.wait_for_url(home.url("/authorize_interaction?uri=" + quote(post_uri, safe="")))


async def _post_uri(instance, post_id: int) -> str:
    async with instance.runtime.db.reader.execute("SELECT uri FROM posts WHERE id = ?", (post_id,)) as cursor:
        return (await cursor.fetchone())[0]
