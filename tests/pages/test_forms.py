"""The page forms over plain HTTP (no browser): sign-in with its CSRF pair, throttle and redirect
back, signed-out POSTs, headers, and how a request's language is chosen."""

import re
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from urllib.parse import urlencode

import pytest

from redfed.web import i18n
from redfed.web.pages.common import safe_next

from ..support.http import Reply, get, request

PASSWORD = "correct horse battery"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept, redirects not followed."""

    def __init__(self):
        self.cookies = CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def open(self, url: str, fields: dict | None = None, headers: dict | None = None) -> Reply:
        body = urlencode(fields).encode() if fields is not None else None
        req = urllib.request.Request(url, data=body, method="POST" if fields is not None else "GET", headers=headers or {})
        try:
            with self._opener.open(req, timeout=10) as response:
                return Reply(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.headers, error.read())

    def sign_in_token(self, instance, next_path: str = "/home") -> str:
        page = self.open(instance.url("/auth/sign_in?" + urlencode({"next": next_path})))
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]

    def sign_in(self, instance, username: str, password: str = PASSWORD, next_path: str = "/home") -> Reply:
        token = self.sign_in_token(instance, next_path)
        return self.open(
            instance.url("/auth/sign_in"), {"csrf_token": token, "username": username, "password": password, "next": next_path}
        )


def _count(instance, table: str) -> int:
    async def count():
        async with instance.runtime.db.reader.execute(f"SELECT count(*) FROM {table}") as cursor:
            return (await cursor.fetchone())[0]

    return instance.run(count())


def test_sign_in__sets_a_session_and_goes_back(instance):
    instance.create_user("alice")
    browser = Browser()
    reply = browser.sign_in(instance, "alice", next_path="/@alice?tab=media")
    assert reply.status == 303
    assert reply.headers["Location"] == "/@alice?tab=media"
    cookie = reply.headers["Set-Cookie"]
    assert "redfed_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = browser.open(instance.url("/home"))
    assert home.status == 200 and "private" in home.headers["Cache-Control"]
    assert browser.open(instance.url("/auth/sign_in")).headers["Location"] == "/home"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_sign_in__never_redirects_off_site(instance, target):
    instance.create_user("alice")
    reply = Browser().sign_in(instance, "alice", next_path=target)
    assert reply.status == 303 and reply.headers["Location"] == "/home"


def test_sign_in__needs_the_form_token(instance):
    instance.create_user("alice")
    browser = Browser()
    browser.sign_in_token(instance)
    reply = browser.open(instance.url("/auth/sign_in"), {"csrf_token": "1.forged", "username": "alice", "password": PASSWORD})
    assert reply.status == 403
    assert "redfed_session" not in reply.headers.get("Set-Cookie", "")
    assert _count(instance, "web_sessions") == 0


def test_sign_in__wrong_password_then_throttled(instance):
    instance.create_user("alice")
    browser = Browser()
    for _ in range(5):
        reply = browser.sign_in(instance, "alice", "wrong password")
        assert reply.status == 401
        assert "Invalid username, email or password." in reply.text
        assert 'value="alice"' in reply.text
    assert browser.sign_in(instance, "alice").status == 429
    assert _count(instance, "web_sessions") == 0


def test_sign_out__ends_the_session(instance):
    instance.create_user("alice")
    browser = Browser()
    browser.sign_in(instance, "alice")
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.open(instance.url("/home")).text)[1]
    reply = browser.open(instance.url("/auth/sign_out"), {"csrf_token": token})
    assert reply.status == 303 and reply.headers["Location"] == "/"
    assert _count(instance, "web_sessions") == 0
    assert browser.open(instance.url("/home")).status == 303


@pytest.mark.parametrize("path", ["/compose", "/posts/1/like", "/posts/1/boost", "/@alice/follow", "/auth/sign_out"])
def test_signed_out_posts__go_to_sign_in_and_store_nothing(instance, path):
    instance.create_user("alice")
    before = [_count(instance, t) for t in ("posts", "likes", "follows", "media")]
    reply = request("POST", instance.url(path), headers=FORM, body=urlencode({"text": "hi", "next": "/@alice"}).encode())
    assert reply.status == 303
    assert reply.headers["Location"] == "/auth/sign_in?next=%2F%40alice"
    assert [_count(instance, t) for t in ("posts", "likes", "follows", "media")] == before


@pytest.mark.parametrize("path", ["/home", "/compose?in_reply_to=5"])
def test_signed_out_pages__go_to_sign_in_and_back(instance, path):
    reply = get(instance.url(path))
    assert reply.status == 303
    assert reply.headers["Location"] == "/auth/sign_in?" + urlencode({"next": path})


def test_sign_up__is_closed_with_an_explanation(instance):
    reply = get(instance.url("/auth/sign_up"))
    assert reply.status == 200
    assert "administrator creates accounts" in reply.text


def test_pages__carry_protective_headers(instance):
    reply = get(instance.url("/"))
    # Only the instance's own script files run: nothing inline, nothing from elsewhere.
    assert "script-src 'self';" in reply.headers["Content-Security-Policy"]
    assert "unsafe" not in reply.headers["Content-Security-Policy"]
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert "Accept-Language" in reply.headers["Vary"]


def test_static_stylesheet__is_served(instance):
    reply = get(instance.url("/static/redfed.css"))
    assert reply.status == 200 and b".grid" in reply.body


@pytest.mark.parametrize("header, expected", [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh_Hans"),
    ("zh", "zh_Hans"),
    ("zh-Hans", "zh_Hans"),
    ("en-US,en;q=0.9", "en"),
    ("fr-FR, zh;q=0.5", "zh_Hans"),
    ("en;q=0.2, zh-CN;q=0.8", "zh_Hans"),
    ("zh-TW", "zh_Hant"),
    ("zh-HK,en;q=0.5", "zh_Hant"),
    ("zh-Hant", "zh_Hant"),
    ("zh-Hant-TW", "zh_Hant"),
    ("zh-SG", "zh_Hans"),
    ("de", "en"),
    ("", "en"),
    ("zh;q=0, en", "en"),
    ("zh;q=nonsense", "en"),
])
def test_accept_language__chooses_a_locale(header, expected):
    assert i18n.choose(None, None, header) == expected


def test_locale__user_setting_then_cookie_then_browser():
    assert i18n.choose("zh", "en", "en") == "zh_Hans"
    assert i18n.choose(None, "zh_Hans", "en") == "zh_Hans"
    assert i18n.choose(None, "klingon", "zh-CN") == "zh_Hans"
    assert i18n.choose("en", "zh_Hans", "zh") == "en"
    assert i18n.choose("zh-TW", None, "en") == "zh_Hant"


def test_accept_language__served_in_chinese(instance):
    reply = get(instance.url("/"), {"Accept-Language": "zh-CN,zh;q=0.9"})
    assert '<html lang="zh-Hans">' in reply.text and "最新照片" in reply.text


def test_language_switch__sets_a_cookie_without_an_account(instance):
    reply = request("POST", instance.url("/language"), headers=FORM, body=b"lang=zh_Hans&next=/explore")
    assert reply.status == 303 and reply.headers["Location"] == "/explore"
    assert "lang=zh_Hans" in reply.headers["Set-Cookie"]
    page = get(instance.url("/explore"), {"Cookie": "lang=zh_Hans"})
    assert "<h1 class=\"page-title\">发现</h1>" in page.text


@pytest.mark.parametrize("value, expected", [
    ("/home", "/home"), ("/@a?tab=media", "/@a?tab=media"), ("", "/"), (None, "/"), ("//x.example", "/"),
    ("https://x.example", "/"), ("/\\x.example", "/"), ("/a\r\nSet-Cookie: x=1", "/"),
])
def test_safe_next(value, expected):
    assert safe_next(value) == expected
