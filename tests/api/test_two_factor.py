"""Two-factor sign-in with an authenticator app, over real HTTP: set up in settings and turned on
by a first code; then asked for after the password at the web sign-in and at the OAuth sign-in
page, each code good once, each recovery code good once, failures limited; the password grant
refused with a clear error; turning it off needs the password."""

import re

import pyotp

from .test_oauth import (
    CALLBACK, PASSWORD, Browser, authorize_url, client_for, decide, hidden_fields, register, token_request,
)

RECOVERY_CODE = re.compile(r"<code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code>")


def _rows(instance, sql: str) -> list[tuple]:
    async def read():
        async with instance.runtime.db.reader.execute(sql) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    return instance.run(read())


def _sign_in(instance, browser: Browser, password: str = PASSWORD, username: str = "alice"):
    form = browser.open(instance.url("/auth/sign_in"))
    fields = {**hidden_fields(form), "username": username, "password": password}
    return browser.open(instance.url("/auth/sign_in"), fields)


def _second_step(instance, browser: Browser, step, code: str):
    return browser.open(instance.url("/auth/sign_in/two_factor"), {**hidden_fields(step), "code": code})


def _send(instance, browser: Browser, path: str, fields: dict | None = None):
    """A settings form, with the session's token from the two-factor page."""
    page = browser.open(instance.url("/settings/two_factor"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    return browser.open(instance.url(path), {"csrf_token": token, **(fields or {})})


def _code(instance, key: str, steps: int = 0) -> str:
    return pyotp.TOTP(key).at(instance.clock() + 30 * steps)


def _signed_in(browser: Browser) -> bool:
    return any(cookie.name == "redfed_session" for cookie in browser.cookies)


def _turn_on(instance, owner: Browser) -> tuple[str, list[str]]:
    """Set up the app's secret and confirm it; (the secret, the recovery codes shown)."""
    assert _send(instance, owner, "/settings/two_factor/totp/setup").status == 303
    key = re.search(r'class="totp-secret">([A-Z2-7]+)<', owner.open(instance.url("/settings/two_factor")).text)[1]
    shown = _send(instance, owner, "/settings/two_factor/totp/confirm", {"code": _code(instance, key)})
    assert shown.status == 200, shown.text
    return key, RECOVERY_CODE.findall(shown.text)


def test_totp__turned_on_by_a_first_code__then_each_code_and_recovery_code_signs_in_once(instance, clock):
    instance.create_user("alice")
    client_id, secret = register(instance, scopes=["read"])
    owner = Browser()
    assert _sign_in(instance, owner).status == 303
    assert "Set up an authenticator app" in owner.open(instance.url("/settings/two_factor")).text

    # Set up: a secret shown as text and as a QR code, stored sealed, off until a first code.
    assert _send(instance, owner, "/settings/two_factor/totp/setup").status == 303
    setup = owner.open(instance.url("/settings/two_factor")).text
    key = re.search(r'class="totp-secret">([A-Z2-7]+)<', setup)[1]
    assert 'src="data:image/svg+xml;base64,' in setup
    [(sealed, confirmed_at)] = _rows(instance, "SELECT sealed_secret, confirmed_at FROM user_totp")
    assert key not in sealed and confirmed_at is None
    assert _sign_in(instance, Browser()).status == 303  # not on yet: the password alone still does
    wrong = _send(instance, owner, "/settings/two_factor/totp/confirm", {"code": _code(instance, key, steps=5)})
    assert wrong.status == 422 and "That code is not right" in wrong.text
    first_code = _code(instance, key)
    shown = _send(instance, owner, "/settings/two_factor/totp/confirm", {"code": first_code})
    recovery = RECOVERY_CODE.findall(shown.text)
    assert shown.status == 200 and len(set(recovery)) == 10
    stored = {row[0] for row in _rows(instance, "SELECT code_hash FROM recovery_codes")}
    assert len(stored) == 10 and not stored & set(recovery)
    assert not RECOVERY_CODE.search(owner.open(instance.url("/settings/two_factor")).text)  # shown once

    # The password grant cannot ask for a code: refused, saying why only to whoever knows the password.
    refused = token_request(instance, client_id, secret, "password", username="alice", password=PASSWORD, scope="read")
    assert refused.status == 400 and refused.json()["error"] == "invalid_grant"
    assert "two-factor" in refused.json()["error_description"]
    guessed = token_request(instance, client_id, secret, "password", username="alice", password="wrong", scope="read")
    assert guessed.status == 400 and "two-factor" not in guessed.json()["error_description"]

    # A new browser: the password leads to the second step, not to a session.
    laptop = Browser()
    step = _sign_in(instance, laptop)
    assert step.status == 200 and 'name="code"' in step.text and not _signed_in(laptop)
    assert laptop.open(instance.url("/home")).status == 303
    replayed = _second_step(instance, laptop, step, first_code)  # the code that turned it on
    assert replayed.status == 401 and "used already" in replayed.text and not _signed_in(laptop)
    assert _second_step(instance, laptop, step, "123456" if first_code != "123456" else "654321").status == 401
    clock.advance(30)
    next_code = _code(instance, key)
    done = _second_step(instance, laptop, step, next_code)
    assert done.status == 303 and done.headers["Location"] == "/home"
    assert laptop.open(instance.url("/home")).status == 200

    # The same code from another browser in the same window: refused. A recovery code: once.
    phone = Browser()
    step = _sign_in(instance, phone)
    assert _second_step(instance, phone, step, next_code).status == 401
    assert _second_step(instance, phone, step, recovery[0].upper().replace("-", " ")).status == 303
    tablet = Browser()
    assert _second_step(instance, tablet, _sign_in(instance, tablet), recovery[0]).status == 401
    assert "Recovery codes left: 9" in owner.open(instance.url("/settings/two_factor")).text

    # Each browser signed in (this one, the one before codes were on, laptop, phone; not the
    # tablet) is on the sessions page, with its time and user agent.
    sessions = owner.open(instance.url("/settings/sessions")).text
    assert sessions.count('class="hint user-agent">Python-urllib/') == 4 and sessions.count("<time") == 8


def test_totp__pending_state_bound_and_short_lived__attempts_limited__oauth_page__off_needs_password(instance, clock):
    instance.create_user("alice")
    client_id, secret = register(instance, scopes=["read"])
    owner = Browser()
    _sign_in(instance, owner)
    key, _recovery = _turn_on(instance, owner)
    clock.advance(30)

    # The pending token works only in the browser it was given to, and only for five minutes.
    laptop, thief = Browser(), Browser()
    step = _sign_in(instance, laptop)
    thief.open(instance.url("/auth/sign_in"))
    stolen = thief.open(instance.url("/auth/sign_in/two_factor"), {**hidden_fields(step), "code": _code(instance, key)})
    assert stolen.status == 403 and not _signed_in(thief)
    clock.advance(301)
    late = _second_step(instance, laptop, step, _code(instance, key))
    assert late.status == 403 and "took too long" in late.text and not _signed_in(laptop)

    # Five wrong codes, then even the right one waits.
    step = _sign_in(instance, laptop)
    for _ in range(5):
        assert _second_step(instance, laptop, step, "000000").status == 401
    blocked = _second_step(instance, laptop, step, _code(instance, key))
    assert blocked.status == 429 and not _signed_in(laptop)
    clock.advance(301)

    # The OAuth sign-in page asks for the code too, before the consent page.
    app_browser = Browser()
    form = app_browser.open(authorize_url(instance, client_id, secret, scopes=["read"]))
    step = app_browser.open(instance.url("/oauth/authorize"), {**hidden_fields(form), "username": "alice", "password": PASSWORD})
    assert step.status == 200 and 'name="code"' in step.text and 'name="decision"' not in step.text
    assert not _signed_in(app_browser)
    wrong = app_browser.open(instance.url("/oauth/authorize"), {**hidden_fields(step), "code": "000000"})
    assert wrong.status == 401 and 'name="decision"' not in wrong.text
    consent = app_browser.open(instance.url("/oauth/authorize"), {**hidden_fields(step), "code": _code(instance, key)})
    redirect = decide(instance, app_browser, consent)
    assert redirect.status == 302 and redirect.headers["Location"].startswith(CALLBACK + "?code=")

    # Turning it off needs the password; then the password alone signs in again, grant included.
    kept = _send(instance, owner, "/settings/two_factor/totp/off", {"password": "not it"})
    assert kept.status == 422 and "That is not your current password." in kept.text
    assert _rows(instance, "SELECT count(*) FROM user_totp") == [(1,)]
    assert _send(instance, owner, "/settings/two_factor/totp/off", {"password": PASSWORD}).status == 303
    assert _rows(instance, "SELECT count(*) FROM user_totp") == _rows(instance, "SELECT count(*) FROM recovery_codes") == [(0,)]
    assert _sign_in(instance, Browser()).status == 303
    mastodon = client_for(instance, client_id, secret)
    mastodon.log_in("alice", PASSWORD, scopes=["read"], allow_http=True)
    assert mastodon.account_verify_credentials()["username"] == "alice"


def test_totp__wrong_codes_limited_per_address_across_accounts(instance):
    """Whoever holds many passwords cannot spread code guesses over the accounts: after twenty
    wrong codes from one address, even another account's right code waits."""
    keys = {}
    for name in ("alice", "bob", "carol", "dave", "erin"):
        instance.create_user(name)
        owner = Browser()
        _sign_in(instance, owner, username=name)
        keys[name], _recovery = _turn_on(instance, owner)
    for name in ("alice", "bob", "carol", "dave"):
        browser = Browser()
        step = _sign_in(instance, browser, username=name)
        for _ in range(5):
            assert _second_step(instance, browser, step, "000000").status == 401
    browser = Browser()
    step = _sign_in(instance, browser, username="erin")
    blocked = _second_step(instance, browser, step, _code(instance, keys["erin"], steps=1))
    assert blocked.status == 429 and not _signed_in(browser)
