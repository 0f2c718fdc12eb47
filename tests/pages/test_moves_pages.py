"""The aliases and migration settings pages in real headless Chromium, at 360 and 1440 px: alice
lists her old account as an alias on B, then moves from A to B with her password. Screenshots land
in tests/pages/artifacts/."""

from playwright.sync_api import expect

from .conftest import screenshot, sign_in, switch_language


def _fits(page, width: int) -> None:
    """Nothing sticks out sideways on a narrow phone."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_aliases_then_migration__alice_moves_from_a_to_b(start_instance, new_page):
    a, b = start_instance("a"), start_instance("b")
    old, new = a.create_user("alice").actor, b.create_user("alice").actor

    # On B (a phone): name the old account as an alias.
    phone = new_page(width=360, height=780)
    sign_in(phone, b, "alice")
    phone.goto(b.url("/settings/aliases"))
    expect(phone.locator("h1")).to_have_text("Account aliases")
    expect(phone.locator(".empty")).to_have_text("No aliases yet.")
    phone.fill("#alias-acct", f"nobody@{a.domain}")
    phone.click("form[action='/settings/aliases/add'] button")
    expect(phone.locator(".alert")).to_have_text("We could not find that account. Check the address and try again.")
    expect(phone.locator("#alias-acct")).to_have_value(f"nobody@{a.domain}")
    phone.fill("#alias-acct", f"alice@{a.domain}")
    phone.click("form[action='/settings/aliases/add'] button")
    expect(phone.locator(".notice")).to_have_text("The alias was added.")
    expect(phone.locator(".move-list li")).to_have_count(1)
    expect(phone.locator(".move-list li strong")).to_have_text(f"@alice@{a.domain}")
    _fits(phone, 360)
    screenshot(phone, "move-aliases-360")
    assert b.actor("alice").also_known_as == (old.uri,)

    # On A (a desktop): a wrong password first, then the move.
    desk = new_page(width=1440, height=900)
    sign_in(desk, a, "alice")
    desk.goto(a.url("/settings/migration"))
    expect(desk.locator("h1")).to_have_text("Move to another account")
    expect(desk.locator(".move-steps")).to_contain_text(f"@alice@{a.domain}")
    desk.fill("#move-acct", f"alice@{b.domain}")
    desk.fill("#move-password", "not my password")
    desk.click("form[action='/settings/migration'] button")
    expect(desk.locator(".alert")).to_have_text("That password is not correct.")
    assert a.actor("alice").moved_to_uri is None
    desk.fill("#move-password", "correct horse battery")
    desk.click("form[action='/settings/migration'] button")
    expect(desk.locator(".notice")).to_contain_text("Your account has moved.")
    expect(desk.locator(".move-current a")).to_have_text(f"@alice@{b.domain}")
    expect(desk.locator(".move-list li")).to_have_count(1)
    screenshot(desk, "move-migration-1440")
    assert a.actor("alice").moved_to_uri == new.uri

    # Moving again at once is refused, in words; the old profile sends visitors to B.
    desk.fill("#move-acct", f"alice@{b.domain}")
    desk.fill("#move-password", "correct horse battery")
    desk.click("form[action='/settings/migration'] button")
    expect(desk.locator(".alert")).to_have_text("This account has already moved to that account.")
    visitor = new_page(width=360, height=780)
    visitor.goto(a.url("/@alice"))
    assert visitor.url == new.url
    expect(visitor.locator("h1")).to_have_text("alice")

    # The same pages at the other width, and in Chinese.
    phone.goto(b.url("/settings/migration"))
    _fits(phone, 360)
    screenshot(phone, "move-migration-360")
    desk.goto(b.url("/settings/aliases"))
    screenshot(desk, "move-aliases-1440")
    phone.goto(b.url("/settings/aliases"))
    switch_language(phone, "zh_Hans")
    expect(phone.locator("h1")).to_have_text("账号别名")
    expect(phone.locator("form[action='/settings/aliases/add'] button")).to_have_text("添加别名")
    screenshot(phone, "move-aliases-360-zh")


def test_settings_forms__need_a_session_and_its_csrf_token(instance, new_page):
    instance.create_user("alice")
    page = new_page()
    page.goto(instance.url("/settings/migration"))
    assert page.url.startswith(instance.url("/auth/sign_in"))  # signed out: sent to sign in

    sign_in(page, instance, "alice")
    for path, fields in (("/settings/aliases/add", {"acct": "x@example.com"}),
                         ("/settings/migration", {"acct": "x@example.com", "password": "correct horse battery"})):
        forged = page.request.post(instance.url(path), form={**fields, "csrf_token": "forged"}, max_redirects=0)
        assert forged.status == 403
    assert instance.actor("alice").also_known_as == () and instance.actor("alice").moved_to_uri is None

    # Removing an alias that is not there is refused in words.
    page.goto(instance.url("/settings/aliases"))
    token = page.locator("form[action='/settings/aliases/add'] input[name=csrf_token]").get_attribute("value")
    reply = page.request.post(instance.url("/settings/aliases/remove"), form={"acct": "https://x.example/u", "csrf_token": token})
    assert reply.status == 404 and "That account is not an alias." in reply.text()
