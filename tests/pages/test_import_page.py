"""The import page in headless Chromium: upload a following CSV, watch the job finish (the page
refreshes itself while it runs, without script) and read the report of the rows that failed;
a file with the wrong header is refused on the page; the form needs its CSRF token."""

from playwright.sync_api import expect

from redfed.store.social import follows as follow_store

from ..imports.archives import hostile_archives, mastodon_archive
from .conftest import screenshot, sign_in, switch_language


def test_upload_a_following_csv__see_progress_and_the_report(instance, new_page, tmp_path):
    alice, bob = instance.create_user("alice").actor, instance.create_user("bob").actor
    csv = tmp_path / "following_accounts.csv"
    csv.write_text("Account address,Show boosts,Notify on new posts,Languages\nbob,true,false,\nnobody,true,false,\n")
    page = new_page(width=360, height=800)
    sign_in(page, instance, "alice")

    page.goto(instance.url("/settings/import"))
    expect(page.locator("h1")).to_have_text("Import")
    expect(page.get_by_text("Nothing imported yet.")).to_be_visible()
    page.select_option("#import-type", "following")
    page.check("#mode-merge")
    page.set_input_files("#import-file", str(csv))
    page.click("form.form button[type=submit]")

    job = page.locator(".import-job").first
    expect(job.locator("h3")).to_have_text("Accounts you follow")
    expect(job.locator(".import-state strong")).to_have_text("Done", timeout=30_000)
    expect(job).to_contain_text("1 imported, 1 failed, of 2")
    row = job.locator(".import-report tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("nobody")
    expect(row).to_contain_text("unknown account")
    screenshot(page, "import-following-360")
    assert instance.run(follow_store.find_follow(instance.runtime.db.reader, alice.id, bob.id)) is not None


def test_upload_an_archive__posts_appear_and_a_hostile_one_is_refused(instance, new_page, tmp_path):
    alice = instance.create_user("alice").actor
    good, bad = tmp_path / "archive.zip", tmp_path / "evil.zip"
    good.write_bytes(mastodon_archive())
    make, _message = hostile_archives()["parent path"]
    bad.write_bytes(make())
    page = new_page()
    sign_in(page, instance, "alice")
    page.goto(instance.url("/settings/import"))
    page.select_option("#import-type", "archive")
    page.set_input_files("#import-file", str(bad))
    page.click("form.form button[type=submit]")
    expect(page.locator(".alert")).to_contain_text("unsafe name")
    expect(page.get_by_text("Nothing imported yet.")).to_be_visible()

    page.select_option("#import-type", "archive")
    page.set_input_files("#import-file", str(good))
    page.click("form.form button[type=submit]")
    job = page.locator(".import-job").first
    expect(job.locator(".import-state strong")).to_have_text("Done", timeout=30_000)
    expect(job).to_contain_text("3 imported, 0 failed, of 3")
    page.goto(instance.url(f"/@{alice.username}"))
    expect(page.locator("img[alt='A red square on white']")).to_have_count(1)


def test_wrong_header__refused_on_the_page_with_nothing_queued(instance, new_page, tmp_path):
    instance.create_user("alice")
    csv = tmp_path / "domains.csv"
    csv.write_text("#domain\nspam.example\n")
    page = new_page(width=1440, height=900)
    sign_in(page, instance, "alice")
    page.goto(instance.url("/settings/import"))
    page.select_option("#import-type", "following")
    page.set_input_files("#import-file", str(csv))
    page.click("form.form button[type=submit]")
    expect(page.locator(".alert")).to_contain_text("Incompatible with the selected import type")
    expect(page.locator("#import-type")).to_have_value("following")
    expect(page.get_by_text("Nothing imported yet.")).to_be_visible()
    screenshot(page, "import-refused-1440")


def test_import_page__in_chinese_and_needs_sign_in_and_csrf(instance, new_page):
    instance.create_user("alice")
    page = new_page()
    page.goto(instance.url("/settings/import"))
    assert "/auth/sign_in" in page.url
    sign_in(page, instance, "alice")
    page.goto(instance.url("/settings/import"))
    switch_language(page, "zh_Hans")
    expect(page.locator("h1")).to_have_text("导入")
    expect(page.locator("label[for=mode-overwrite]")).to_have_text("覆盖：移除文件中未列出的内容")
    reply = page.request.post(instance.url("/settings/import"), multipart={
        "csrf_token": "forged", "type": "blocks", "mode": "merge",
        "data": {"name": "blocks.csv", "mimeType": "text/csv", "buffer": b"bob\n"},
    })
    assert reply.status == 403
