"""Every page fits a phone (390x844) and a desktop (1440x900), in English and in Chinese: nothing is
wider than the screen, no script or policy error reaches the console, the header is one line on a
phone with the main places in a bar at the bottom, and the pieces the issue found broken stay
fixed: the three-photo mosaic has no empty cell, profile names stay below their banner, listing
labels never break inside a word, bio hashtags are links, "Sign up" shows only when sign-ups are
open, the site has an icon and a dark theme when the system asks for one, and post times read as ages ("3h") with the exact time on hover. Screenshots land in tests/pages/artifacts/."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from redfed.services.accounts import profiles
from redfed.services.moderation import instance_settings
from redfed.services.social import follows, posts

from .conftest import screenshot, sign_in, switch_language
from .shop_support import create_listing, upload
from .test_accessibility import serious_violations

PHONE, DESKTOP = (390, 844), (1440, 900)
VISITOR_PAGES = ["/", "/explore", "/@alice", "/@alice?tab=media", "{mosaic}", "{gallery}", "/@alice/shop", "{listing}",
                 "/tags/tea", "/search?q=tea", "/about", "/auth/sign_in", "/auth/sign_up"]
SIGNED_IN_PAGES = ["/home", "/compose", "/notifications", "{gallery}", "{listing}", "/settings/profile", "/deals"]


@pytest.fixture
def town(instance) -> dict:
    """alice, a creator with a bio, a five-photo post (a portrait first), a three-photo post, a text
    post and a listing; bob follows her. What the page paths name."""
    alice = instance.create_user("alice").actor
    bob = instance.create_user("bob").actor
    instance.run(profiles.update_profile(instance.ctx, alice, display_name="Alice 爱丽丝 Wonderland-Longname",
                                         bio="Tea lover from Hangzhou #tea #龙井"))
    instance.run(follows.follow(instance.ctx, bob, alice))
    colours = [(200, 60, 60), (60, 160, 90), (50, 90, 200), (230, 180, 40), (120, 60, 160)]
    sizes = [(300, 400), (400, 300), (400, 400), (300, 400), (400, 300)]
    gallery = [upload(instance, alice, colour, f"Photo {n} of the tea field", size=size)
               for n, (colour, size) in enumerate(zip(colours, sizes), start=1)]
    mosaic = [upload(instance, alice, colour, f"Cup {n}", size=(400, 300)) for n, colour in enumerate(colours[:3], start=1)]
    first = instance.run(posts.create_local_post(instance.ctx, alice, "Three cups #tea", media=mosaic))
    second = instance.run(posts.create_local_post(instance.ctx, alice, "A day in the tea fields of Longjing #tea", media=gallery))
    instance.run(posts.create_local_post(instance.ctx, alice, "Just words today, no photos. 今天只有文字。 #tea"))
    listing, _carrier = create_listing(instance, alice, photos=[((90, 90, 200), "A blue bike")])
    return {"mosaic": f"/@alice/{first.id}", "gallery": f"/@alice/{second.id}",
            "listing": listing.proposal_uri.removeprefix(instance.url(""))}


def watch_console(page, errors: list[str]) -> list[str]:
    """Collects into `errors` what the page's scripts and the browser report as errors (CSP refusals too)."""
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def overflowing(page) -> str | None:
    """What sticks out to the right of the screen, if anything."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return null;
        const wide = [...document.querySelectorAll('body *')].find(e => e.getBoundingClientRect().right > width + 1);
        return wide ? wide.outerHTML.slice(0, 200) : 'the page';
    }""")


def survey(page, instance, paths: list[str], names: dict, label: str) -> dict[str, str]:
    found = {}
    for named in paths:
        path = named.format(**names)
        assert page.goto(instance.url(path)).status < 500, path
        if wide := overflowing(page):
            found[path] = wide
        shot = named.strip("/{}").replace("/", "-").replace("?", "-").replace("@", "") or "landing"
        screenshot(page, f"layout-{label}-{shot}")
    return found


@pytest.mark.parametrize("size,locale", [(PHONE, "en-US"), (DESKTOP, "zh-CN"), (PHONE, "zh-CN"), (DESKTOP, "en-US"), (PHONE, "zh-TW")])
def test_every_page__fits_the_screen_without_console_errors(instance, new_page, town, size, locale):
    label = f"{size[0]}-{locale}"
    visitor = new_page(*size, locale=locale)
    errors = watch_console(visitor, [])
    assert survey(visitor, instance, VISITOR_PAGES, town, f"visitor-{label}") == {}
    member = new_page(*size, locale=locale)
    watch_console(member, errors)
    sign_in(member, instance, "bob")
    assert survey(member, instance, SIGNED_IN_PAGES, town, f"bob-{label}") == {}
    assert errors == []


def test_on_a_phone__the_header_is_one_line_and_the_main_places_are_at_the_bottom(instance, new_page, town):
    page = new_page(*PHONE)
    sign_in(page, instance, "bob")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 60, "one row: the name of the site and the menu"
    tabs = page.locator(".tab-bar")
    expect(tabs).to_be_visible()
    box = tabs.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(PHONE[1], abs=1), "the bar sits at the bottom of the screen"
    expect(tabs.locator("a")).to_have_count(5)
    expect(tabs.locator("a[aria-current=page]")).to_have_accessible_name("Home")
    tabs.get_by_role("link", name="Me", exact=True).click()
    page.wait_for_url(instance.url("/@bob"))
    page.locator(".tab-bar").get_by_role("link", name="New post").click()
    page.wait_for_url(instance.url("/compose"))
    # The rest of the navigation and the language switch are in the menu.
    page.locator(".site-menu > summary").click()
    page.locator(".site-menu button[value=zh_Hans]").click()
    expect(page.locator(".tab-bar a").first).to_have_accessible_name("首页")

    desktop = new_page(*DESKTOP)
    sign_in(desktop, instance, "bob")
    expect(desktop.locator(".tab-bar")).to_be_hidden()
    expect(desktop.locator(".site-nav a[href='/explore']")).to_be_visible()


def test_three_photos__fill_their_mosaic_without_an_empty_cell(instance, new_page, town):
    for size in (PHONE, DESKTOP):
        page = new_page(*size)
        sign_in(page, instance, "bob")
        mosaic = page.locator(".post-photos-3").first
        expect(mosaic.locator("img")).to_have_count(3)
        gaps = mosaic.evaluate("""grid => [...grid.querySelectorAll('li')].map(cell => {
            const c = cell.getBoundingClientRect(), p = cell.querySelector('img').getBoundingClientRect();
            return Math.max(Math.abs(c.width - p.width), Math.abs(c.height - p.height));
        })""")
        assert max(gaps) < 2, gaps
        box, first = mosaic.bounding_box(), mosaic.locator("li").first.bounding_box()
        assert first["height"] == pytest.approx(box["height"], abs=1), "the first photo spans both rows"


def test_profile__name_below_the_banner_tabs_visible_bio_tags_linked(instance, new_page, town):
    page = new_page(*PHONE)
    page.goto(instance.url("/@alice"))
    banner = page.locator(".profile-banner").bounding_box()
    name = page.locator(".profile-names h1").bounding_box()
    assert name["y"] >= banner["y"] + banner["height"], "the name is not drawn over the banner"
    tabs = page.locator(".tabs a")
    for n in range(tabs.count()):
        box = tabs.nth(n).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], tabs.nth(n).inner_text()
    expect(page.locator(".profile-bio a.hashtag")).to_have_count(2)
    page.locator(".profile-bio a", has_text="龙井").click()
    page.wait_for_url("**/tags/*")
    expect(page.locator("h1")).to_have_text("#龙井")


def test_listing_labels__never_break_inside_a_word(instance, new_page, town):
    for locale in ("en-US", "zh-CN"):
        page = new_page(*PHONE, locale=locale)
        page.goto(instance.url(town["listing"]))
        labels = page.locator(".listing-facts dt")
        assert labels.count() >= 4
        broken = labels.evaluate_all("""labels => labels.filter(dt => {
            const words = dt.textContent.trim().split(/\\s+/);
            const range = document.createRange();
            return words.some(word => {
                const at = dt.textContent.indexOf(word), node = dt.firstChild;
                range.setStart(node, at); range.setEnd(node, at + word.length);
                return range.getClientRects().length > 1;
            });
        }).map(dt => dt.textContent)""")
        assert broken == []


def set_mode(instance, mode: str) -> None:
    form = instance_settings.SettingsForm("Town", "", "", mode, "", [])
    instance.run(instance_settings.update(instance.runtime.db, form, instance.ctx.now_ms()))


def test_sign_up__offered_only_when_sign_ups_are_open(instance, new_page, town):
    page = new_page(*DESKTOP)
    page.goto(instance.url("/"))
    expect(page.get_by_role("link", name="Sign up")).to_have_count(0)
    set_mode(instance, "invite")
    page.goto(instance.url("/"))
    expect(page.locator(".site-header").get_by_role("link", name="Sign up with an invite")).to_have_count(1)
    expect(page.locator(".site-header").get_by_role("link", name="Sign up", exact=True)).to_have_count(0)
    set_mode(instance, "open")
    page.goto(instance.url("/"))
    expect(page.locator(".site-header").get_by_role("link", name="Sign up")).to_have_count(1)


def test_the_site_has_an_icon(instance, new_page):
    page = new_page(*PHONE)
    page.goto(instance.url("/"))
    href = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(instance.url(href))
    assert response.status == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert page.locator("link[rel=manifest]").count() == 1
    manifest = page.request.get(instance.url(page.locator("link[rel=manifest]").get_attribute("href"))).json()
    assert manifest["name"] and manifest["icons"]


def test_post_times__read_as_ages_for_a_week_then_as_dates_with_the_exact_time_on_hover(instance, new_page, clock):
    alice = instance.create_user("alice").actor
    bob = instance.create_user("bob").actor
    instance.run(follows.follow(instance.ctx, bob, alice))
    instance.run(posts.create_local_post(instance.ctx, alice, "An old one"))
    clock.advance(8 * 24 * 3600)
    instance.run(posts.create_local_post(instance.ctx, alice, "A recent one"))
    clock.advance(3 * 3600 + 60)
    for locale, age in (("en-US", "3h"), ("zh-CN", "3小时")):
        page = new_page(*PHONE, locale=locale)
        sign_in(page, instance, "bob")
        if locale == "zh-CN":
            switch_language(page, "zh_Hans")
        times = page.locator(".post-card .post-time time")
        expect(times.nth(0)).to_have_text(age)
        expect(times.nth(1)).to_have_text(re.compile(r"20\d\d"))
        assert re.search(r"\d{1,2}:\d\d", times.nth(0).get_attribute("title")), "the exact time on hover"


@pytest.mark.parametrize("size", [PHONE, DESKTOP])
def test_dark_theme__follows_the_system_setting_and_passes_the_audit(instance, new_page, town, size):
    axe = Axe()
    visitor = new_page(*size)
    visitor.emulate_media(color_scheme="dark")
    visitor.goto(instance.url("/"))
    assert visitor.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(19, 19, 22)"
    found = {}
    for path in VISITOR_PAGES:
        visitor.goto(instance.url(path.format(**town)))
        if violations := serious_violations(axe, visitor):
            found[path] = violations
    member = new_page(*size)
    member.emulate_media(color_scheme="dark")
    sign_in(member, instance, "bob")
    for path in SIGNED_IN_PAGES:
        member.goto(instance.url(path.format(**town)))
        if violations := serious_violations(axe, member):
            found[path] = violations
    screenshot(member, f"dark-{size[0]}-deals")
    assert found == {}
    light = new_page(*size)
    light.goto(instance.url("/"))
    assert light.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(246, 246, 248)"


def test_empty_pages__say_what_to_do_next(instance, new_page):
    instance.create_user("carol")
    page = new_page(*PHONE)
    sign_in(page, instance, "carol")
    expect(page.locator(".empty")).to_contain_text("Your feed is empty")
    page.locator("main").get_by_role("link", name="Explore").click()
    page.wait_for_url(instance.url("/explore"))
    page.goto(instance.url("/@carol"))
    page.get_by_role("link", name="Share your first photos").click()
    page.wait_for_url(instance.url("/compose"))
