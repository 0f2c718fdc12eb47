"""The pages in real headless Chromium: sign in, compose with photos, the profile grid, follow,
like, the language switch, and hostile input. Screenshots land in tests/pages/artifacts/."""

import re

from playwright.sync_api import expect

from redfed.services.accounts import profiles
from redfed.services.social import posts

from .conftest import photo, screenshot, sign_in, switch_language


async def _rows(instance, sql: str, *params) -> list[tuple]:
    async with instance.runtime.db.reader.execute(sql, params) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


def rows(instance, sql: str, *params) -> list[tuple]:
    return instance.run(_rows(instance, sql, *params))


def compose(page, instance, text: str, photos: list[tuple], summary: str = "") -> None:
    page.goto(instance.url("/compose"))
    page.fill("#text", text)
    if summary:
        page.fill("#summary", summary)
    if photos:
        page.set_input_files("#photos", [str(path) for path, _alt in photos])
    for number, (_path, alt) in enumerate(photos):
        page.fill(f"#alt_n{number}", alt)
    page.click("form.form button.button-primary[type=submit]")


def test_compose_two_photos__they_show_on_the_profile_grid_and_landing_page(instance, new_page, tmp_path):
    instance.create_user("alice")
    page = new_page()
    sign_in(page, instance, "alice")
    expect(page.locator("h1")).to_have_text("Home")

    beach = photo(tmp_path / "beach.jpg", ("#ff9a8b", "#4a6fa5"))
    hills = photo(tmp_path / "hills.jpg", ("#a8e063", "#1d976c"))
    compose(page, instance, "Weekend by the sea #travel", [(beach, "A red sunset over a calm sea"), (hills, "Green hills under a pale sky")])

    page.wait_for_url(instance.url("/@alice"))
    tile = page.locator(".grid .tile").first
    expect(tile.locator("img.tile-photo")).to_have_attribute("alt", "A red sunset over a calm sea")
    expect(tile.locator(".tile-count")).to_have_text("2 photos")
    expect(tile.locator(".tile-caption")).to_contain_text("Weekend by the sea")
    assert page.locator(".tile-photo").evaluate("img => img.complete && img.naturalWidth > 0")

    stored = rows(instance, "SELECT description, position FROM media WHERE post_id IS NOT NULL ORDER BY position")
    assert [d for d, _ in stored] == ["A red sunset over a calm sea", "Green hills under a pale sky"]

    # The post page shows both photos with their descriptions.
    tile.locator("a.tile-link").click()
    expect(page.locator(".carousel-slide img")).to_have_count(2)
    expect(page.locator(".carousel-slide img").nth(1)).to_have_attribute("alt", "Green hills under a pale sky")

    visitor = new_page(width=360, height=780)
    visitor.goto(instance.url("/"))
    expect(visitor.locator(".grid img.tile-photo").first).to_have_attribute("alt", "A red sunset over a calm sea")
    screenshot(visitor, "landing-360")
    visitor.goto(instance.url("/@alice"))
    screenshot(visitor, "profile-360")
    wide = new_page(width=1440, height=900)
    wide.goto(instance.url("/@alice"))
    screenshot(wide, "profile-1440")
    wide.goto(instance.url("/"))
    screenshot(wide, "landing-1440")
    assert page.dialogs == [] and visitor.dialogs == []


def test_visitor_follows_from_the_profile_and_likes_from_home(instance, new_page, tmp_path):
    alice = instance.create_user("alice").actor
    instance.create_user("bob")
    page = new_page()
    sign_in(page, instance, "alice")
    compose(page, instance, "Morning coffee", [(photo(tmp_path / "c.jpg", ("#f6d365", "#fda085")), "A cup of coffee")])
    page.wait_for_url(instance.url("/@alice"))

    bob = new_page(width=360, height=780)
    # A signed-out visitor is asked to log in, and comes back to the profile afterwards.
    bob.goto(instance.url("/@alice"))
    bob.click("text=Log in to follow")
    bob.fill("#username", "bob")
    bob.fill("#password", "correct horse battery")
    bob.click("form.form button[type=submit]")
    bob.wait_for_url(instance.url("/@alice"))
    bob.click(".profile-actions button:has-text('Follow')")
    bob.wait_for_url(instance.url("/@alice"))
    expect(bob.locator(".profile-actions button")).to_have_text("Unfollow")
    expect(bob.locator(".profile-counts")).to_contain_text("1 follower")
    assert rows(instance, "SELECT state FROM follows WHERE followee_id = ?", alice.id) == [("accepted",)]

    bob.goto(instance.url("/home"))
    card = bob.locator(".post-card", has_text="Morning coffee")
    like = card.locator("button", has_text="Like")
    expect(like).to_have_attribute("aria-pressed", "false")
    like.click()
    bob.wait_for_url(instance.url("/home"))
    like = bob.locator(".post-card", has_text="Morning coffee").locator("button", has_text="Like")
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_contain_text("1")
    screenshot(bob, "home-360")
    assert len(rows(instance, "SELECT 1 FROM likes")) == 1

    # Boost, then reply through the compose page, which shows the post replied to.
    card = bob.locator(".post-card", has_text="Morning coffee")
    card.locator("button", has_text="Boost").click()
    expect(bob.locator(".boosted-by").first).to_contain_text("bob boosted")
    bob.locator(".post-card", has_text="Morning coffee").first.locator("a", has_text="Reply").click()
    expect(bob.locator("h1")).to_have_text("Reply")
    expect(bob.locator(".post-card")).to_contain_text("Morning coffee")
    bob.fill("#text", "Looks delicious!")
    bob.click("form.form button[type=submit]")
    bob.wait_for_url(instance.url("/@bob"))
    original = rows(instance, "SELECT id FROM posts WHERE source = 'Morning coffee'")[0][0]
    assert rows(instance, "SELECT in_reply_to_id FROM posts WHERE source = 'Looks delicious!'") == [(original,)]
    assert rows(instance, "SELECT count(*) FROM posts WHERE reblog_of_id = ?", original) == [(1,)]

    # Alice sees the like counted on her grid.
    page.goto(instance.url("/@alice"))
    expect(page.locator(".tile-likes").first).to_contain_text("1 like")


def test_language_switch__to_chinese_and_back(instance, new_page):
    instance.create_user("alice")
    page = new_page()
    page.goto(instance.url("/explore"))
    expect(page.locator(".site-nav")).to_contain_text("Explore")
    switch_language(page, "zh_Hans")
    page.wait_for_url(instance.url("/explore"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_have_text("发现")
    expect(page.locator(".site-nav")).to_contain_text("登录")
    screenshot(page, "explore-zh-1280")

    # Signed in, the choice is kept with the account.
    sign_in(page, instance, "alice")
    expect(page.locator("h1")).to_have_text("首页")
    switch_language(page, "en")
    page.wait_for_url(instance.url("/home"))
    expect(page.locator("h1")).to_have_text("Home")
    assert rows(instance, "SELECT locale FROM users") == [("en",)]
    switch_language(page, "zh_Hans")
    expect(page.locator("h1")).to_have_text("首页")
    assert rows(instance, "SELECT locale FROM users") == [("zh",)]
    page.goto(instance.url("/compose"))
    expect(page.locator("label[for=text]")).to_have_text("想分享点什么？")


def test_browser_language__picks_chinese(instance, new_page):
    page = new_page(locale="zh-CN")
    page.goto(instance.url("/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator(".site-nav")).to_contain_text("发现")


def test_script_in_a_display_name__is_shown_as_text(instance, new_page, tmp_path):
    hostile = "<script>alert(1)</script>"  # display names are at most 30 characters
    mallory = instance.create_user("mallory").actor
    instance.run(profiles.update_profile(instance.ctx, mallory, display_name=hostile))
    instance.create_user("alice")
    page = new_page()
    sign_in(page, instance, "mallory")
    compose(page, instance, "<b>bold?</b> <script>alert('post')</script>", [(photo(tmp_path / "m.jpg", ("#000", "#fff")), '"><script>alert("alt")</script>')])
    page.wait_for_url(instance.url("/@mallory"))
    expect(page.locator("h1.p-name")).to_have_text(hostile)
    page.goto(instance.url("/"))
    expect(page.locator(".tile-author span").first).to_have_text(hostile)

    other = new_page()
    sign_in(other, instance, "alice")
    other.goto(instance.url("/@mallory"))
    other.click(".profile-actions button")
    other.goto(instance.url("/home"))
    expect(other.locator(".post-name").first).to_have_text(hostile)
    expect(other.locator(".post-content").first).to_contain_text("<b>bold?</b>")
    assert page.dialogs == [] and other.dialogs == []


def test_forged_csrf__is_refused_and_nothing_is_stored(instance, new_page, tmp_path):
    alice = instance.create_user("alice").actor
    instance.create_user("bob")
    post = instance.run(posts.create_local_post(instance.ctx, alice, "a post to like"))
    page = new_page()
    sign_in(page, instance, "bob")
    forged = {"csrf_token": "forged", "text": "sneaky", "next": "/home"}
    assert page.request.post(instance.url("/compose"), multipart=forged, max_redirects=0).status == 403
    assert page.request.post(instance.url(f"/posts/{post.id}/like"), form=forged, max_redirects=0).status == 403
    assert page.request.post(instance.url("/@alice/follow"), form=forged, max_redirects=0).status == 403
    missing = {"text": "no token at all"}
    assert page.request.post(instance.url("/compose"), form=missing, max_redirects=0).status == 403
    reply = page.request.post(instance.url("/auth/sign_out"), form=forged, max_redirects=0)
    assert reply.status == 403
    assert rows(instance, "SELECT count(*) FROM posts") == [(1,)]
    assert rows(instance, "SELECT count(*) FROM likes") == [(0,)]
    assert rows(instance, "SELECT count(*) FROM follows") == [(0,)]
    # Still signed in: the forged sign-out did nothing.
    page.goto(instance.url("/home"))
    expect(page.locator("h1")).to_have_text("Home")
    # The refusal is a page that says what happened.
    page.goto(instance.url("/compose"))
    page.evaluate("document.querySelector('form.form input[name=csrf_token]').value = 'forged'")
    page.fill("#text", "hello")
    page.click("form.form button[type=submit]")
    expect(page.locator("main")).to_contain_text("This form has expired")
    assert rows(instance, "SELECT count(*) FROM posts") == [(1,)]


def test_oversized_photo__is_a_clear_error_and_nothing_is_stored(start_instance, new_page, tmp_path):
    # The form takes four photos at their limit, or one video at its limit: the larger of the two.
    instance = start_instance("a", media={"max_image_bytes": 200_000, "max_video_bytes": 200_000})
    instance.create_user("alice")
    page = new_page()
    sign_in(page, instance, "alice")
    small = photo(tmp_path / "small.jpg", ("#89f7fe", "#66a6ff"), size=(300, 400))
    big = photo(tmp_path / "big.png", ("#000", "#000"), size=(300, 300), noise=True)  # about 270 kB
    compose(page, instance, "two photos, one too big", [(small, "small"), (big, "big")])
    expect(page.locator(".alert")).to_have_text(re.compile(r"Each photo can be at most 0\.19\d* MB"))
    expect(page.locator("#text")).to_have_value("two photos, one too big")
    assert rows(instance, "SELECT count(*) FROM posts") == [(0,)]
    assert rows(instance, "SELECT count(*) FROM media") == [(0,)]

    # Past the whole form's limit (four photos at their limit), the body is not even read.
    huge = photo(tmp_path / "huge.png", ("#000", "#000"), size=(600, 600), noise=True)  # about 1 MB
    compose(page, instance, "far too big", [(huge, "huge")])
    expect(page.locator(".alert")).to_contain_text("too large together")
    assert rows(instance, "SELECT count(*) FROM media") == [(0,)]
    assert list((instance.config.media_path).rglob("*.png")) == []


def test_a_failing_post__keeps_its_photos_for_the_next_try(instance, new_page, tmp_path):
    instance.create_user("alice")
    page = new_page()
    sign_in(page, instance, "alice")
    compose(page, instance, "x" * 600, [(photo(tmp_path / "p.jpg", ("#ccc", "#333")), "grey")])
    expect(page.locator(".alert")).to_have_text("Your post is too long.")
    assert rows(instance, "SELECT count(*) FROM posts") == [(0,)]
    assert rows(instance, "SELECT description, post_id FROM media") == [("grey", None)]
    kept = page.locator(".compose-photo")
    expect(kept).to_have_count(1)
    expect(kept.locator("textarea")).to_have_value("grey")
    page.fill("#text", "shorter now")
    page.click("form.form button.button-primary[type=submit]")
    page.wait_for_url(instance.url("/@alice"))
    assert rows(instance, "SELECT count(*) FROM media WHERE post_id IS NOT NULL") == [(1,)]
