"""The insights dashboard on a phone in real headless Chromium: a hashtag-page visit shows up in
the server-drawn SVG chart and in where readers came from, with no script on the page; the page
says that other servers' views are unknowable; another person cannot open a post's insights."""

from playwright.sync_api import expect

from ..support import api
from ..support.http import get
from ..support.waiting import wait_until
from .conftest import screenshot, sign_in


def test_insights_page__a_hashtag_visit_in_the_chart_on_a_phone(start_instance, new_page):
    instance = start_instance("a", insights={"flush_seconds": 0.2})
    instance.create_user("alice"), instance.create_user("bob")
    status = api.client(instance, "alice").status_post("Night market photos #harbour")
    assert get(instance.url("/tags/harbour"), headers={"User-Agent": "reader-1"}).status == 200
    token = {"Authorization": f"Bearer {api.token_for(instance, 'alice')}"}
    wait_until(lambda: get(instance.url("/api/v1/redfed/insights/account"), token).json()["post_views"]["total"],
               "the flush of the view counts", seconds=5)

    page = new_page(width=390, height=844)
    sign_in(page, instance, "alice")
    page.goto(instance.url("/settings/insights"))
    expect(page.locator(".insights-chart figcaption").first).to_have_text("Views of your posts: 1")
    assert page.locator(".insights-chart").first.locator("rect").count() == 30
    expect(page.locator("main")).to_contain_text("Other servers do not tell us how often")
    assert page.locator("script").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click(f"a[href='/settings/insights/posts/{status['id']}']")
    expect(page.locator(".insights-counts div", has_text="Hashtag pages")).to_contain_text("1")
    screenshot(page, "insights-post-phone")

    other = new_page(width=390, height=844)
    sign_in(other, instance, "bob")
    assert other.goto(instance.url(f"/settings/insights/posts/{status['id']}")).status == 404
