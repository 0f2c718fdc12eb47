"""The post page in real headless Chromium: the photo carousel with its descriptions, the content
warning, the thread around the post, counts, language and date; like, boost, bookmark and reply
from the page, seen by the author; and who may see what. Screenshots land in tests/pages/artifacts/."""

import re

from playwright.sync_api import expect

from redfed.services.accounts import profiles
from redfed.services.media import media
from redfed.services.social import posts

from .conftest import photo, screenshot, sign_in


def _photo_post(instance, author, tmp_path, text: str, photos: list[tuple[str, tuple]], **options):
    uploaded = []
    for number, (alt, colours) in enumerate(photos):
        with open(photo(tmp_path / f"p{number}.jpg", colours), "rb") as file:
            uploaded.append(instance.run(media.upload(instance.ctx, author, file, description=alt)).media)
    return instance.run(posts.create_local_post(instance.ctx, author, text, media=uploaded, **options))


def _reply(instance, author, parent, text: str, **options):
    return instance.run(posts.create_local_post(instance.ctx, author, text, in_reply_to=parent, **options))


def test_post_page__carousel_with_descriptions_content_warning_thread_and_counts(instance, new_page, tmp_path):
    alice = instance.create_user("alice").actor
    bob = instance.create_user("bob").actor
    carol = instance.create_user("carol").actor
    question = instance.run(posts.create_local_post(instance.ctx, bob, "Where did you go this weekend?"))
    post = _photo_post(
        instance, alice, tmp_path, "周末去了海边", [("A red sunset over a calm sea", ("#ff9a8b", "#4a6fa5")),
                                                ("Green hills under a pale sky", ("#a8e063", "#1d976c"))],
        summary="Sunburn photos", language="zh", in_reply_to=question,
    )
    answer = _reply(instance, bob, post, "Looks lovely!")
    _reply(instance, carol, answer, "Agreed, lovely")
    _reply(instance, carol, post, "Which beach?")
    hidden = _reply(instance, alice, post, "for my followers only", visibility="private")
    _reply(instance, alice, hidden, "said in public under it")

    page = new_page(width=360, height=780)
    page.goto(instance.url(f"/@alice/{post.id}"))
    focus = page.locator("article.post-focus")
    # The content warning hides text and photos until opened.
    warning = focus.locator("details.content-warning").first
    expect(warning.locator(":scope > summary")).to_contain_text("Sunburn photos")
    expect(warning.locator(".p-summary")).to_have_attribute("lang", "zh")
    expect(focus.locator(".post-content")).to_be_hidden()
    expect(focus.locator(".carousel")).to_be_hidden()
    warning.locator(":scope > summary").click()
    expect(focus.locator(".post-content")).to_have_text("周末去了海边")
    expect(focus.locator(".post-content")).to_have_attribute("lang", "zh")

    slides = focus.locator(".carousel-slide img")
    expect(slides).to_have_count(2)
    expect(slides.nth(0)).to_have_attribute("alt", "A red sunset over a calm sea")
    expect(slides.nth(1)).to_have_attribute("alt", "Green hills under a pale sky")
    assert slides.nth(0).evaluate("img => img.complete && img.naturalWidth > 0")
    focus.locator(".alt-text summary").first.click()
    expect(focus.locator(".alt-text p").first).to_have_text("A red sunset over a calm sea")
    # A dot per photo; choosing one shows it (test_note_view.py tries every control).
    dots = focus.locator(".carousel-dots a")
    expect(dots).to_have_count(2)
    dots.nth(1).click()
    expect(slides.nth(1)).to_be_in_viewport()
    expect(dots.nth(1)).to_have_attribute("aria-current", "true")
    screenshot(page, "post-360")

    expect(focus.locator("time.dt-published")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    # The count is the client API's replies_count, which counts the followers-only reply too.
    expect(focus.locator(".post-counts")).to_contain_text("3 replies")
    expect(focus.locator(".post-counts")).to_contain_text("0 likes")
    # The thread: what it answers above, the replies below, a reply to a reply nested deeper.
    expect(page.locator(".thread-above .post-card")).to_contain_text("Where did you go this weekend?")
    # A public reply to the hidden one hangs from the post itself.
    expect(page.locator(".reply-depth-1")).to_have_count(3)
    expect(page.locator(".reply-depth-1").nth(2)).to_contain_text("said in public under it")
    expect(page.locator(".reply-depth-2")).to_contain_text("Agreed, lovely")
    expect(page.locator(".replies")).not_to_contain_text("for my followers only")
    assert page.locator('link[rel=alternate][type="application/activity+json"]').get_attribute("href") == post.uri

    wide = new_page(width=1440, height=900)
    wide.goto(instance.url(f"/@alice/{post.id}"))
    wide.locator("article.post-focus details.content-warning > summary").first.click()
    screenshot(wide, "post-1440")
    chinese = new_page(width=360, height=780, locale="zh-CN")
    chinese.goto(instance.url(f"/@alice/{post.id}"))
    expect(chinese.locator("#replies-title")).to_have_text("回复")
    expect(chinese.locator(".remote-interaction summary")).to_have_text("从你自己的服务器回复、转发或点赞")

    # The followers-only reply is a 404 for strangers, and shown to its author.
    assert page.goto(instance.url(f"/@alice/{hidden.id}")).status == 404
    sign_in(page, instance, "alice")
    assert page.goto(instance.url(f"/@alice/{hidden.id}")).status == 200
    assert page.dialogs == [] and wide.dialogs == []


def test_like_boost_bookmark_and_reply_from_the_post_page__the_author_sees_them(instance, new_page, tmp_path):
    alice = instance.create_user("alice").actor
    instance.create_user("bob")
    post = _photo_post(instance, alice, tmp_path, "Morning coffee", [("A cup of coffee", ("#f6d365", "#fda085"))])

    bob = new_page()
    sign_in(bob, instance, "bob")
    bob.goto(instance.url(f"/@alice/{post.id}"))
    actions = bob.locator("article.post-focus .post-actions")
    actions.locator("button", has_text="Like").click()
    bob.wait_for_url(instance.url(f"/@alice/{post.id}"))
    expect(actions.locator("button", has_text="Like")).to_have_attribute("aria-pressed", "true")
    actions.locator("button", has_text="Boost").click()
    expect(actions.locator("button", has_text="Boost")).to_have_attribute("aria-pressed", "true")
    actions.locator("button", has_text="Bookmark").click()
    expect(actions.locator("button", has_text="Bookmark")).to_have_attribute("aria-pressed", "true")
    expect(bob.locator("article.post-focus .post-counts")).to_contain_text("1 like")
    expect(bob.locator("article.post-focus .post-counts")).to_contain_text("1 boost")

    actions.locator("a", has_text="Reply").click()
    expect(bob.locator("h1")).to_have_text("Reply")
    # The reply starts with the author's name, so that she hears of it.
    expect(bob.locator("#text")).to_have_value("@alice ")
    bob.fill("#text", "@alice That looks strong!")
    bob.click("form.form button[type=submit]")
    bob.wait_for_url(instance.url("/@bob"))
    bob.goto(instance.url(f"/@alice/{post.id}"))
    expect(bob.locator(".replies .reply-depth-1")).to_contain_text("That looks strong!")

    # Unbookmarking goes back to where the form was.
    bob.locator("article.post-focus .post-actions button", has_text="Bookmark").click()
    bob.wait_for_url(instance.url(f"/@alice/{post.id}"))
    expect(bob.locator("article.post-focus .post-actions button", has_text="Bookmark")).to_have_attribute("aria-pressed", "false")

    # The author sees all of it on her notifications page, newest first, and then it is read.
    author = new_page(width=360, height=780)
    sign_in(author, instance, "alice")
    # On a phone the count shows on the tab bar at the bottom.
    expect(author.locator(".tab-bar .tab-count")).to_have_text("3")
    expect(author.locator(".tab-bar a[href='/notifications']")).to_have_accessible_name("Notifications 3 new")
    author.click(".tab-bar a:has-text('Notifications')")
    author.wait_for_url(instance.url("/notifications"))
    notices = author.locator(".notice")
    expect(notices).to_have_count(3)
    expect(notices.nth(0)).to_contain_text("bob mentioned you")
    expect(notices.nth(0)).to_contain_text("That looks strong!")
    expect(notices.nth(1)).to_contain_text("bob boosted your post")
    expect(notices.nth(2)).to_contain_text("bob liked your post")
    expect(author.locator(".notice-unread")).to_have_count(3)
    screenshot(author, "notifications-360")
    expect(author.locator(".tab-bar .tab-count")).to_have_count(0)
    author.reload()
    expect(author.locator(".notice-unread")).to_have_count(0)
    assert bob.dialogs == [] and author.dialogs == []


def test_follow_request__accepted_from_the_follow_requests_page(instance, new_page):
    alice = instance.create_user("alice").actor
    instance.run(profiles.update_profile(instance.ctx, alice, locked=True))
    instance.create_user("bob")
    instance.create_user("carol")
    for name in ("bob", "carol"):
        visitor = new_page()
        sign_in(visitor, instance, name)
        visitor.goto(instance.url("/@alice"))
        visitor.click(".profile-actions button:has-text('Follow')")
        expect(visitor.locator(".profile-actions button")).to_have_text("Cancel follow request")

    alice = new_page(width=360, height=780)
    sign_in(alice, instance, "alice")
    alice.goto(instance.url("/notifications"))
    expect(alice.locator(".notice").first).to_contain_text("carol asked to follow you")
    alice.locator(".notice").first.locator("a", has_text="Answer").click()
    alice.wait_for_url(instance.url("/follow_requests"))
    requests = alice.locator(".request")
    expect(requests).to_have_count(2)
    screenshot(alice, "follow-requests-360")
    alice.locator(".request", has_text="bob").locator("button", has_text="Accept").click()
    alice.wait_for_url(instance.url("/follow_requests"))
    alice.locator(".request", has_text="carol").locator("button", has_text="Reject").click()
    expect(alice.locator(".request")).to_have_count(0)
    expect(alice.locator(".empty")).to_be_visible()
    alice.goto(instance.url("/@alice"))
    expect(alice.locator(".profile-counts")).to_contain_text("1 follower")
    alice.goto(instance.url("/notifications"))
    expect(alice.locator(".notice").first).to_contain_text("bob followed you")
