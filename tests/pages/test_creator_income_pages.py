"""Creator income on the pages, in real headless Chromium: the profile's payment links and the
"paid partnership" badge on a post's card and page, in English and Chinese, at 360 and 1440 px."""

import pytest
from playwright.sync_api import expect

from redfed.services.accounts import payment_links
from redfed.services.social import posts

from .conftest import screenshot

LINKS = [{"href": "https://pay.example/alice", "name": "Tip jar"}, {"href": "https://liberapay.example/alice"}]


@pytest.fixture
def creator(instance):
    alice = instance.create_user("alice").actor
    instance.run(payment_links.set_links(instance.ctx, alice, LINKS))
    post = instance.run(posts.create_local_post(instance.ctx, alice, "Grinding beans with the new grinder",
                                                paid_partnership=True))
    return alice, post


@pytest.mark.parametrize("width", [360, 1440])
def test_profile__shows_payment_links_and_the_badge_on_the_card(instance, new_page, creator, width):
    page = new_page(width=width)
    page.goto(instance.url("/@alice"))
    links = page.locator(".payment-links a")
    expect(links).to_have_count(2)
    expect(links.nth(0)).to_have_text("Tip jar")
    expect(links.nth(0)).to_have_attribute("href", "https://pay.example/alice")
    expect(links.nth(0)).to_have_attribute("rel", "payment nofollow noopener noreferrer")
    expect(links.nth(1)).to_have_text("https://liberapay.example/alice")
    expect(page.locator(".payment-links h2")).to_have_text("Support alice")
    expect(page.locator(".tile .paid-partnership")).to_have_text("Paid partnership")
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    links.nth(0).focus()
    screenshot(page, f"profile-payment-links-{width}")


def test_post_page__the_badge_shows_once_and_in_chinese(instance, new_page, creator):
    _, post = creator
    page = new_page(width=360)
    page.goto(post.url)
    expect(page.locator(".paid-partnership:visible")).to_have_count(1)
    expect(page.locator(".paid-partnership:visible")).to_have_text("Paid partnership")
    screenshot(page, "post-paid-partnership-360")
    chinese = new_page(width=1440, locale="zh-CN")
    chinese.goto(post.url)
    expect(chinese.locator(".paid-partnership:visible")).to_have_text("付费合作")
    chinese.goto(instance.url("/@alice"))
    expect(chinese.locator(".payment-links h2")).to_have_text("支持 alice")
    screenshot(chinese, "profile-payment-links-zh-1440")
