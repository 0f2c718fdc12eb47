"""The hashtag and search pages in real headless Chromium with two instances: a tag page lists
local and remote posts and the listings with the tag, and can be followed; search finds accounts,
posts, hashtags and listings (by English text and by a Chinese word), and a signed-in person can
look up a pasted handle on its server."""

import pytest
from playwright.sync_api import expect

from redfed.services.social import follows, posts

from .conftest import screenshot, sign_in, switch_language
from .shop_support import create_listing, rows, settle, upload


@pytest.fixture
def towns(start_instance):
    """alice on A posts and sells; bob on B follows her and posts too; carol on A is unknown to B."""
    a, b = start_instance("a"), start_instance("b")
    alice = a.create_user("alice").actor
    a.create_user("carol")
    bob = b.create_user("bob").actor
    b.run(follows.follow(b.ctx, bob, b.resolve(alice.uri)))
    settle(a, b)
    cup = upload(a, alice, (120, 70, 30), "A cup of coffee on a wooden table")
    a.run(posts.create_local_post(a.ctx, alice, "Morning flat white #coffee #咖啡", media=[cup]))
    create_listing(a, alice, {"title": "手工咖啡杯 handmade mug", "category": "kitchen", "price_amount": "88",
                              "price_currency": "CNY"}, description="Glazed by hand. #coffee")
    b.run(posts.create_local_post(b.ctx, bob, "Brewing at home #Coffee"))
    b.run(posts.create_local_post(b.ctx, bob, "Tea today #tea"))
    settle(a, b)
    return a, b


def test_tag_page__lists_local_and_remote_posts_and_listings_and_can_be_followed(towns, new_page):
    a, b = towns
    visitor = new_page(width=360, height=780)
    visitor.goto(b.url("/tags/coffee"))
    expect(visitor.locator("h1")).to_have_text("#coffee")
    grid = visitor.locator(".grid").last
    expect(grid.locator(".tile")).to_have_count(2)  # alice's post (remote here) and bob's; her listing above
    expect(grid.locator("img.tile-photo")).to_have_attribute("alt", "A cup of coffee on a wooden table")
    expect(grid).to_contain_text("Brewing at home")
    expect(grid).not_to_contain_text("Tea today")
    expect(grid).not_to_contain_text("handmade mug")
    mug = visitor.locator(".listing-tile")
    expect(mug).to_have_count(1)
    expect(mug.locator(".listing-title")).to_have_text("手工咖啡杯 handmade mug")
    expect(mug.locator(".listing-price")).to_have_text("CN¥88.00")
    expect(visitor.locator(".tag-head")).to_contain_text("Log in to follow this hashtag")
    screenshot(visitor, "tag-360")
    assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page = new_page(width=1440, height=900)
    sign_in(page, b, "bob")
    page.goto(b.url("/tags/coffee"))
    page.click(".tag-head button:has-text('Follow hashtag')")
    page.wait_for_url(b.url("/tags/coffee"))
    expect(page.locator(".tag-head button")).to_have_text("Unfollow hashtag")
    expect(page.locator(".tag-head button")).to_have_attribute("aria-pressed", "true")
    assert rows(b, "SELECT name FROM followed_tags") == [("coffee",)]
    screenshot(page, "tag-1440")
    page.click(".tag-head button")
    expect(page.locator(".tag-head button")).to_have_text("Follow hashtag")
    assert rows(b, "SELECT count(*) FROM followed_tags") == [(0,)]

    # The Chinese tag, and tags that are not tags.
    page.goto(b.url("/tags/咖啡"))
    expect(page.locator("h1")).to_have_text("#咖啡")
    expect(page.locator(".grid .tile")).to_have_count(1)
    for bad in ("%3Cscript%3E", "a" * 101, "bad%20tag"):
        assert page.request.get(b.url(f"/tags/{bad}")).status == 404
        reply = page.request.post(b.url(f"/tags/{bad}/follow"), form={"csrf_token": _token(page)}, max_redirects=0)
        assert reply.status == 404
    assert rows(b, "SELECT count(*) FROM followed_tags") == [(0,)]


def _token(page) -> str:
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


def test_search__finds_listings_by_text_and_by_a_chinese_word_and_resolves_a_pasted_handle(towns, new_page):
    a, b = towns
    visitor = new_page(width=360, height=780)
    visitor.goto(b.url("/"))
    visitor.click(".site-nav a:has-text('Search')")
    visitor.wait_for_url(b.url("/search"))
    expect(visitor.locator(".site-nav a[aria-current=page]")).to_have_text("Search")
    visitor.fill("#q", "咖啡杯")
    visitor.click(".search-form button[type=submit]")
    expect(visitor.locator(".listing-tile .listing-title")).to_have_text("手工咖啡杯 handmade mug")
    expect(visitor.locator("#q")).to_have_value("咖啡杯")
    expect(visitor.locator(".search-form input[name=resolve]")).to_have_count(0)  # signed out: no lookups
    screenshot(visitor, "search-360")
    assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    visitor.goto(b.url("/search?q=mug"))
    expect(visitor.locator(".listing-tile")).to_have_count(1)
    visitor.goto(b.url("/search?q=kitchen"))  # the category
    expect(visitor.locator(".listing-tile")).to_have_count(1)
    visitor.goto(b.url("/search?q=%23coffee"))
    expect(visitor.locator(".hashtag-list a")).to_have_text(["#coffee"])
    expect(visitor.locator(".listing-tile")).to_have_count(1)
    expect(visitor.locator(".hint")).to_have_text("Log in to search the text of posts.")
    visitor.goto(b.url(f"/search?q=%40carol%40{a.domain}&resolve=1"))  # resolve needs a signed-in account
    expect(visitor.locator(".empty")).to_contain_text("Nothing found")
    visitor.goto(b.url("/search?q=teapot"))
    expect(visitor.locator(".empty")).to_have_text("Nothing found for “teapot”.")

    page = new_page(width=1440, height=900)
    sign_in(page, b, "bob")
    page.goto(b.url("/search?q=coffee"))
    # Posts by their text, in the waterfall: bob's, alice's, and the post that carries her listing.
    expect(page.locator(".waterfall .tile")).to_have_count(3)
    expect(page.locator(".account-list")).to_have_count(0)
    screenshot(page, "search-1440")

    page.goto(b.url("/search"))
    page.fill("#q", f"@carol@{a.domain}")
    page.click(".search-form button[type=submit]")
    expect(page.locator(".empty")).to_contain_text("Nothing found")  # not known here yet
    page.fill("#q", f"@carol@{a.domain}")
    page.check(".search-form input[name=resolve]")
    page.click(".search-form button[type=submit]")
    expect(page.locator(".account-row .handle")).to_have_text(f"@carol@{a.domain}")
    page.locator(".account-row a", has_text="Shop").click()
    expect(page.locator("h1")).to_have_text("Shop of carol")
    expect(page.locator(".empty")).to_have_text("Nothing for sale right now.")

    # A listing's URL pasted into the box finds the listing.
    mug_uri = rows(a, "SELECT proposal_uri FROM listings")[0][0]
    page.goto(b.url("/search"))
    page.fill("#q", mug_uri)
    page.click(".search-form button[type=submit]")
    expect(page.locator(".listing-tile .listing-title")).to_have_text("手工咖啡杯 handmade mug")

    # The page in Chinese.
    switch_language(page, "zh_Hans")
    page.goto(b.url("/search?q=咖啡"))
    expect(page.locator("h1")).to_have_text("搜索")
    expect(page.locator(".listing-price")).to_have_text("¥88.00")
    assert visitor.dialogs == [] and page.dialogs == []
