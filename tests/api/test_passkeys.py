"""Passkeys over real HTTP with a security key in software (tests/pages has them in Chromium):
registered from the server's options; asked for after the password; each challenge answered once
and only within five minutes, only from this site's origin, only with a signature count that
grew; the password grant refused once a key is registered."""

import json
import re

from ..support.webauthn_key import SoftKey
from .test_oauth import PASSWORD, Browser, hidden_fields, register, token_request
from .test_two_factor import _rows, _send, _sign_in, _signed_in


def _options(instance, browser: Browser, path: str, fields: dict) -> dict:
    reply = browser.open(instance.url(path), fields)
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/json", reply.text
    return json.loads(reply.text)


def _key_step(instance, browser: Browser, step, key: SoftKey, **answer_options):
    """The second step answered with the key, from fresh options."""
    options = _options(instance, browser, "/auth/passkey_options", hidden_fields(step))
    answer = key.get(options, **answer_options)
    return browser.open(instance.url("/auth/sign_in/two_factor"), {**hidden_fields(step), "credential": answer}), answer


def test_passkey__registered__then_each_challenge_signs_once_in_time_from_this_origin(instance, clock):
    instance.create_user("alice")
    client_id, secret = register(instance, scopes=["read"])
    owner, key = Browser(), SoftKey(instance.base_url)
    _sign_in(instance, owner)

    # Registering: the options name this site and the user; an answer for another origin is refused.
    page = owner.open(instance.url("/settings/two_factor")).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    options = _options(instance, owner, "/settings/two_factor/passkeys/options", {"csrf_token": token})
    assert options["rp"]["id"] == "127.0.0.1" and options["user"]["name"] == "alice"
    forged = _send(instance, owner, "/settings/two_factor/passkeys", {"name": "Key", "credential": key.create(options, "https://evil.example")})
    assert forged.status == 422 and _rows(instance, "SELECT count(*) FROM webauthn_credentials") == [(0,)]
    options = _options(instance, owner, "/settings/two_factor/passkeys/options", {"csrf_token": token})
    added = _send(instance, owner, "/settings/two_factor/passkeys", {"name": " Blue  key ", "credential": key.create(options)})
    assert added.status == 303
    assert _rows(instance, "SELECT name, sign_count, transports FROM webauthn_credentials") == [("Blue key", 0, '["usb"]')]

    # The password grant refuses an account with a key, as with codes.
    refused = token_request(instance, client_id, secret, "password", username="alice", password=PASSWORD, scope="read")
    assert refused.status == 400 and "two-factor" in refused.json()["error_description"]

    # The second step: the key's answer signs in; the same answer again does not.
    laptop = Browser()
    step = _sign_in(instance, laptop)
    assert step.status == 200 and 'id="use-security-key"' in step.text and 'name="code"' not in step.text
    done, answer = _key_step(instance, laptop, step, key)
    assert done.status == 303 and _signed_in(laptop)
    phone = Browser()
    step = _sign_in(instance, phone)
    replayed = phone.open(instance.url("/auth/sign_in/two_factor"), {**hidden_fields(step), "credential": answer})
    assert replayed.status == 401 and not _signed_in(phone)

    # From another origin, too late, or with a count that did not grow: refused.
    assert _key_step(instance, phone, step, key, origin="https://evil.example")[0].status == 401
    [(stored,)] = _rows(instance, "SELECT sign_count FROM webauthn_credentials")
    key.sign_count = stored - 1  # its next answer repeats the count the server holds, as a copy's would
    assert _key_step(instance, phone, step, key)[0].status == 401
    options = _options(instance, phone, "/auth/passkey_options", hidden_fields(step))
    clock.advance(301)
    step = _sign_in(instance, phone)
    late = phone.open(instance.url("/auth/sign_in/two_factor"), {**hidden_fields(step), "credential": key.get(options)})
    assert late.status == 401 and not _signed_in(phone)
    assert _key_step(instance, phone, step, key)[0].status == 303
    assert _rows(instance, "SELECT sign_count FROM webauthn_credentials") == [(key.sign_count,)]


def test_passkey_options__a_stranger_cannot_fill_the_challenge_table(instance):
    browser = Browser()
    form = hidden_fields(browser.open(instance.url("/auth/sign_in")))
    for _ in range(30):
        assert browser.open(instance.url("/auth/passkey_options"), form).status == 200
    assert browser.open(instance.url("/auth/passkey_options"), form).status == 429
    assert _rows(instance, "SELECT count(*) FROM webauthn_challenges") == [(30,)]
