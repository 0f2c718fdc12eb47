"""The pages in Traditional Chinese: chosen by a Taiwanese or Hong Kong browser, by the switch
on every page, or by the person's setting; dates in that locale; right-to-left locales mirrored."""

import pytest

from redfed.web import i18n

from ..support.http import get, request

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize("header", ["zh-TW", "zh-HK,zh;q=0.8,en;q=0.5", "zh-Hant-TW"])
def test_taiwanese_and_hong_kong_browsers__read_traditional_chinese(instance, header):
    reply = get(instance.url("/"), {"Accept-Language": header})
    assert '<html lang="zh-Hant">' in reply.text and "最新照片" in reply.text
    assert "由 redfed 驅動" in reply.text


def test_language_switch__offers_traditional_chinese_on_every_page(instance):
    for path in ("/", "/explore", "/auth/sign_in"):
        page = get(instance.url(path)).text
        assert 'value="zh_Hant" lang="zh-Hant"' in page and "繁體中文" in page, path
    chosen = request("POST", instance.url("/language"), headers=FORM, body=b"lang=zh_Hant&next=/explore")
    assert "lang=zh_Hant" in chosen.headers["Set-Cookie"]
    page = get(instance.url("/explore"), {"Cookie": "lang=zh_Hant"}).text
    assert '<html lang="zh-Hant">' in page


def test_users_setting__is_stored_as_a_language_code_and_read_back():
    assert i18n.stored_value("zh_Hant") == "zh-TW"
    assert i18n.choose("zh-TW", "en", "en") == "zh_Hant"


def test_plurals_and_dates__follow_the_locale():
    assert i18n.translations("zh_Hant").ngettext("%(num)d post", "%(num)d posts", 2) == "%(num)d 則貼文"
    # 2024-03-05 12:00 UTC (a template passes its context; here a dict stands in for it).
    assert i18n.short_date({"locale": "zh_Hant"}, 1709640000000) == "2024年3月5日 中午12:00:00"


def test_right_to_left_locales__are_mirrored():
    assert i18n.direction("ar") == "rtl"
    assert i18n.direction("zh_Hant") == i18n.direction("en") == "ltr"
