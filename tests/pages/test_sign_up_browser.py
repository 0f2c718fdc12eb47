"""Signing up in real headless Chromium, in each registration mode, and the admin's side of
approval and settings. Screenshots at 360 and 1440 px land in tests/pages/artifacts/."""

from playwright.sync_api import expect

from ..support.sign_up import make_invite, set_mode
from .conftest import screenshot, sign_in

PASSWORD = "a long enough passphrase"


def fill_sign_up(page, username: str = "newbie", *, reason: str = "", agree: bool = True, confirm: str = PASSWORD) -> None:
    page.fill("#username", username)
    page.fill("#email", f"{username}@example.com")
    page.fill("#password", PASSWORD)
    page.fill("#password_confirmation", confirm)
    if reason:
        page.fill("#reason", reason)
    if agree:
        page.check("#agreement")
    page.click("form.form button[type=submit]")


def test_open__sign_up_lands_on_home(instance, new_page):
    set_mode(instance, "open", rules=("Be kind to each other", "Credit the makers of what you share"))
    page = new_page(width=360, height=780)
    page.goto(instance.url("/"))
    page.click(".hero-actions a[href='/auth/sign_up']")
    expect(page.locator(".rule-list li")).to_have_count(2)
    screenshot(page, "sign-up-open-360")
    wide = new_page(width=1440, height=900)
    wide.goto(instance.url("/auth/sign_up"))
    screenshot(wide, "sign-up-open-1440")
    # A mistake first: the error sits on its field, and what was typed stays.
    fill_sign_up(page, confirm="not the same at all")
    expect(page.locator("#password_confirmation-error")).to_have_text("The two passwords are not the same.")
    expect(page.locator("#username")).to_have_value("newbie")
    expect(page.locator("#password_confirmation")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "sign-up-errors-360")
    fill_sign_up(page)
    page.wait_for_url(instance.url("/home"))
    expect(page.locator("h1")).to_have_text("Home")
    assert page.dialogs == []


def test_approval__pending_until_the_admin_approves(instance, new_page):
    instance.create_user("boss", is_admin=True, password=PASSWORD)
    set_mode(instance, "approval")
    page = new_page(width=360, height=780)
    page.goto(instance.url("/auth/sign_up"))
    fill_sign_up(page, reason='I make mugs <script>alert("x")</script>')
    expect(page.locator(".notice")).to_contain_text("awaiting approval")
    screenshot(page, "sign-up-pending-360")
    # Signing in is refused with a clear message.
    page.goto(instance.url("/auth/sign_in"))
    page.fill("#username", "newbie")
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")
    expect(page.locator(".alert:visible")).to_contain_text("awaiting approval")

    admin = new_page(width=1440, height=900)
    sign_in(admin, instance, "boss", PASSWORD)
    admin.goto(instance.url("/admin/sign_ups"))
    expect(admin.locator(".sign-up-reason")).to_have_text('I make mugs <script>alert("x")</script>')
    screenshot(admin, "admin-sign-ups-1440")
    admin.click(".sign-up-actions button.button-primary")
    expect(admin.locator(".notice")).to_contain_text("Approved")
    assert admin.dialogs == [] and page.dialogs == []

    sign_in(page, instance, "newbie", PASSWORD)
    expect(page.locator("h1")).to_have_text("Home")


def test_invite__a_code_is_required(instance, new_page):
    set_mode(instance, "invite")
    page = new_page(width=360, height=780)
    page.goto(instance.url("/auth/sign_up"))
    fill_sign_up(page)
    expect(page.locator("#invite_code-error")).to_have_text("Enter your invite code.")
    code = make_invite(instance)
    page.goto(instance.url(f"/auth/sign_up?invite={code}"))
    expect(page.locator("#invite_code")).to_have_value(code)
    screenshot(page, "sign-up-invite-360")
    fill_sign_up(page)
    page.wait_for_url(instance.url("/home"))


def test_closed__the_page_explains(instance, new_page):
    set_mode(instance, "closed", message="Write to hello@example.com for an account.")
    for width in (360, 1440):
        page = new_page(width=width, height=780)
        page.goto(instance.url("/auth/sign_up"))
        expect(page.locator("main")).to_contain_text("Sign-ups are closed")
        expect(page.locator("main")).to_contain_text("Write to hello@example.com")
        expect(page.locator("#username")).to_have_count(0)
        screenshot(page, f"sign-up-closed-{width}")


def test_chinese__the_sign_up_page_is_translated(instance, new_page):
    set_mode(instance, "approval", rules=("友善待人",))
    page = new_page(width=360, height=780, locale="zh-CN")
    page.goto(instance.url("/auth/sign_up"))
    expect(page.locator("label[for=agreement]")).to_have_text("我已阅读并同意服务器规则。")
    expect(page.locator("label[for=reason]")).to_have_text("你为什么想加入？")
    screenshot(page, "sign-up-approval-zh-360")


def test_admin_settings__edit_and_see_them_on_the_landing_page(instance, new_page):
    instance.create_user("boss", is_admin=True, password=PASSWORD)
    admin = new_page(width=360, height=780)
    sign_in(admin, instance, "boss", PASSWORD)
    admin.goto(instance.url("/admin/settings"))
    admin.fill("#name", "Clay & Kiln")
    admin.fill("#description", "Potters share their work here.")
    admin.fill("#about", "Run by two potters in Lisbon.")
    admin.check("#mode-invite")
    admin.fill("#rule-text-1", "Be kind")
    admin.fill("#rule-hint-1", "No insults, no pile-ons")
    admin.click("form.form button[type=submit]")
    expect(admin.locator(".notice")).to_contain_text("Settings saved")
    expect(admin.locator("#mode-invite")).to_be_checked()
    screenshot(admin, "admin-settings-360")
    wide = new_page(width=1440, height=900)
    wide.goto(instance.url("/admin/invites"))  # signed out: sent to sign in
    expect(wide).to_have_url(instance.url("/auth/sign_in?next=%2Fadmin%2Finvites"))
    sign_in(wide, instance, "boss", PASSWORD)
    wide.goto(instance.url("/admin/settings"))
    screenshot(wide, "admin-settings-1440")
    wide.goto(instance.url("/admin/invites"))
    wide.select_option("#max_uses", "5")
    wide.click(".invite-form button[type=submit]")
    expect(wide.locator(".invite-table tbody tr")).to_have_count(1)
    screenshot(wide, "admin-invites-1440")

    visitor = new_page(width=360, height=780)
    visitor.goto(instance.url("/"))
    expect(visitor.locator(".hero h1")).to_have_text("Clay & Kiln")
    expect(visitor.locator(".hero-text")).to_have_text("Potters share their work here.")
    visitor.click(".server-rules summary")
    expect(visitor.locator(".server-rules .rule-text")).to_have_text("Be kind")
    screenshot(visitor, "landing-about-360")
