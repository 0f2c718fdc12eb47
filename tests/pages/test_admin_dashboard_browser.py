"""The admin dashboard in real headless Chromium: what an admin sees when a remote server is down
and no worker runs (the queues, the failing domain with its last error and next try, the slowest
domains, the warnings, growth and storage), at phone and desktop widths, in English and Chinese; a member gets
the 403 page."""

from playwright.sync_api import expect

from redfed.services.social import posts

from ..federation.test_posts import _connect
from .conftest import screenshot, sign_in, switch_language


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _with_a_server_down(start_instance):
    """ada (admin) and alice on a; bob on b follows alice; then b goes down and alice posts."""
    a, b = start_instance("a"), start_instance("b")
    a.create_user("ada", is_admin=True)
    a.create_user("alice")
    b.create_user("bob")
    _connect(b, a, "bob", "alice")
    b.stop()
    a.run(posts.create_local_post(a.ctx, a.actor("alice"), "is anyone there?"))
    a.drain()  # the delivery to b fails and waits for its next try
    return a, b


def test_dashboard__shows_the_failing_domain_queues_and_warnings(start_instance, new_page):
    a, b = _with_a_server_down(start_instance)
    for width in (360, 1440):
        page = new_page(width=width, height=900)
        sign_in(page, a, "ada")
        page.goto(a.url("/admin"))
        page.get_by_role("link", name="Dashboard").click()
        page.wait_for_url(a.url("/admin/dashboard"))
        expect(page.locator("h1")).to_have_text("Dashboard")

        # The tests drive the queues themselves, so no worker process is running: said first.
        expect(page.locator(".dashboard-warnings")).to_contain_text("No process has run the delivery and inbox workers")
        deliveries = page.locator('.dashboard-queue[data-queue="delivery"]')
        expect(deliveries.locator("td").nth(0)).to_have_text("0")  # nothing due now...
        expect(deliveries.locator("td").nth(1)).to_have_text("1")  # ...one waiting for its retry
        host = page.locator(".dashboard-host", has_text=b.domain)
        expect(host).to_contain_text("1 delivery waiting")
        expect(host.locator(".dashboard-error")).not_to_be_empty()
        expect(host).to_contain_text("Next try")
        # b accepted alice's Accept of bob's follow before it went down: how long that took shows.
        expect(page.locator(".dashboard-slow-host", has_text=b.domain)).to_contain_text("ms per delivery, lately")
        expect(page.locator("#total-users")).to_have_text("2")
        expect(page.locator("#total-posts")).to_have_text("1")
        expect(page.locator("#version")).to_contain_text("redfed")
        assert _no_sideways_scroll(page)
        screenshot(page, f"admin-dashboard-{width}")


def test_dashboard__calm_when_nothing_is_wrong_and_speaks_chinese(start_instance, new_page):
    a = start_instance("a")
    a.create_user("ada", is_admin=True)
    a.run(a.node.heartbeat.beat())  # a worker has just finished a round
    page = new_page(width=360, height=800, locale="zh-CN")
    sign_in(page, a, "ada")
    switch_language(page, "zh_Hans")

    page.goto(a.url("/admin/dashboard"))

    expect(page.locator("h1")).to_have_text("仪表盘")
    expect(page.locator("#warnings-title + .empty")).to_have_text("一切正常，无需处理。")
    expect(page.locator("#failing-title + .empty")).to_have_text("所有远程域名都在正常接收投递。")
    expect(page.locator("#slowest-title + .empty")).to_have_text("还没有投递被接收。")
    assert _no_sideways_scroll(page)
    screenshot(page, "admin-dashboard-zh-360")


def test_dashboard__a_member_gets_the_403_page(start_instance, new_page):
    a = start_instance("a")
    a.create_user("alice")
    page = new_page(width=360, height=780)
    sign_in(page, a, "alice")

    response = page.goto(a.url("/admin/dashboard"))

    assert response.status == 403
    expect(page.locator("main")).to_contain_text("Only admins can see this page.")
