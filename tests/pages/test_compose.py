"""Compose around the photos, in real headless Chromium: several photos chosen at once show as
thumbnails straight away, each with its own description; they can be reordered, removed, and one
made the cover (it goes first); a save that fails keeps all of it; without script the same form
stages the photos first and takes positions as numbers. Someone else's upload can never be taken."""

import io

from PIL import Image
from playwright.sync_api import expect

from redfed.services.media import media

from .conftest import photo, screenshot, sign_in
from .shop_support import rows

PHONE = (390, 844)
COLOURS = {"red": ("#ff5f6d", "#ffc371"), "green": ("#a8e063", "#1d976c"), "blue": ("#89f7fe", "#66a6ff")}


def pictures(tmp_path) -> dict:
    return {name: str(photo(tmp_path / f"{name}.jpg", colours, size=(300, 400))) for name, colours in COLOURS.items()}


def posted_photos(instance) -> list[str]:
    return [d for (d,) in rows(instance, "SELECT description FROM media WHERE post_id IS NOT NULL ORDER BY position")]


def descriptions(page) -> list[str]:
    return page.locator(".compose-photo textarea").evaluate_all("fields => fields.map(f => f.value)")


def publish(page) -> None:
    page.click(".compose-form button.button-primary")


def test_photos_show_at_once__reorder_cover_and_descriptions_survive_a_failed_save(instance, new_page, tmp_path):
    instance.create_user("alice")
    page = new_page(*PHONE)
    sign_in(page, instance, "alice")
    page.goto(instance.url("/compose"))
    files = pictures(tmp_path)
    page.set_input_files("#photos", [files["red"], files["green"], files["blue"]])
    thumbs = page.locator(".compose-photo img")
    expect(thumbs).to_have_count(3)
    for n in range(3):
        assert thumbs.nth(n).evaluate("img => img.complete && img.naturalWidth > 0"), "the chosen photo itself"
    for n, name in enumerate(["red", "green", "blue"]):
        page.fill(f"#alt_n{n}", f"A {name} sky")
    # Blue moves up one place, and green is made the cover.
    page.locator(".compose-photo", has=page.locator("#alt_n2")).get_by_role("button", name="Move earlier").click()
    assert descriptions(page) == ["A red sky", "A blue sky", "A green sky"]
    page.locator(".compose-photo", has=page.locator("#alt_n1")).get_by_label("Cover").check()
    page.fill("#text", "x" * 600)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "compose-390")
    publish(page)

    expect(page.locator(".alert")).to_have_text("Your post is too long.")
    kept = page.locator(".compose-photo")
    assert descriptions(page) == ["A green sky", "A red sky", "A blue sky"]
    expect(kept.first.get_by_label("Cover")).to_be_checked()
    assert rows(instance, "SELECT count(*) FROM media WHERE post_id IS NULL") == [(3,)]
    assert rows(instance, "SELECT count(*) FROM posts") == [(0,)]
    # Kept photos move too; the red one goes last.
    kept.nth(1).get_by_role("button", name="Move later").click()
    assert descriptions(page) == ["A green sky", "A blue sky", "A red sky"]
    page.fill("#text", "Three skies #sky")
    publish(page)
    page.wait_for_url(instance.url("/@alice"))
    assert posted_photos(instance) == ["A green sky", "A blue sky", "A red sky"]
    assert rows(instance, "SELECT count(*) FROM media WHERE post_id IS NULL") == [(0,)]
    assert page.dialogs == []


def test_a_chosen_photo__can_be_removed_before_sending(instance, new_page, tmp_path):
    instance.create_user("alice")
    page = new_page(*PHONE)
    sign_in(page, instance, "alice")
    page.goto(instance.url("/compose"))
    files = pictures(tmp_path)
    page.set_input_files("#photos", [files["red"], files["green"]])
    page.fill("#alt_n0", "red")
    page.fill("#alt_n1", "green")
    page.locator(".compose-photo", has=page.locator("#alt_n0")).get_by_role("button", name="Remove").click()
    assert descriptions(page) == ["green"]
    page.fill("#text", "Only the green one")
    publish(page)
    page.wait_for_url(instance.url("/@alice"))
    assert rows(instance, "SELECT description FROM media") == [("green",)]


def test_without_script__photos_are_added_first_then_described_ordered_and_removed(instance, browser, tmp_path):
    instance.create_user("alice")
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]}, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, instance, "alice")
        page.goto(instance.url("/compose"))
        files = pictures(tmp_path)
        page.set_input_files("#photos", [files["red"], files["green"], files["blue"]])
        page.get_by_role("button", name="Add them, then describe and order them").click()
        kept = page.locator(".compose-photo")
        expect(kept).to_have_count(3)
        assert rows(instance, "SELECT count(*) FROM media WHERE post_id IS NULL") == [(3,)]
        for n, name in enumerate(["red", "green", "blue"]):
            kept.nth(n).locator("textarea").fill(f"A {name} sky")
        kept.nth(0).get_by_label("Position").fill("3")
        kept.nth(2).get_by_label("Position").fill("1")
        kept.nth(1).get_by_label("Remove").check()
        page.fill("#text", "Two skies")
        publish(page)
        page.wait_for_url(instance.url("/@alice"))
    finally:
        context.close()
    assert posted_photos(instance) == ["A blue sky", "A red sky"]
    assert rows(instance, "SELECT count(*) FROM media") == [(2,)], "the removed upload is deleted"


def test_someone_elses_upload__cannot_be_taken(instance, new_page):
    instance.create_user("alice")
    bob = instance.create_user("bob").actor
    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), (10, 200, 10)).save(buffer, "PNG")
    buffer.seek(0)
    theirs = instance.run(media.upload(instance.ctx, bob, buffer, description="bob's")).media
    page = new_page(*PHONE)
    sign_in(page, instance, "alice")
    page.goto(instance.url("/compose"))
    token = page.locator(".compose-form input[name=csrf_token]").get_attribute("value")
    for fields in ({"media": str(theirs.id)}, {"remove": str(theirs.id)}):
        reply = page.request.post(instance.url("/compose"), multipart={"csrf_token": token, "text": "mine now", **fields},
                                  max_redirects=0)
        assert reply.status == 404
    assert rows(instance, "SELECT owner_id, post_id, description FROM media") == [(bob.id, None, "bob's")]
    assert rows(instance, "SELECT count(*) FROM posts") == [(0,)]


def test_more_photos_than_the_instance_allows__are_refused_and_the_form_kept(start_instance, new_page, tmp_path):
    instance = start_instance("a", media={"max_attachments": 2})
    instance.create_user("alice")
    page = new_page(*PHONE)
    sign_in(page, instance, "alice")
    page.goto(instance.url("/compose"))
    files = pictures(tmp_path)
    page.set_input_files("#photos", list(files.values()))
    page.fill("#text", "三张天空")
    publish(page)
    expect(page.locator(".alert")).to_have_text("A post can have at most 2 photos.")
    expect(page.locator("#text")).to_have_value("三张天空")
    assert rows(instance, "SELECT count(*) FROM media") == [(0,)]
