"""Bringing the posts of a moved account, in real headless Chromium: alice moved from A to B; on
B's migration page she brings her old posts over with one button per alias, is told in words
when an alias has not moved to her, and follows the job on the import page. The archive import
for a server that is gone is linked from the same place."""

from urllib.parse import urlencode

from playwright.sync_api import expect

from ..support import api
from ..support.http import request
from .conftest import PASSWORD, screenshot, sign_in, switch_language
from .test_forms import Browser


def _call(instance, username, path, **fields):
    headers = {"Authorization": f"Bearer {api.token_for(instance, username)}",
               "Content-Type": "application/x-www-form-urlencoded"}
    return request("POST", instance.url(path), headers=headers, body=urlencode(fields).encode())


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_migration_page__brings_the_old_accounts_posts_and_refuses_an_alias_that_did_not_move(start_instance, new_page):
    a, b = start_instance("a"), start_instance("b")
    old, new, dave = a.create_user("alice").actor, b.create_user("alice").actor, a.create_user("dave").actor
    api.client(a, "alice").status_post("written long ago on A", spoiler_text="old news")
    assert _call(b, "alice", "/api/v1/accounts/alias", acct=dave.uri).status == 200
    assert _call(b, "alice", "/api/v1/accounts/alias", acct=old.uri).status == 200
    assert _call(a, "alice", "/api/v1/accounts/move", acct=new.uri, password=PASSWORD).status == 200
    a.drain()

    phone = new_page(width=360, height=780)
    sign_in(phone, b, "alice")
    phone.goto(b.url("/settings/migration"))
    section = phone.locator(".pull-list li")
    expect(section).to_have_count(2)
    expect(phone.locator("a[href='/settings/import']").first).to_be_visible()
    _fits(phone, 360)
    screenshot(phone, "posts-move-migration-360")

    # Dave never moved to her: refused in words, nothing queued.
    section.filter(has_text=dave.uri).locator("button").click()
    expect(phone.locator(".alert")).to_have_text("That account has not moved to this one. Move it here from its own server first.")

    # Her own old account: the job starts and shows on the import page until it is done.
    phone.locator(".pull-list li").filter(has_text=old.uri).locator("button").click()
    phone.wait_for_url(b.url("/settings/import"))
    job = phone.locator(".import-job").first
    expect(job.locator("h3")).to_have_text("Posts of your old account, from its server")
    expect(job).to_contain_text(f"From {old.uri}")
    for _ in range(50):
        if "Done" in job.locator(".import-state strong").inner_text():
            break
        phone.reload()
    expect(job.locator(".import-state")).to_contain_text("1 imported, 0 failed, of 1")
    _fits(phone, 360)
    screenshot(phone, "posts-move-import-360")

    phone.goto(b.url("/@alice"))
    expect(phone.locator("body")).to_contain_text("old news")


def test_migration_page__in_chinese_on_a_desktop(start_instance, new_page):
    b = start_instance("b")
    b.create_user("alice")
    desk = new_page(width=1440, height=900)
    sign_in(desk, b, "alice")
    desk.goto(b.url("/settings/migration"))
    switch_language(desk, "zh_Hans")
    expect(desk.locator("#bring-posts")).to_have_text("迁入本账号：带上你的嘟文")
    expect(desk.locator(".pull-empty")).to_have_text("还没有别名：请先把旧账号添加为别名。")
    screenshot(desk, "posts-move-migration-1440-zh")


def test_bring_posts_form__refuses_a_forged_token_and_a_visitor_who_is_not_signed_in(start_instance):
    a, b = start_instance("a"), start_instance("b")
    old, new = a.create_user("alice").actor, b.create_user("alice").actor
    assert _call(b, "alice", "/api/v1/accounts/alias", acct=old.uri).status == 200
    assert _call(a, "alice", "/api/v1/accounts/move", acct=new.uri, password=PASSWORD).status == 200

    stranger = Browser().open(b.url("/settings/migration/posts"), {"csrf_token": "x", "acct": old.uri})
    assert (stranger.status, stranger.headers["Location"]) == (303, "/auth/sign_in?next=%2F")
    browser = Browser()
    assert browser.sign_in(b, "alice").status == 303
    forged = browser.open(b.url("/settings/migration/posts"), {"csrf_token": "1.forged", "acct": old.uri})
    assert forged.status == 403
    assert b.run(_jobs(b)) == 0


async def _jobs(instance):
    async with instance.runtime.db.reader.execute("SELECT count(*) FROM imports") as cursor:
        return (await cursor.fetchone())[0]
