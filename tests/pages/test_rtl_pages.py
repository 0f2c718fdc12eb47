"""The pages in Arabic at a phone's width are mirrored: <html dir="rtl">, the site's name and the
first place of the navigation at the right edge, nothing wider than the screen on either side, and
no console error; the Japanese pages fit a phone too. Screenshots land in tests/pages/artifacts/."""

import pytest
from playwright.sync_api import expect

from .conftest import screenshot, sign_in, switch_language
from .test_layout import PHONE, survey, town, watch_console  # noqa: F401 (town is a fixture)
from .test_layout import SIGNED_IN_PAGES as MEMBER_PAGES
from .test_layout import VISITOR_PAGES as ALL_PAGES

VISITOR_PAGES = ["/", "/explore", "/@alice", "{gallery}", "{listing}", "/about", "/auth/sign_in", "/auth/sign_up"]
SIGNED_IN_PAGES = ["/home", "/compose", "/notifications", "{gallery}", "/settings/profile", "/deals"]


def sticking_out(page) -> str | None:
    """What is wider than the screen, to the left or to the right (a mirrored page overflows leftwards)."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return null;
        const wide = [...document.querySelectorAll('body *')].find(e => {
            const box = e.getBoundingClientRect();
            return box.width > 0 && (box.left < -1 || box.right > width + 1);
        });
        return wide ? wide.outerHTML.slice(0, 200) : 'the page';
    }""")


def mirrored(page, instance, paths: list[str], names: dict, label: str) -> dict[str, str]:
    """Visits each page; what is wrong with any, by path."""
    wrong = {}
    for named in paths:
        path = named.format(**names)
        assert page.goto(instance.url(path)).status < 500, path
        html = page.locator("html")
        if html.get_attribute("dir") != "rtl" or html.get_attribute("lang") != "ar":
            wrong[path] = f"dir={html.get_attribute('dir')} lang={html.get_attribute('lang')}"
            continue
        brand = page.locator(".brand").bounding_box()
        if brand["x"] + brand["width"] < PHONE[0] - 24:
            wrong[path] = f"the site's name is not at the right edge: {brand}"
        elif wide := sticking_out(page):
            wrong[path] = wide
        screenshot(page, f"rtl-{label}-" + (named.strip("/{}").replace("/", "-").replace("@", "") or "landing"))
    return wrong


def test_arabic_pages__are_mirrored_and_fit_a_phone(instance, new_page, town):  # noqa: F811
    visitor = new_page(*PHONE, locale="ar")
    errors = watch_console(visitor, [])
    assert mirrored(visitor, instance, VISITOR_PAGES, town, "visitor") == {}

    member = new_page(*PHONE, locale="ar")
    watch_console(member, errors)
    sign_in(member, instance, "bob")
    switch_language(member, "ar")  # bob's setting says English, which outranks the browser
    expect(member.locator("html")).to_have_attribute("dir", "rtl")
    assert mirrored(member, instance, SIGNED_IN_PAGES, town, "bob") == {}
    assert errors == []

    # The navigation reads from the right: its first place (Home) is at the right edge of the tab bar.
    member.goto(instance.url("/home"))
    tabs = member.locator(".tab-bar a")
    expect(tabs.first).to_have_accessible_name("الرئيسية")
    first, last = tabs.first.bounding_box(), tabs.last.bounding_box()
    assert first["x"] + first["width"] == pytest.approx(PHONE[0], abs=8)
    assert last["x"] < first["x"]
    # The menu opens towards the inside of the screen, from the right-hand side.
    member.locator(".site-menu > summary").click()
    panel = member.locator(".site-menu-panel").bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= PHONE[0]
    assert member.locator(".site-menu-panel .lang-button[value=ar]").get_attribute("aria-pressed") == "true"


def test_japanese_pages__fit_a_phone_without_console_errors(instance, new_page, town):  # noqa: F811
    visitor = new_page(*PHONE, locale="ja")
    errors = watch_console(visitor, [])
    visitor.goto(instance.url("/"))
    expect(visitor.locator("html")).to_have_attribute("lang", "ja")
    assert survey(visitor, instance, ALL_PAGES, town, "visitor-ja") == {}
    member = new_page(*PHONE, locale="ja")
    watch_console(member, errors)
    sign_in(member, instance, "bob")
    switch_language(member, "ja")
    expect(member.locator(".tab-bar a").first).to_have_accessible_name("ホーム")
    assert survey(member, instance, MEMBER_PAGES, town, "bob-ja") == {}
    assert errors == []
