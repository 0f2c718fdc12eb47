"""The settings pages in real headless Chromium: editing the profile (seen on the profile page,
through Mastodon.py and on a follower's server), changing the password, revoking an app, taking an
archive away, and hostile input. Screenshots at 360 and 1440 px land in tests/pages/artifacts/."""

import re
import zipfile

import pytest
from mastodon import MastodonUnauthorizedError
from playwright.sync_api import expect

from ..federation.test_posts import _connect, _settle
from ..support import api
from .conftest import PASSWORD, photo, screenshot, sign_in


def test_edit_profile__avatar_and_a_field_show_on_the_profile_via_the_api_and_on_followers_servers(
    start_instance, new_page, tmp_path,
):
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob")
    _connect(b, a, follower_name="bob", followee_name="alice")  # bob@b follows alice@a
    page = new_page()
    sign_in(page, a, "alice")
    page.click(".site-menu > summary")
    page.click(".site-menu >> text=Settings")
    expect(page).to_have_url(a.url("/settings/profile"))
    expect(page.locator(".settings-nav a[aria-current=page]")).to_have_text("Profile")

    page.fill("#display_name", "Alice Andrews")
    page.fill("#bio", "Photos of #bikes and bread")
    page.set_input_files("#avatar", str(photo(tmp_path / "me.jpg", ("#ffb199", "#ff0844"), size=(400, 400))))
    page.fill("#field_name0", "Website")
    page.fill("#field_value0", "https://example.com/alice")
    page.check("#locked")
    page.click("form.settings-form button[type=submit]")

    expect(page).to_have_url(a.url("/settings/profile?saved=1"))
    expect(page.locator(".notice")).to_contain_text("Your profile was saved")
    expect(page.locator("#display_name")).to_have_value("Alice Andrews")
    expect(page.locator("#field_value0")).to_have_value("https://example.com/alice")
    expect(page.locator("#locked")).to_be_checked()

    page.click("text=See your profile")
    expect(page.locator("h1.p-name")).to_have_text("Alice Andrews")
    expect(page.locator(".profile-fields dt")).to_have_text("Website")
    expect(page.locator(".profile-fields dd a")).to_have_attribute("href", "https://example.com/alice")
    avatar = page.locator("img.profile-avatar")
    avatar_url = avatar.get_attribute("src")
    assert "/media/" in avatar_url
    assert avatar.evaluate("img => img.complete && img.naturalWidth > 0")
    page.click(".profile-actions >> text=Edit profile")
    expect(page).to_have_url(a.url("/settings/profile"))

    me = api.client(a, "alice").account_verify_credentials()
    assert me.display_name == "Alice Andrews" and me.locked is True
    assert [(f.name, "https://example.com/alice" in f.value) for f in me.fields] == [("Website", True)]
    assert me.avatar == avatar_url

    _settle(a, b)  # the edit federates as an Update, as one made through the API does
    seen = b.resolve(a.actor("alice").uri)
    assert seen.display_name == "Alice Andrews" and seen.icon_url == me.avatar
    assert [f.name for f in seen.fields] == ["Website"] and seen.manually_approves_followers


def test_change_password__the_other_session_and_app_tokens_end__this_one_stays(instance, new_page):
    instance.create_user("alice")
    laptop, phone = new_page(), new_page()
    sign_in(laptop, instance, "alice")
    sign_in(phone, instance, "alice")
    app = api.client(instance, "alice")

    laptop.goto(instance.url("/settings/password"))
    laptop.fill("#current_password", PASSWORD)
    laptop.fill("#new_password", "a much better passphrase")
    laptop.fill("#confirm_password", "a much better passphrase")
    laptop.click("form.settings-form button[type=submit]")
    expect(laptop.locator(".notice")).to_contain_text("Your password was changed")

    laptop.goto(instance.url("/home"))
    expect(laptop).to_have_url(instance.url("/home"))
    phone.goto(instance.url("/home"))
    expect(phone).to_have_url(instance.url("/auth/sign_in?next=%2Fhome"))
    with pytest.raises(MastodonUnauthorizedError):
        app.account_verify_credentials()
    sign_in(phone, instance, "alice", "a much better passphrase")


def test_sessions_page__lists_both_browsers_and_signs_the_other_out(instance, new_page):
    instance.create_user("alice")
    laptop, phone = new_page(), new_page()
    sign_in(laptop, instance, "alice")
    sign_in(phone, instance, "alice")
    laptop.goto(instance.url("/settings/sessions"))
    items = laptop.locator(".settings-item")
    expect(items).to_have_count(2)
    expect(laptop.locator(".settings-item .badge")).to_have_count(1)
    expect(items.first.locator(".settings-item-title")).to_contain_text("Chrome on Linux")
    expect(items.first.locator(".user-agent")).to_contain_text("HeadlessChrome")
    laptop.locator(".settings-item", has_not=laptop.locator(".badge")).locator("button").click()
    expect(laptop.locator(".notice")).to_have_text("The session was signed out.")
    expect(items).to_have_count(1)
    phone.goto(instance.url("/home"))
    expect(phone).to_have_url(instance.url("/auth/sign_in?next=%2Fhome"))


def test_revoke_an_app__its_token_gets_401(instance, new_page):
    instance.create_user("alice")
    token = api.token_for(instance, "alice", scopes="read write", app_name="Pixel Diary")
    app = api.client(instance, token=token)
    assert app.account_verify_credentials().username == "alice"
    page = new_page()
    sign_in(page, instance, "alice")
    page.goto(instance.url("/settings/apps"))
    row = page.locator(".settings-item", has_text="Pixel Diary")
    expect(row.locator(".scopes")).to_have_text("read, write")
    row.locator("button", has_text="Revoke").click()
    expect(page.locator(".notice")).to_have_text("The app's access was revoked.")
    expect(page.locator(".empty")).to_have_text("No apps have access to your account.")
    with pytest.raises(MastodonUnauthorizedError):
        app.account_verify_credentials()


def test_export__progress_then_download__and_the_csvs(instance, new_page):
    instance.create_user("alice")
    instance.create_user("bob")
    api.client(instance, "alice").account_follow(instance.actor("bob").id)
    page = new_page()
    sign_in(page, instance, "alice")
    page.goto(instance.url("/settings/export"))
    page.click("text=Request an archive")
    # The page refreshes itself (a <meta> refresh, no script) until the archive is ready.
    download_link = page.locator("a", has_text="Download archive")
    expect(download_link).to_be_visible(timeout=30_000)
    expect(page.locator(".export-job")).to_contain_text(re.compile(r"Ready, \d+ KB\. Available until"))
    expect(page.locator(".notice")).to_have_count(0)  # "being prepared" no longer applies
    expect(page.locator("meta[http-equiv=refresh]")).to_have_count(0)
    with page.expect_download() as downloaded:
        download_link.click()
    archive = zipfile.ZipFile(downloaded.value.path())
    assert {"actor.json", "outbox.json", "following_accounts.csv"} <= set(archive.namelist())
    # One archive a week: the button gives way to the date of the next.
    expect(page.locator("button", has_text="Request an archive")).to_have_count(0)
    expect(page.locator(".settings-body")).to_contain_text("You can request your next archive from")

    with page.expect_download() as downloaded:
        page.click("a[href='/settings/export/following.csv']")
    domain = instance.actor("bob").domain
    assert downloaded.value.suggested_filename == "following.csv"
    text = open(downloaded.value.path(), encoding="utf-8").read()
    assert text == f"Account address,Show boosts,Notify on new posts,Languages\nbob@{domain},true,false,\n"
    hrefs = page.locator(".settings-csvs a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for kind in ("following", "followers", "blocks", "mutes", "domain_blocks", "bookmarks", "lists"):
        assert f"/settings/export/{kind}.csv" in hrefs


def test_script_in_display_name_and_fields__shown_escaped_never_run(instance, new_page):
    instance.create_user("mallory")
    page = new_page()
    sign_in(page, instance, "mallory")
    page.goto(instance.url("/settings/profile"))
    hostile = "<script>alert(1)</script>"
    page.fill("#display_name", hostile)
    page.fill("#field_name0", '"><img src=x onerror=alert(2)>')
    page.fill("#field_value0", "<script>alert(3)</script>")
    page.click("form.settings-form button[type=submit]")
    expect(page.locator("#display_name")).to_have_value(hostile)
    expect(page.locator("#field_name0")).to_have_value('"><img src=x onerror=alert(2)>')
    page.goto(instance.url("/@mallory"))
    expect(page.locator("h1.p-name")).to_have_text(hostile)
    expect(page.locator(".profile-fields dt")).to_have_text('"><img src=x onerror=alert(2)>')
    expect(page.locator(".profile-fields img")).to_have_count(0)
    assert page.dialogs == []


def test_oversized_avatar__clear_error_and_nothing_stored(start_instance, new_page, tmp_path):
    instance = start_instance("a", media={"max_image_bytes": 300_000})
    instance.create_user("alice")
    page = new_page()
    sign_in(page, instance, "alice")
    page.goto(instance.url("/settings/profile"))
    page.fill("#display_name", "Not saved")
    page.set_input_files("#avatar", str(photo(tmp_path / "big.png", ("#000", "#fff"), size=(400, 400), noise=True)))
    page.click("form.settings-form button[type=submit]")
    expect(page.locator("#avatar-error")).to_have_text("The picture can be at most 0.2861 MB.")
    expect(page.locator("#avatar")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".alert")).to_contain_text("Nothing was saved")
    assert instance.actor("alice").display_name == ""
    assert instance.run(_count_media(instance)) == 0


async def _count_media(instance):
    async with instance.runtime.db.reader.execute("SELECT count(*) FROM media") as cursor:
        return (await cursor.fetchone())[0]


@pytest.mark.parametrize("width", [360, 1440])
def test_screenshots__settings_pages_fit_the_screen(instance, new_page, width):
    instance.create_user("alice")
    page = new_page(width=width, height=900)
    sign_in(page, instance, "alice")
    for section in ("profile", "preferences", "password", "sessions", "apps", "export"):
        page.goto(instance.url(f"/settings/{section}"))
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, section
        screenshot(page, f"settings-{section}-{width}")
