"""The admin pages in real headless Chromium: an admin blocks a domain through the page, at phone
and desktop widths, with no horizontal scrolling; a member gets the 403 page. Screenshots land in
tests/pages/artifacts/."""

from playwright.sync_api import expect

from .conftest import screenshot, sign_in, switch_language


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_admin__blocks_a_domain_through_the_page(instance, new_page):
    instance.create_user("ada", is_admin=True)
    instance.create_user("alice")
    for width in (360, 1440):
        page = new_page(width=width, height=900)
        sign_in(page, instance, "ada")
        page.click(".site-menu > summary")  # the header's menu holds Settings, Admin and Log out
        page.get_by_role("link", name="Admin").click()
        page.wait_for_url(instance.url("/admin/accounts"))
        expect(page.locator("h1")).to_have_text("Accounts")
        assert _no_sideways_scroll(page)
        screenshot(page, f"admin-accounts-{width}")

        page.get_by_role("link", name="Domain blocks").click()
        domain = f"spam{width}.example"
        page.fill("#domain", domain)
        page.locator(".admin-card").get_by_label("Suspend").check()
        page.fill("#public_comment", "<b>Spam</b> and abuse")
        page.fill("#private_comment", "reported three times")
        page.get_by_role("button", name="Block domain").click()

        page.wait_for_url(instance.url("/admin/domain_blocks"))
        row = page.locator(".admin-row", has_text=domain)
        expect(row).to_contain_text("Suspended")
        expect(row).to_contain_text("<b>Spam</b> and abuse")  # shown as text, not markup
        expect(row.locator("b")).to_have_count(0)
        assert _no_sideways_scroll(page)
        screenshot(page, f"admin-domain-blocks-{width}")

    listed = new_page().request.get(instance.url("/api/v1/instance/domain_blocks")).json()
    assert sorted(b["domain"] for b in listed) == ["spam1440.example", "spam360.example"]


def test_admin__lifting_asks_first(instance, new_page):
    instance.create_user("ada", is_admin=True)
    page = new_page(width=360, height=800)
    sign_in(page, instance, "ada")
    page.goto(instance.url("/admin/domain_blocks"))
    page.fill("#domain", "noisy.example")
    page.get_by_role("button", name="Block domain").click()
    page.wait_for_url(instance.url("/admin/domain_blocks"))

    page.get_by_role("link", name="Lift block noisy.example").click()
    expect(page.locator("h1")).to_have_text("Lift the block on noisy.example?")
    screenshot(page, "admin-lift-360")
    page.get_by_role("button", name="Lift block").click()

    page.wait_for_url(instance.url("/admin/domain_blocks"))
    expect(page.locator(".empty")).to_have_text("No domain is blocked.")


def test_admin__a_member_gets_the_403_page(instance, new_page):
    instance.create_user("alice")
    page = new_page(width=360, height=780)
    sign_in(page, instance, "alice")
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)

    response = page.goto(instance.url("/admin/domain_blocks"))

    assert response.status == 403
    expect(page.locator("h1")).to_have_text("403")
    expect(page.locator("main")).to_contain_text("Only admins can see this page.")


def test_admin__pages_speak_chinese(instance, new_page):
    instance.create_user("ada", is_admin=True)
    page = new_page(width=360, height=800, locale="zh-CN")
    sign_in(page, instance, "ada")
    switch_language(page, "zh_Hans")

    page.goto(instance.url("/admin/domain_blocks"))

    expect(page.locator("h1")).to_have_text("域名屏蔽")
    expect(page.get_by_role("button", name="屏蔽", exact=True)).to_be_visible()
    page.click(".site-menu > summary")
    expect(page.locator(".site-menu").get_by_role("link", name="管理")).to_have_attribute("aria-current", "page")
    screenshot(page, "admin-domain-blocks-zh-360")
