"""The admin pages over plain HTTP: who gets in, CSRF on every form, bad input kept out, and the
account actions. The browser test (test_admin_browser.py) covers what a person sees."""

import re

import pytest

from redfed.services.accounts import accounts, sessions

from ..support import api
from ..support.http import request
from .test_forms import Browser

SCRIPT = "<script>alert('x')</script>"


def _token(page_text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_text)[1]


@pytest.fixture
def ada(instance):
    instance.create_user("ada", is_admin=True)
    browser = Browser()
    assert browser.sign_in(instance, "ada").status == 303
    return browser


def _blocks(instance) -> list[tuple]:
    async def read():
        async with instance.runtime.db.reader.execute(
            "SELECT domain, severity, public_comment, private_comment FROM domain_blocks ORDER BY domain"
        ) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    return instance.run(read())


def _add(instance, browser, **fields):
    token = _token(browser.open(instance.url("/admin/domain_blocks")).text)
    return browser.open(instance.url("/admin/domain_blocks"), {"csrf_token": token, **fields})


def test_admin_pages__signed_out_visitors_are_sent_to_sign_in(instance):
    for path in ("/admin", "/admin/accounts", "/admin/domain_blocks"):
        reply = Browser().open(instance.url(path))
        assert reply.status == 303 and reply.headers["Location"].startswith("/auth/sign_in?next=")


def test_admin_pages__members_get_a_403_page_and_no_admin_link(instance):
    instance.create_user("alice")
    browser = Browser()
    browser.sign_in(instance, "alice")
    for path in ("/admin", "/admin/accounts", "/admin/domain_blocks"):
        reply = browser.open(instance.url(path))
        assert reply.status == 403 and "text/html" in reply.headers["Content-Type"]
        assert "Only admins can see this page." in reply.text
    token = _token(browser.open(instance.url("/home")).text)
    posted = browser.open(instance.url("/admin/domain_blocks"), {"csrf_token": token, "domain": "spam.example"})
    assert posted.status == 403 and _blocks(instance) == []
    assert 'href="/admin"' not in browser.open(instance.url("/home")).text


def test_domain_blocks_page__adds_and_lifts_a_block_after_confirming(instance, ada):
    assert 'href="/admin"' in ada.open(instance.url("/home")).text

    added = _add(instance, ada, domain="Spam.Example", severity="suspend", public_comment="spam", private_comment="")
    assert added.status == 303 and added.headers["Location"] == "/admin/domain_blocks"
    assert _blocks(instance) == [("spam.example", "suspend", "spam", "")]
    listing = ada.open(instance.url("/admin/domain_blocks")).text
    block_id = re.search(r'href="/admin/domain_blocks/(\d+)/remove"', listing)[1]

    confirm = ada.open(instance.url(f"/admin/domain_blocks/{block_id}/remove"))
    assert confirm.status == 200 and "spam.example" in confirm.text
    assert _blocks(instance) != []  # asking is not lifting
    lifted = ada.open(instance.url(f"/admin/domain_blocks/{block_id}/remove"), {"csrf_token": _token(confirm.text)})
    assert lifted.status == 303 and _blocks(instance) == []


def test_domain_blocks_page__refuses_forged_forms(instance, ada):
    forged = ada.open(instance.url("/admin/domain_blocks"), {"csrf_token": "forged", "domain": "spam.example"})
    assert forged.status == 403 and _blocks(instance) == []
    _add(instance, ada, domain="spam.example", severity="suspend")
    block_id = re.search(r'/admin/domain_blocks/(\d+)/remove', ada.open(instance.url("/admin/domain_blocks")).text)[1]
    lifting = ada.open(instance.url(f"/admin/domain_blocks/{block_id}/remove"), {"csrf_token": "forged"})
    assert lifting.status == 403 and len(_blocks(instance)) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"domain": "not a domain", "severity": "suspend"}, "That is not a domain name."),
        ({"domain": "https://spam.example/x", "severity": "suspend"}, "That is not a domain name."),
        ({"domain": "spam.example", "severity": "obliterate"}, "Choose silence or suspend."),
        ({"domain": "spam.example", "severity": "silence", "public_comment": "x" * 1001}, "at most 1000 characters"),
    ],
)
def test_domain_blocks_page__explains_bad_input_and_keeps_what_was_typed(instance, ada, fields, message):
    reply = _add(instance, ada, **fields)
    assert reply.status == 422 and message in reply.text
    assert f'value="{fields["domain"]}"' in reply.text
    assert _blocks(instance) == []


def test_domain_blocks_page__refuses_a_duplicate_and_its_own_domain(instance, ada):
    _add(instance, ada, domain="spam.example", severity="suspend")
    again = _add(instance, ada, domain="SPAM.example", severity="silence")
    assert again.status == 422 and "spam.example is already blocked at least as strictly." in again.text
    own = _add(instance, ada, domain=instance.domain, severity="suspend")
    assert own.status == 422 and "own domain" in own.text
    assert [b[0] for b in _blocks(instance)] == ["spam.example"]


def test_domain_blocks_page__shows_a_script_in_a_reason_as_text(instance, ada):
    _add(instance, ada, domain="spam.example", severity="silence", public_comment=SCRIPT, private_comment=SCRIPT)

    page = ada.open(instance.url("/admin/domain_blocks")).text

    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert _blocks(instance)[0][2] == SCRIPT  # stored as typed, escaped where shown


def test_accounts_page__disables_and_enables_a_local_login(instance, ada):
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    alice = Browser()
    alice.sign_in(instance, "alice")
    alice_id = instance.actor("alice").id
    listing = ada.open(instance.url("/admin/accounts?q=ali&origin=local")).text
    assert "@alice@" in listing and "@ada@" not in listing

    disabled = ada.open(instance.url(f"/admin/accounts/{alice_id}/disable"), {"csrf_token": _token(listing)})

    assert disabled.status == 303
    # Her session and her app's token stop working at once.
    assert alice.open(instance.url("/home")).status == 303
    assert request("GET", instance.url("/api/v1/accounts/verify_credentials"),
                   headers={"Authorization": f"Bearer {token}"}).status == 401
    assert "Disabled" in ada.open(instance.url("/admin/accounts?status=disabled")).text
    ada.open(instance.url(f"/admin/accounts/{alice_id}/enable"), {"csrf_token": _token(listing)})
    assert instance.run(accounts.authenticate(instance.runtime.db, "alice", "correct horse battery")) is not None


def test_accounts_page__refuses_disabling_oneself_and_forged_forms(instance, ada):
    instance.create_user("alice")
    listing = ada.open(instance.url("/admin/accounts")).text
    own = ada.open(instance.url(f"/admin/accounts/{instance.actor('ada').id}/disable"), {"csrf_token": _token(listing)})
    assert own.status == 422 and "You cannot disable your own account." in own.text
    forged = ada.open(instance.url(f"/admin/accounts/{instance.actor('alice').id}/disable"), {"csrf_token": "x"})
    assert forged.status == 403
    assert instance.run(sessions.check_login(instance.runtime.db, "alice", "correct horse battery")) is not None


def test_accounts_page__suspends_a_remote_account(start_instance):
    a, b = start_instance("a"), start_instance("b")
    a.create_user("ada", is_admin=True)
    browser = Browser()
    browser.sign_in(a, "ada")
    bob = a.resolve(b.create_user("bob").actor.uri)
    listing = browser.open(a.url("/admin/accounts?origin=remote")).text
    assert f"@bob@{b.domain}" in listing

    browser.open(a.url(f"/admin/accounts/{bob.id}/suspend"), {"csrf_token": _token(listing)})

    assert a.resolve(bob.uri).suspended_at is not None
    assert "Suspended" in browser.open(a.url("/admin/accounts?status=suspended")).text
    browser.open(a.url(f"/admin/accounts/{bob.id}/unsuspend"), {"csrf_token": _token(listing)})
    assert a.resolve(bob.uri).suspended_at is None


def test_domain_blocks_page__changes_a_block_to_suspend_and_back(instance, ada):
    _add(instance, ada, domain="spam.example", severity="silence", public_comment="noisy")
    listing = ada.open(instance.url("/admin/domain_blocks")).text
    block_id = re.search(r'action="/admin/domain_blocks/(\d+)"', listing)[1]

    changed = ada.open(instance.url(f"/admin/domain_blocks/{block_id}"), {
        "csrf_token": _token(listing), "severity": "suspend", "public_comment": "spam now", "private_comment": "",
    })

    assert changed.status == 303
    assert _blocks(instance) == [("spam.example", "suspend", "spam now", "")]
    assert instance.node.domains.is_suspended("https://spam.example/inbox")
    forged = ada.open(instance.url(f"/admin/domain_blocks/{block_id}"), {"csrf_token": "x", "severity": "silence"})
    assert forged.status == 403 and _blocks(instance)[0][1] == "suspend"
    wrong = ada.open(instance.url(f"/admin/domain_blocks/{block_id}"), {"csrf_token": _token(listing), "severity": "x"})
    assert wrong.status == 422 and "Choose silence or suspend." in wrong.text
