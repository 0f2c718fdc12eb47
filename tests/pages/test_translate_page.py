"""The Translate button on a post's page, in real headless Chromium: an Indonesian post translated
in place for a Chinese reader, the provider named, the original a click away; who is offered the
button; and a provider that is down, told in the reader's language."""

import pytest
from playwright.sync_api import expect

from redfed.services.social import posts

from ..support.libretranslate import LibreTranslateServer
from .conftest import screenshot, sign_in, switch_language
from .shop_support import create_listing, rows
from .test_layout import overflowing, watch_console


@pytest.fixture
def provider():
    server = LibreTranslateServer().start()
    yield server
    server.stop()


@pytest.fixture
def instance(start_instance, provider):
    return start_instance("a", translation={"provider": "libretranslate", "url": provider.base_url, "timeout_seconds": 1.0})


@pytest.fixture
def indonesian_post(instance):
    putri = instance.create_user("putri").actor
    instance.create_user("wei")
    return instance.run(posts.create_local_post(instance.ctx, putri, "Selamat pagi semua", language="id"))


def test_indonesian_post__is_translated_in_place_for_a_chinese_reader(instance, provider, new_page, indonesian_post):
    page = new_page(width=360, height=780, locale="zh-CN")
    errors = watch_console(page, [])
    sign_in(page, instance, "wei")
    switch_language(page, "zh_Hans")
    page.goto(instance.url(f"/@putri/{indonesian_post.id}"))
    focus = page.locator("article.post-focus")
    expect(focus.locator(".post-content")).to_have_text("Selamat pagi semua")
    focus.get_by_role("button", name="翻译").click()
    expect(focus.locator(".post-content")).to_have_text("大家早上好")
    expect(focus.locator(".post-content")).to_have_attribute("lang", "zh")
    expect(focus.locator(".translation-note")).to_contain_text("由 LibreTranslate 译自印度尼西亚语")
    expect(focus.get_by_role("button", name="翻译")).to_have_count(0)
    assert overflowing(page) is None
    screenshot(page, "translate-zh-phone")
    focus.get_by_role("link", name="显示原文").click()
    expect(focus.locator(".post-content")).to_have_text("Selamat pagi semua")
    assert [r["target"] for r in provider.translations()] == ["zh"]
    assert errors == []


def test_button__is_offered_only_for_another_language_and_to_people_signed_in(instance, new_page, indonesian_post):
    putri = instance.actor("putri")
    chinese = instance.run(posts.create_local_post(instance.ctx, putri, "大家早上好", language="zh"))
    page = new_page(locale="zh-CN")
    page.goto(instance.url(f"/@putri/{indonesian_post.id}"))
    expect(page.locator("article.post-focus .post-content")).to_be_visible()
    expect(page.get_by_role("button", name="翻译")).to_have_count(0)  # signed out
    sign_in(page, instance, "wei")
    switch_language(page, "zh_Hans")
    page.goto(instance.url(f"/@putri/{chinese.id}"))
    expect(page.locator("article.post-focus .post-content")).to_be_visible()
    expect(page.get_by_role("button", name="翻译")).to_have_count(0)  # already in the reader's language


def test_provider_down__is_told_in_the_readers_language_and_nothing_is_shown(instance, provider, new_page, indonesian_post):
    provider.mode = "down"
    page = new_page(locale="zh-CN")
    sign_in(page, instance, "wei")
    switch_language(page, "zh_Hans")
    page.goto(instance.url(f"/@putri/{indonesian_post.id}"))
    page.get_by_role("button", name="翻译").click()
    expect(page.locator("main")).to_contain_text("翻译服务暂时不可用，请稍后再试。")
    provider.mode = "ok"
    page.goto(instance.url(f"/@putri/{indonesian_post.id}?translated=1"))
    expect(page.locator("article.post-focus .post-content")).to_have_text("Selamat pagi semua")


def test_listing_description__is_translated_in_place(instance, provider, new_page):
    putri = instance.create_user("putri").actor
    instance.create_user("wei")
    listing, _post = create_listing(instance, putri, description="Selamat pagi semua")
    page = new_page(locale="zh-CN")
    sign_in(page, instance, "wei")
    switch_language(page, "zh_Hans")
    page.goto(instance.url(listing.proposal_uri.removeprefix(instance.url(""))))
    about = page.locator("section.listing-description")
    expect(about.locator(".post-content")).to_contain_text("Selamat pagi semua")
    about.get_by_role("button", name="翻译").click()
    expect(about.locator(".post-content")).to_contain_text("大家早上好")
    expect(about.locator(".translation-note")).to_contain_text("LibreTranslate")
    assert page.url.endswith("?translated=1#about-title")


def test_compose__picks_the_readers_language_and_can_leave_it_to_detection(instance, new_page):
    instance.create_user("wei")
    page = new_page(width=360, height=780, locale="zh-CN")
    sign_in(page, instance, "wei")
    switch_language(page, "zh_Hans")
    page.goto(instance.url("/compose"))
    expect(page.get_by_label("帖子语言")).to_have_value("zh")
    page.fill("#text", "Selamat pagi semua, apa kabar?")
    page.click(".compose-form button.button-primary")
    page.wait_for_url(instance.url("/@wei"))
    page.goto(instance.url("/compose"))
    page.get_by_label("帖子语言").select_option("")
    page.fill("#text", "Selamat pagi semua, apa kabar?")
    page.click(".compose-form button.button-primary")
    page.wait_for_url(instance.url("/@wei"))
    languages = rows(instance, "SELECT language FROM posts ORDER BY id")
    assert languages == [("zh",), ("id",)]  # as picked; then detected
