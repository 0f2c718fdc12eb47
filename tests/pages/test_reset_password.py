"""The one-time password reset page: a new password once, for an hour, and everyone else signed
out (browser sessions and API tokens)."""

import re

from mastodon.errors import MastodonUnauthorizedError

from redfed.services.accounts import password_resets

from ..support.api import client
from .test_forms import Browser

NEW = "a brand new passphrase"


def _link(instance, username: str = "alice") -> str:
    now = int(instance.clock() * 1000)
    return instance.run(password_resets.create_link(instance.runtime.db, instance.base_url, username, now))


def _reset(browser: Browser, link: str, password: str = NEW, confirmation: str | None = None):
    page = browser.open(link)
    fields = dict(re.findall(r'name="(csrf_token|token)" value="([^"]*)"', page.text))
    fields.update(password=password, password_confirmation=password if confirmation is None else confirmation)
    return browser.open(link.split("?")[0], fields)


def test_reset__sets_the_password_once_and_signs_everyone_out(instance):
    instance.create_user("alice")
    signed_in = Browser()
    assert signed_in.sign_in(instance, "alice").status == 303
    api = client(instance, "alice")
    link = _link(instance)
    page = Browser().open(link)
    assert page.status == 200 and "alice" in page.text and page.headers["Cache-Control"] == "no-store"
    done = _reset(Browser(), link)
    assert done.status == 200 and "Your password is changed" in done.text
    assert signed_in.open(instance.url("/home")).status == 303  # the old session is gone
    try:
        api.account_verify_credentials()
        raise AssertionError("the old token must be revoked")
    except MastodonUnauthorizedError:
        pass
    assert Browser().sign_in(instance, "alice", NEW).status == 303
    assert Browser().sign_in(instance, "alice").status == 401
    # Single use.
    again = Browser().open(link)
    assert again.status == 404 and "invalid, used or expired" in again.text


def test_reset__expires_after_an_hour(instance, clock):
    instance.create_user("alice")
    link = _link(instance)
    browser = Browser()
    fields = dict(re.findall(r'name="(csrf_token|token)" value="([^"]*)"', browser.open(link).text))
    clock.advance(3601)
    assert Browser().open(link).status == 404
    late = browser.open(instance.url("/auth/reset_password"), {**fields, "password": NEW, "password_confirmation": NEW})
    assert late.status == 404 and "invalid, used or expired" in late.text
    assert Browser().sign_in(instance, "alice").status == 303


def test_reset__refuses_bad_input_and_keeps_the_link(instance):
    instance.create_user("alice")
    link = _link(instance)
    assert _reset(Browser(), link, confirmation="different!").status == 422
    assert _reset(Browser(), link, password="short").status == 422
    browser = Browser()
    page = browser.open(link)
    token = re.search(r'name="token" value="([^"]*)"', page.text)[1]
    forged = browser.open(instance.url("/auth/reset_password"), {"csrf_token": "forged", "token": token,
                                                                 "password": NEW, "password_confirmation": NEW})
    assert forged.status == 403
    assert Browser().open(instance.url("/auth/reset_password?token=" + "x" * 5000)).status == 404
    assert Browser().open(instance.url("/auth/reset_password")).status == 404
    assert Browser().sign_in(instance, "alice").status == 303  # the password is unchanged
    assert _reset(Browser(), link).status == 200
