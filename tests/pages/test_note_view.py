"""The note view (a post's page) in real headless Chromium: the photos first, edge to edge on a phone
and left of the text on a desktop; the carousel in the first photo's shape, so a portrait fills its
width; previous and next buttons, dots and a "2/5" counter, by click, by keyboard and by scrolling,
with script and without; the author with a follow button; a poll to vote in; a video in place. Screenshots land in tests/pages/artifacts/."""

import io

import pytest
from playwright.sync_api import expect

from redfed.services.media import media
from redfed.services.social import polls, posts

from ..support.videos import clip
from .conftest import screenshot, sign_in
from .shop_support import rows, upload

# The smallest MP4 the media service accepts (as in tests/api/test_media.py); never played here.

PHONE, DESKTOP = (390, 844), (1440, 900)
# A portrait first, then a landscape, a square and two more.
SHAPES = [(600, 800), (800, 600), (600, 600), (600, 800), (800, 450)]


@pytest.fixture
def gallery(instance) -> str:
    """alice's post of five photos, a portrait first; the path of its page."""
    alice = instance.create_user("alice").actor
    colours = [(200, 60, 60), (60, 160, 90), (50, 90, 200), (230, 180, 40), (120, 60, 160)]
    photos = [upload(instance, alice, colour, f"Tea field, view {n}", size=size)
              for n, (colour, size) in enumerate(zip(colours, SHAPES), start=1)]
    post = instance.run(posts.create_local_post(instance.ctx, alice, "Five views of Longjing #tea", media=photos))
    return f"/@alice/{post.id}"


def wait_for_photo(page, number: int) -> None:
    """Until the carousel rests on photo `number` (from 1)."""
    page.wait_for_function(
        "n => { const t = document.querySelector('.carousel-track'); return Math.abs(t.scrollLeft - (n - 1) * t.clientWidth) < 2; }",
        arg=number,
    )


def slide(page, number: int):
    return page.locator(f"#photo-{number}")


def test_on_a_phone__the_portrait_fills_the_screen_width_above_the_text(instance, new_page, gallery):
    page = new_page(*PHONE)
    page.goto(instance.url(gallery))
    carousel = page.locator(".note-media .carousel").bounding_box()
    assert carousel["x"] == 0 and carousel["width"] == PHONE[0], "edge to edge"
    photo = slide(page, 1).locator("img")
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    box = photo.bounding_box()
    assert box["width"] == pytest.approx(PHONE[0], abs=1)
    assert box["height"] == pytest.approx(PHONE[0] * 4 / 3, abs=2), "the carousel takes the portrait's shape"
    text = page.locator(".note-side .post-content").bounding_box()
    assert text["y"] > box["y"] + box["height"], "the text comes after the photos"
    expect(slide(page, 1).locator(".carousel-count")).to_have_text("1/5")
    expect(slide(page, 1).locator(".carousel-next")).to_be_in_viewport()
    # Both stored sizes are offered; a phone's screen takes the smaller one.
    original = slide(page, 1).locator("a.carousel-photo").get_attribute("href")
    srcset = photo.get_attribute("srcset")
    assert srcset.endswith(f"{original} 600w") and srcset.count("w,") == 1
    assert not photo.evaluate("img => img.currentSrc").endswith(original), "the preview, not the original"
    screenshot(page, "note-390")


def test_the_note_view__weighs_under_100_kb_before_its_photos(instance, new_page, gallery):
    page = new_page(*PHONE)
    sizes = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, (response.request.resource_type, len(response.body()))))
    page.goto(instance.url(gallery))
    page.wait_for_load_state("networkidle")
    text = {url: size for url, (kind, size) in sizes.items() if kind in ("document", "stylesheet", "script")}
    assert any(url.endswith("carousel.js") for url in text) and any(url.endswith("redfed.css") for url in text)
    assert sum(text.values()) < 100_000, text


def test_on_a_desktop__the_photo_is_left_of_the_text_and_fits_the_screen(instance, new_page, gallery):
    page = new_page(*DESKTOP, locale="zh-CN")
    page.goto(instance.url(gallery))
    carousel = page.locator(".carousel").bounding_box()
    side = page.locator(".note-side").bounding_box()
    assert carousel["x"] + carousel["width"] <= side["x"], "photo left, text right"
    assert side["y"] <= carousel["y"] + 1
    photo = slide(page, 1).locator("img").bounding_box()
    assert photo["width"] == pytest.approx(carousel["width"], abs=1), "the portrait fills the carousel's width"
    assert photo["y"] + photo["height"] <= DESKTOP[1], "and is no taller than the screen"
    expect(slide(page, 1).locator(".carousel-next")).to_have_accessible_name("下一张照片")
    screenshot(page, "note-1440-zh")


def test_carousel__previous_next_and_dots_by_click_move_in_place(instance, new_page, gallery):
    page = new_page(*PHONE)
    page.goto(instance.url(gallery))
    page.evaluate("window.scrollTo(0, 200)")
    slide(page, 1).locator(".carousel-next").click()
    wait_for_photo(page, 2)
    expect(slide(page, 2).locator(".carousel-count")).to_have_text("2/5")
    expect(slide(page, 2).locator("img")).to_be_in_viewport(ratio=0.5)
    dots = page.locator(".carousel-dots a")
    expect(dots.nth(1)).to_have_attribute("aria-current", "true")
    expect(dots.nth(0)).not_to_have_attribute("aria-current", "true")
    assert page.url == instance.url(gallery), "no jump to a fragment"
    assert page.evaluate("window.scrollY") == 200, "the page itself did not move"
    slide(page, 2).locator(".carousel-prev").click()
    wait_for_photo(page, 1)
    dots.nth(4).click()
    wait_for_photo(page, 5)
    expect(slide(page, 5).locator(".carousel-next")).to_have_count(0)
    expect(slide(page, 5).locator(".carousel-count")).to_have_text("5/5")
    expect(dots.nth(4)).to_have_attribute("aria-current", "true")


def test_carousel__by_keyboard(instance, new_page, gallery):
    page = new_page(*DESKTOP)
    page.goto(instance.url(gallery))
    page.locator(".carousel-track").focus()
    page.keyboard.press("ArrowRight")
    wait_for_photo(page, 2)
    page.keyboard.press("ArrowRight")
    wait_for_photo(page, 3)
    page.keyboard.press("End")
    wait_for_photo(page, 5)
    page.keyboard.press("ArrowLeft")
    wait_for_photo(page, 4)
    page.keyboard.press("Home")
    wait_for_photo(page, 1)
    # The buttons: Enter on "next" shows the next photo and keeps the focus on its own "next".
    slide(page, 1).locator(".carousel-next").focus()
    page.keyboard.press("Enter")
    wait_for_photo(page, 2)
    assert page.evaluate("document.activeElement.closest('.carousel-slide').id") == "photo-2"
    page.keyboard.press("Enter")
    wait_for_photo(page, 3)
    expect(page.locator(".carousel-dots a").nth(2)).to_have_attribute("aria-current", "true")


def test_carousel__scrolling_sideways_snaps_to_a_photo_and_the_dots_follow(instance, new_page, gallery):
    page = new_page(*PHONE)
    page.goto(instance.url(gallery))
    track = page.locator(".carousel-track").bounding_box()
    page.mouse.move(track["x"] + 100, track["y"] + 100)
    page.mouse.wheel(300, 0)
    wait_for_photo(page, 2)
    # A sideways scroll that stops between two photos (a swipe let go) settles on the nearer one.
    # Set where it stops, not how far it goes: a loaded machine may still be settling the wheel.
    page.locator(".carousel-track").evaluate("track => track.scrollTo({left: track.clientWidth * 1.7, behavior: 'instant'})")
    wait_for_photo(page, 3)
    expect(page.locator(".carousel-dots a").nth(2)).to_have_attribute("aria-current", "true")
    expect(page.locator(".carousel-dots a[aria-current]")).to_have_count(1)


def test_carousel__works_without_javascript(instance, browser, gallery):
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(instance.url(gallery))
        slide(page, 1).locator(".carousel-next").click()
        page.wait_for_url("**#photo-2")
        expect(slide(page, 2).locator("img")).to_be_in_viewport(ratio=0.9)
        expect(slide(page, 1).locator("img")).not_to_be_in_viewport()
        page.locator(".carousel-dots a").nth(4).click()
        page.wait_for_url("**#photo-5")
        expect(slide(page, 5).locator("img")).to_be_in_viewport(ratio=0.9)
    finally:
        context.close()


def test_note_view__follow_the_author_from_the_post(instance, new_page, gallery):
    instance.create_user("bob")
    page = new_page(*PHONE)
    sign_in(page, instance, "bob")
    page.goto(instance.url(gallery))
    follow = page.locator(".note-side .post-author button")
    expect(follow).to_have_text("Follow")
    follow.click()
    page.wait_for_url(instance.url(gallery))
    expect(page.locator(".note-side .post-author button")).to_have_text("Unfollow")
    page.goto(instance.url("/@alice"))
    expect(page.locator(".profile-actions button")).to_have_text("Unfollow")
    # Her own post offers her no button.
    author = new_page(*PHONE)
    sign_in(author, instance, "alice")
    author.goto(instance.url(gallery))
    expect(author.locator(".note-side .post-author button")).to_have_count(0)


def test_note_view__a_poll_can_be_voted_in_and_shows_its_results(instance, new_page):
    alice = instance.create_user("alice").actor
    instance.create_user("bob")
    poll = polls.new_poll(["Green tea", "Black tea", "Oolong"], 3600, False, instance.ctx.now_ms())
    post = instance.run(posts.create_local_post(instance.ctx, alice, "Which tea?", poll=poll))
    visitor = new_page(*PHONE)
    visitor.goto(instance.url(f"/@alice/{post.id}"))
    expect(visitor.locator(".poll-results li")).to_have_count(3)
    expect(visitor.locator(".poll form")).to_have_count(0)

    page = new_page(*PHONE)
    sign_in(page, instance, "bob")
    page.goto(instance.url(f"/@alice/{post.id}"))
    page.get_by_label("Oolong").check()
    page.get_by_role("button", name="Vote").click()
    page.wait_for_url(instance.url(f"/@alice/{post.id}"))
    results = page.locator(".poll-results li")
    expect(results.nth(2)).to_contain_text("Oolong")
    expect(results.nth(2)).to_contain_text("100%")
    expect(results.nth(2).locator(".poll-chosen")).to_have_count(1)
    expect(page.locator(".poll")).to_contain_text("1 person voted")
    assert rows(instance, "SELECT choice FROM poll_votes") == [(2,)]
    # The author sees the results, never the form.
    author = new_page(*PHONE)
    sign_in(author, instance, "alice")
    author.goto(instance.url(f"/@alice/{post.id}"))
    expect(author.locator(".poll form")).to_have_count(0)
    expect(author.locator(".poll-results li").nth(2)).to_contain_text("100%")


def test_note_view__a_video_plays_in_place_with_its_description(instance, new_page):
    alice = instance.create_user("alice").actor
    video_clip = instance.run(media.upload(instance.ctx, alice, io.BytesIO(clip(frames=12)), description="Pouring the tea")).media
    post = instance.run(posts.create_local_post(instance.ctx, alice, "Pouring", media=[video_clip]))
    page = new_page(*PHONE)
    page.goto(instance.url(f"/@alice/{post.id}"))
    video = page.locator(".note-media video")
    expect(video).to_have_attribute("aria-label", "Pouring the tea")
    expect(video).to_have_attribute("controls", "")
    assert video.evaluate("v => v.currentSrc").endswith(".mp4")
    expect(video).to_have_attribute("poster", instance.runtime.urls.media(video_clip.preview_key))
    assert video.get_attribute("autoplay") is None
    # The transcoded file plays in Chromium: its length is known and it can play to the end.
    page.wait_for_function("document.querySelector('.note-media video').readyState >= 1")
    assert video.evaluate("v => v.duration") == pytest.approx(1.0, abs=0.1)
    assert video.evaluate("v => { v.muted = true; return v.play().then(() => new Promise(done => v.onended = () => done(v.currentTime))) }") > 0.5
    box = video.bounding_box()
    assert box["x"] == 0 and box["width"] == PHONE[0]
