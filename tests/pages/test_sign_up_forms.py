"""The sign-up page over plain HTTP, in each registration mode: what is created, what is refused
(with an error on the field and nothing stored), and the admin's approval and invite pages."""

import html
import re
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from ..support.api import client
from ..support.http import Reply, get
from ..support.sign_up import count, make_invite, set_mode
from .test_forms import Browser

PASSWORD = "a long enough passphrase"


def _token(page_text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]*)"', page_text)[1]


def sign_up(browser: Browser, instance, path: str = "/auth/sign_up", **fields):
    page = browser.open(instance.url(path))
    values = {
        "csrf_token": _token(page.text), "username": "newbie", "email": "newbie@example.com", "password": PASSWORD,
        "password_confirmation": PASSWORD, "agreement": "1",
    }
    values.update(fields)
    return browser.open(instance.url("/auth/sign_up"), {k: v for k, v in values.items() if v is not None})


def _users(instance) -> int:
    return count(instance, "users")


def _admin_browser(instance) -> Browser:
    instance.create_user("boss", is_admin=True)
    browser = Browser()
    assert browser.sign_in(instance, "boss").status == 303
    return browser


def _session_token(browser: Browser, instance, path: str) -> str:
    return _token(browser.open(instance.url(path)).text)


# --- open --------------------------------------------------------------------------------------


def test_open__creates_the_account_and_signs_in(instance):
    set_mode(instance, "open", rules=("Be kind", "No spam"))
    browser = Browser()
    page = browser.open(instance.url("/auth/sign_up"))
    assert page.status == 200 and "Be kind" in page.text and "No spam" in page.text
    reply = sign_up(browser, instance)
    assert reply.status == 303 and reply.headers["Location"] == "/home"
    home = browser.open(instance.url("/home"))
    assert home.status == 200 and "@newbie" in home.text
    assert instance.actor("newbie").username == "newbie"


def test_forged_csrf__is_refused_and_stores_nothing(instance):
    set_mode(instance, "open")
    before = _users(instance)
    reply = sign_up(Browser(), instance, csrf_token="forged")
    assert reply.status == 403 and "expired" in reply.text
    # No cookie at all: a cross-site POST.
    fresh = Browser()
    reply = fresh.open(instance.url("/auth/sign_up"), {"csrf_token": "x", "username": "evil", "email": "e@x.io",
                                                       "password": PASSWORD, "password_confirmation": PASSWORD,
                                                       "agreement": "1"})
    assert reply.status == 403
    assert _users(instance) == before


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"username": "bad name!"}, "username", "Use only letters, digits and underscores."),
    ({"username": "admin"}, "username", "This username is reserved."),
    ({"username": "x" * 5000}, "username", "A username has at most 30 characters."),
    ({"username": ""}, "username", "Choose a username."),
    ({"email": "not-an-email"}, "email", "This is not an email address."),
    ({"email": "a@b.c" + "x" * 5000}, "email", "This is not an email address."),
    ({"password": "short", "password_confirmation": "short"}, "password", "Use at least 8 characters."),
    ({"password": "password123", "password_confirmation": "password123"}, "password", "This password is too easy to guess."),
    ({"password": "newbie@example.com", "password_confirmation": "newbie@example.com"}, "password",
     "This password is too easy to guess."),
    ({"password_confirmation": "something else"}, "password_confirmation", "The two passwords are not the same."),
    ({"agreement": None}, "agreement", "Agree to the rules to sign up."),
])
def test_bad_fields__are_shown_on_the_field_and_store_nothing(instance, fields, field, message):
    set_mode(instance, "open")
    before = _users(instance)
    reply = sign_up(Browser(), instance, **fields)
    assert reply.status == 422
    assert f'id="{field}-error">{html.escape(message)}<' in reply.text
    assert f'id="{field}" ' in reply.text and 'aria-invalid="true"' in reply.text
    assert PASSWORD not in reply.text  # passwords are never sent back
    assert _users(instance) == before


def test_taken_username_and_email__are_refused(instance):
    set_mode(instance, "open")
    instance.create_user("alice")
    reply = sign_up(Browser(), instance, username="ALICE")
    assert reply.status == 422 and "This username is already taken." in reply.text
    reply = sign_up(Browser(), instance, email="Alice@example.com")
    assert reply.status == 422 and "This email address is already registered." in reply.text
    assert _users(instance) == 1


def test_attempts__are_throttled_per_address(instance):
    set_mode(instance, "open")
    browser = Browser()
    for _ in range(10):
        assert sign_up(browser, instance, username="bad name").status == 422
    reply = sign_up(browser, instance)
    assert reply.status == 429 and "Too many sign-up attempts" in reply.text
    assert _users(instance) == 0


# --- closed ------------------------------------------------------------------------------------


def test_closed__explains_and_refuses_even_a_forged_post(instance):
    set_mode(instance, "closed", message="Ask Bob for an account.")
    browser = Browser()
    page = browser.open(instance.url("/auth/sign_up"))
    assert page.status == 200 and "Sign-ups are closed" in page.text and "Ask Bob for an account." in page.text
    assert 'name="username"' not in page.text
    # A form copied from when sign-ups were open, with a valid CSRF pair.
    set_mode(instance, "open")
    token = _token(browser.open(instance.url("/auth/sign_up")).text)
    set_mode(instance, "closed")
    reply = browser.open(instance.url("/auth/sign_up"), {
        "csrf_token": token, "username": "sneaky", "email": "s@example.com", "password": PASSWORD,
        "password_confirmation": PASSWORD, "agreement": "1",
    })
    assert reply.status == 403 and "Sign-ups are closed" in reply.text
    assert _users(instance) == 0


def test_default_mode__is_closed(instance):
    page = Browser().open(instance.url("/auth/sign_up"))
    assert "Sign-ups are closed" in page.text


# --- approval ----------------------------------------------------------------------------------


def test_approval__pending_until_an_admin_approves(instance):
    admin = _admin_browser(instance)
    set_mode(instance, "approval")
    browser = Browser()
    assert 'name="reason"' in browser.open(instance.url("/auth/sign_up")).text
    reason = '<script>alert("x")</script> I make pottery'
    reply = sign_up(browser, instance, reason=reason)
    assert reply.status == 200 and "awaiting approval" in reply.text
    assert "redfed_session" not in reply.headers.get("Set-Cookie", "")
    # The pending account cannot sign in, and is told why.
    attempt = Browser().sign_in(instance, "newbie", PASSWORD)
    assert attempt.status == 403 and "awaiting approval" in attempt.text
    # Nobody sees the account yet: no profile, no WebFinger answer.
    webfinger = instance.url(f"/.well-known/webfinger?resource=acct:newbie@{instance.domain}")
    assert Browser().open(instance.url("/@newbie")).status == 404 and get(webfinger).status == 404
    # A wrong password does not reveal that the account is pending.
    attempt = Browser().sign_in(instance, "newbie", "wrong password!")
    assert attempt.status == 401 and "awaiting approval" not in attempt.text
    # The admin is notified and sees the reason, escaped.
    [note] = client(instance, "boss").notifications()
    assert note.type == "admin.sign_up" and note.account.username == "newbie"
    listing = admin.open(instance.url("/admin/sign_ups"))
    assert listing.status == 200 and "@newbie" in listing.text
    assert "&lt;script&gt;alert(" in listing.text and "<script>" not in listing.text
    user_id = re.search(r'/admin/sign_ups/(\d+)/approve', listing.text)[1]
    # Approving needs the admin's CSRF token.
    assert admin.open(instance.url(f"/admin/sign_ups/{user_id}/approve"), {"csrf_token": "forged"}).status == 403
    assert Browser().sign_in(instance, "newbie", PASSWORD).status == 403
    token = _token(listing.text)
    assert admin.open(instance.url(f"/admin/sign_ups/{user_id}/approve"), {"csrf_token": token}).status == 303
    assert Browser().sign_in(instance, "newbie", PASSWORD).status == 303
    assert "@newbie" not in admin.open(instance.url("/admin/sign_ups")).text
    assert Browser().open(instance.url("/@newbie")).status == 200 and get(webfinger).status == 200


def test_approval__rejecting_deletes_the_account(instance):
    admin = _admin_browser(instance)
    set_mode(instance, "approval")
    sign_up(Browser(), instance, reason="spam spam")
    listing = admin.open(instance.url("/admin/sign_ups"))
    user_id = re.search(r'/admin/sign_ups/(\d+)/reject', listing.text)[1]
    assert admin.open(instance.url(f"/admin/sign_ups/{user_id}/reject"), {"csrf_token": _token(listing.text)}).status == 303
    assert count(instance, "actors", "username = 'newbie'") == 0
    assert Browser().sign_in(instance, "newbie", PASSWORD).status == 401
    # The name is free again.
    assert sign_up(Browser(), instance).status == 200


def test_oversized_reason__is_refused(instance):
    set_mode(instance, "approval")
    reply = sign_up(Browser(), instance, reason="x" * 50_000)
    assert reply.status == 422 and "Write at most 1000 characters." in reply.text
    assert _users(instance) == 0


# --- invite ------------------------------------------------------------------------------------


def test_invite__a_valid_code_is_required(instance, clock):
    set_mode(instance, "invite")
    assert sign_up(Browser(), instance).status == 422  # no code
    assert "This invite code is invalid" in sign_up(Browser(), instance, invite_code="nonsense").text
    once = make_invite(instance, max_uses=1)
    reply = sign_up(Browser(), instance, invite_code=once)
    assert reply.status == 303
    used_up = sign_up(Browser(), instance, username="second", email="second@example.com", invite_code=once)
    assert used_up.status == 422 and "used up or expired" in used_up.text
    later = make_invite(instance, max_uses=5, expires_in_s=1800)
    clock.advance(1801)
    expired = sign_up(Browser(), instance, username="third", email="third@example.com", invite_code=later)
    assert expired.status == 422
    assert _users(instance) == 1
    assert count(instance, "invites", f"code = '{once}' AND uses = 1") == 1


def test_invite__link_fills_in_the_code(instance):
    set_mode(instance, "invite")
    code = make_invite(instance)
    browser = Browser()
    page = browser.open(instance.url(f"/auth/sign_up?invite={code}"))
    assert f'name="invite_code" value="{code}"' in page.text
    # A hostile link is escaped, not executed.
    page = browser.open(instance.url('/auth/sign_up?invite="><script>x</script>'))
    assert "<script>x" not in page.text


def test_admin_invites_page__creates_lists_and_revokes(instance):
    admin = _admin_browser(instance)
    set_mode(instance, "invite")
    page = admin.open(instance.url("/admin/invites"))
    assert page.status == 200
    assert admin.open(instance.url("/admin/invites"), {"csrf_token": "forged", "max_uses": "5", "expires_in": "3600"}).status == 403
    created = admin.open(instance.url("/admin/invites"), {"csrf_token": _token(page.text), "max_uses": "5", "expires_in": "3600"})
    assert created.status == 303
    page = admin.open(instance.url("/admin/invites"))
    code = re.search(r"/auth/sign_up\?invite=([\w-]+)", page.text)[1]
    assert "0 / 5" in page.text and "Active" in page.text
    assert sign_up(Browser(), instance, invite_code=code).status == 303
    assert "1 / 5" in admin.open(instance.url("/admin/invites")).text
    invite_id = re.search(r"/admin/invites/(\d+)/revoke", page.text)[1]
    assert admin.open(instance.url(f"/admin/invites/{invite_id}/revoke"), {"csrf_token": _token(page.text)}).status == 303
    assert "Revoked" in admin.open(instance.url("/admin/invites")).text
    assert sign_up(Browser(), instance, username="late", email="late@example.com", invite_code=code).status == 422


# --- admin settings ----------------------------------------------------------------------------


def test_admin_pages__are_for_admins_only(instance):
    for path in ("/admin/settings", "/admin/sign_ups", "/admin/invites"):
        reply = Browser().open(instance.url(path))
        assert reply.status == 303 and reply.headers["Location"].startswith("/auth/sign_in")
    instance.create_user("alice")
    browser = Browser()
    browser.sign_in(instance, "alice")
    for path in ("/admin/settings", "/admin/sign_ups", "/admin/invites"):
        assert browser.open(instance.url(path)).status == 403


def test_admin_settings__show_everywhere(instance):
    admin = _admin_browser(instance)
    page = admin.open(instance.url("/admin/settings"))
    fields = {
        "csrf_token": _token(page.text), "name": "Clay & Kiln", "description": "Potters <b>share</b> here",
        "about": "Run by potters.\n\nBe nice.", "registration_mode": "approval", "sign_up_message": "Tell us what you make",
        "rule_id": ["", "", ""], "rule_position": ["2", "1", "3"], "rule_text": ["Credit makers", "Be kind", ""],
        "rule_hint": ["", "No insults", ""],
    }
    assert admin.open(instance.url("/admin/settings"), {"csrf_token": "forged", **{k: v for k, v in fields.items() if k != "csrf_token"}}).status == 403
    assert _post_lists(admin, instance, "/admin/settings", fields).status == 303
    mastodon = client(instance)
    v1, v2 = mastodon.instance_v1(), mastodon.instance_v2()
    assert v1.title == v2.title == "Clay & Kiln"
    assert v1.short_description == "Potters <b>share</b> here"
    assert v1.registrations is True and v1.approval_required is True and v1.invites_enabled is False
    assert v2.registrations.enabled and v2.registrations.approval_required
    assert v2.registrations.message == "Tell us what you make"
    assert [(r.text, r.hint) for r in mastodon.instance_rules()] == [("Be kind", "No insults"), ("Credit makers", "")]
    landing = Browser().open(instance.url("/")).text
    assert "Clay &amp; Kiln" in landing and "Potters &lt;b&gt;share&lt;/b&gt; here" in landing
    assert "Run by potters." in landing and "Be kind" in landing
    assert get(instance.url("/nodeinfo/2.1")).json()["openRegistrations"] is True
    assert get(instance.url("/nodeinfo/2.1")).json()["metadata"]["nodeName"] == "Clay & Kiln"
    # Invalid input is refused and changes nothing.
    page = admin.open(instance.url("/admin/settings"))
    bad = admin.open(instance.url("/admin/settings"), {"csrf_token": _token(page.text), "name": "", "registration_mode": "open"})
    assert bad.status == 422
    bad = admin.open(instance.url("/admin/settings"), {"csrf_token": _token(page.text), "name": "x" * 101,
                                                       "about": "Typed with care", "registration_mode": "anarchy"})
    assert bad.status == 422 and "Typed with care" in bad.text  # what was typed is kept
    assert client(instance).instance_v1().title == "Clay & Kiln"


def _post_lists(browser: Browser, instance, path: str, fields: dict) -> Reply:
    """A form POST whose fields may repeat (the rules' rows)."""
    body = urlencode(fields, doseq=True).encode()
    req = urllib.request.Request(instance.url(path), data=body, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with browser._opener.open(req, timeout=10) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())


def test_admin_settings__rules_keep_their_ids_when_reordered(instance):
    admin = _admin_browser(instance)
    set_mode(instance, "open", rules=("First", "Second", "Third"))
    before = {rule.text: rule.id for rule in client(instance).instance_rules()}
    page = admin.open(instance.url("/admin/settings"))
    ids = re.findall(r'name="rule_id" value="(\d*)"', page.text)
    texts = re.findall(r'name="rule_text" value="([^"]*)"', page.text)
    assert texts[:3] == ["First", "Second", "Third"]
    fields = {
        "csrf_token": _token(page.text), "name": "Renamed", "description": "", "about": "", "registration_mode": "open",
        "sign_up_message": "", "rule_id": ids, "rule_text": ["First", "", "Third", "", "", ""],
        "rule_hint": [""] * 6, "rule_position": ["3", "2", "1", "4", "5", "6"],
    }
    assert _post_lists(admin, instance, "/admin/settings", fields).status == 303
    after = [(rule.text, rule.id) for rule in client(instance).instance_rules()]
    assert after == [("Third", before["Third"]), ("First", before["First"])]  # Second removed


def test_approval__a_valid_invite_skips_the_wait(instance):
    set_mode(instance, "approval")
    code = make_invite(instance)
    browser = Browser()
    assert f'value="{code}"' in browser.open(instance.url(f"/auth/sign_up?invite={code}")).text
    reply = sign_up(browser, instance, path=f"/auth/sign_up?invite={code}", invite_code=code)
    assert reply.status == 303 and reply.headers["Location"] == "/home"
    refused = sign_up(Browser(), instance, username="other", email="other@example.com", invite_code=code)
    assert refused.status == 422 and "used up or expired" in refused.text
    assert count(instance, "users", "pending = 1") == 0


def test_page__speaks_chinese_and_keeps_its_errors_translated(instance):
    set_mode(instance, "open")
    browser = Browser()
    headers = {"Accept-Language": "zh-CN,zh;q=0.9"}
    page = browser.open(instance.url("/auth/sign_up"), headers=headers)
    assert "我已阅读并同意服务器规则。" in page.text
    fields = {"csrf_token": _token(page.text), "username": "bad name", "email": "x@example.com", "password": PASSWORD,
              "password_confirmation": PASSWORD, "agreement": "1"}
    reply = browser.open(instance.url("/auth/sign_up"), fields, headers=headers)
    assert reply.status == 422 and "只能使用字母、数字和下划线。" in reply.text


def test_admin_settings__a_full_rule_list_still_saves_and_no_more_fits(instance):
    admin = _admin_browser(instance)
    set_mode(instance, "open", rules=tuple(f"Rule {n}" for n in range(50)))
    page = admin.open(instance.url("/admin/settings"))
    fields = {
        "csrf_token": _token(page.text), "name": "Full", "registration_mode": "open",
        "rule_id": re.findall(r'name="rule_id" value="(\d*)"', page.text),
        "rule_text": re.findall(r'name="rule_text" value="([^"]*)"', page.text),
        "rule_hint": [""] * 53, "rule_position": [str(n) for n in range(1, 54)],
    }
    assert len(fields["rule_text"]) == 53  # 50 rules and 3 empty rows for new ones
    assert _post_lists(admin, instance, "/admin/settings", fields).status == 303
    fields["rule_text"] = fields["rule_text"][:50] + ["One too many", "", ""]
    assert _post_lists(admin, instance, "/admin/settings", fields).status == 422
    assert len(client(instance).instance_rules()) == 50


def test_hostile_and_huge_input__is_escaped_or_refused(instance):
    set_mode(instance, "approval")
    reply = sign_up(Browser(), instance, username='"><script>alert(1)</script>', reason="<b>hi</b>")
    assert reply.status == 422
    assert "<script>alert(1)" not in reply.text and "&lt;script&gt;" in reply.text
    assert "&lt;b&gt;hi&lt;/b&gt;" in reply.text
    browser = Browser()
    token = _token(browser.open(instance.url("/auth/sign_up")).text)
    fields = {"csrf_token": token, "username": "big", "email": "big@example.com", "password": PASSWORD,
              "password_confirmation": PASSWORD, "agreement": "1", "reason": "x" * (2 * 1024 * 1024)}
    try:
        assert browser.open(instance.url("/auth/sign_up"), fields).status == 413
    except (urllib.error.URLError, ConnectionError):
        pass  # the server may answer 413 and close before the client has sent the whole body
    assert _users(instance) == 0


def test_about_page__shows_what_the_admin_set(instance):
    set_mode(instance, "invite", rules=("Be kind", "<i>No</i> spam"), name="Clay & Kiln")
    for path in ("/about", "/about/more"):
        page = Browser().open(instance.url(path))
        assert page.status == 200
        assert "Clay &amp; Kiln" in page.text and "Be kind" in page.text and "&lt;i&gt;No&lt;/i&gt; spam" in page.text
        assert "New people join with an invite code." in page.text
