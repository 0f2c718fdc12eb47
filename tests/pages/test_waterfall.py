"""The grids people browse (profile, explore, tags, the landing page) are a waterfall: two columns on
a phone and more on a desktop, each card as tall as its cover photo's shape, a text-only post as a
card of its own words, and no card split between columns. Home is a list or the same grid, as the
person chose, on any device they sign in from."""

import pytest
from playwright.sync_api import expect

from redfed.services.social import follows, posts

from .conftest import sign_in, switch_language
from .shop_support import rows, upload

PHONE, DESKTOP = (390, 844), (1440, 900)


@pytest.fixture
def creator(instance):
    """alice posts a portrait, a landscape, a square and some words, all tagged #tea."""
    alice = instance.create_user("alice").actor
    for name, size in (("portrait", (300, 400)), ("landscape", (400, 300)), ("square", (300, 300))):
        photo = upload(instance, alice, (200, 90, 60), f"A {name} photo", size=size)
        instance.run(posts.create_local_post(instance.ctx, alice, f"A {name} #tea", media=[photo]))
    instance.run(posts.create_local_post(instance.ctx, alice, "Only words here, about the spring harvest. #tea"))


def columns(page) -> int:
    return len(set(page.locator(".waterfall > .tile").evaluate_all("tiles => tiles.map(t => Math.round(t.getBoundingClientRect().x))")))


def cover_shape(page, alt: str) -> float:
    box = page.locator(".waterfall .tile-link", has=page.locator(f"img[alt='{alt}']")).bounding_box()
    return box["height"] / box["width"]


@pytest.mark.parametrize("path", ["/@alice", "/explore", "/tags/tea", "/"])
def test_grids__are_a_waterfall_of_cards_in_their_photos_shapes(instance, new_page, creator, path):
    page = new_page(*PHONE)
    page.goto(instance.url(path))
    photos_only = path in ("/", "/explore")  # these show only posts with photos
    expect(page.locator(".waterfall > .tile")).to_have_count(3 if photos_only else 4)
    assert columns(page) == 2
    assert cover_shape(page, "A portrait photo") == pytest.approx(4 / 3, abs=0.02)
    assert cover_shape(page, "A landscape photo") == pytest.approx(3 / 4, abs=0.02)
    assert cover_shape(page, "A square photo") == pytest.approx(1, abs=0.02)
    split = page.locator(".waterfall > .tile").evaluate_all("tiles => tiles.filter(t => t.getClientRects().length > 1).length")
    assert split == 0, "no card is broken between two columns"
    if not photos_only:
        words = page.locator(".tile-text-only")
        expect(words).to_contain_text("Only words here, about the spring harvest.")
        assert words.locator("img.tile-photo").count() == 0
    wide = new_page(*DESKTOP)
    wide.goto(instance.url(path))
    assert columns(wide) == (3 if photos_only else 4)


def test_home__a_list_or_a_grid_kept_with_the_account(instance, new_page, creator):
    bob = instance.create_user("bob").actor
    instance.run(follows.follow(instance.ctx, bob, instance.actor("alice")))
    page = new_page(*PHONE)
    sign_in(page, instance, "bob")
    expect(page.locator(".post-card")).to_have_count(4)
    expect(page.locator(".layout-switch button[aria-pressed=true]")).to_have_text("List")
    page.locator(".layout-switch button", has_text="Grid").click()
    page.wait_for_url(instance.url("/home"))
    expect(page.locator(".waterfall > .tile")).to_have_count(4)
    expect(page.locator(".post-card")).to_have_count(0)
    assert columns(page) == 2
    # Kept with the account, not the browser: another device shows the grid too.
    elsewhere = new_page(*DESKTOP)
    sign_in(elsewhere, instance, "bob")
    expect(elsewhere.locator(".waterfall > .tile")).to_have_count(4)
    switch_language(elsewhere, "zh_Hans")
    expect(elsewhere.locator(".layout-switch button[aria-pressed=true]")).to_have_text("网格")
    assert rows(instance, "SELECT a.username, u.home_layout FROM users u JOIN actors a ON a.id = u.actor_id ORDER BY a.username") == [
        ("alice", "list"), ("bob", "grid")]
    elsewhere.locator(".layout-switch button", has_text="列表").click()
    expect(elsewhere.locator(".post-card")).to_have_count(4)


def test_home__a_layout_that_does_not_exist_is_refused(instance, new_page):
    instance.create_user("bob")
    page = new_page(*PHONE)
    sign_in(page, instance, "bob")
    token = page.locator(".layout-switch input[name=csrf_token]").get_attribute("value")
    refused = page.request.post(instance.url("/home/layout"), form={"csrf_token": token, "layout": "carousel"}, max_redirects=0)
    assert refused.status == 422
    forged = page.request.post(instance.url("/home/layout"), form={"csrf_token": "nope", "layout": "grid"}, max_redirects=0)
    assert forged.status == 403
    assert rows(instance, "SELECT home_layout FROM users") == [("list",)]
