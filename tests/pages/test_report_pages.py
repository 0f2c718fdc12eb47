"""Reporting from the pages and the moderators' queue pages, over plain HTTP with a signed-in
browser: the Report link on posts and profiles, the form and its refusals, and a moderator taking,
noting and resolving a report, all of it in the moderation log."""

import re

import pytest

from redfed.services.moderation import moderating
from redfed.services.social import posts

from .shop_support import create_listing
from .test_forms import Browser

SCRIPT = "<script>alert('x')</script>"


def _token(page_text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_text)[1]


def _signed_in(instance, username) -> Browser:
    browser = Browser()
    assert browser.sign_in(instance, username).status == 303
    return browser


@pytest.fixture
def town(instance):
    """ada moderates; alice reports bob's post."""
    instance.create_user("ada", is_admin=True)
    for name in ("alice", "bob"):
        instance.create_user(name)
    return instance


@pytest.fixture
def bob_post(town):
    return town.run(posts.create_local_post(town.ctx, town.actor("bob"), "buy my pills"))


def _reports(instance):
    return instance.run(moderating.list_reports(instance.ctx, instance.actor("ada"), None, None, 50))


def _send(instance, browser, fields):
    token = _token(browser.open(instance.url("/home")).text)
    return browser.open(instance.url("/report"), [("csrf_token", token), *fields])


def test_post_page__report_link_leads_to_a_form_that_files_the_report(town, bob_post):
    alice = _signed_in(town, "alice")
    page = alice.open(town.url(f"/@bob/{bob_post.id}")).text
    link = f'/report?account={bob_post.actor_id}&amp;post={bob_post.id}'
    assert link in page
    assert "/report?" not in _signed_in(town, "bob").open(town.url(f"/@bob/{bob_post.id}")).text  # not one's own

    form = alice.open(town.url(link.replace("&amp;", "&")))
    assert form.status == 200 and "Report @bob@" in form.text and "buy my pills" in form.text
    assert 'name="forward"' not in form.text  # bob is local: there is no other server to tell

    sent = _send(town, alice, [("account", bob_post.actor_id), ("post", bob_post.id), ("category", "spam"),
                               ("comment", SCRIPT)])
    assert sent.status == 303 and sent.headers["Location"] == "/report/sent"
    assert "the moderators will look at your report" in alice.open(town.url("/report/sent")).text
    [view] = _reports(town)
    assert view.report.category == "spam" and view.report.comment == SCRIPT
    assert [s.post.id for s in view.statuses] == [bob_post.id] and view.reporter.actor.username == "alice"


def test_profile_shop_and_listing_pages__have_a_report_link_for_other_accounts(town):
    bob = town.actor("bob")
    listing, _post = create_listing(town, bob)
    alice = _signed_in(town, "alice")
    for path in ("/@bob", "/@bob/shop"):
        assert f'href="/report?account={bob.id}"' in alice.open(town.url(path)).text
    page = alice.open(town.url(f"/users/bob/listings/{listing.post_id}")).text
    assert f'href="/report?account={bob.id}&amp;post={listing.post_id}"' in page
    assert "/report?" not in _signed_in(town, "bob").open(town.url(f"/users/bob/listings/{listing.post_id}")).text


def test_report_form__refusals_file_nothing(town, bob_post):
    alice = _signed_in(town, "alice")
    too_long = _send(town, alice, [("account", bob_post.actor_id), ("comment", "x" * 1001)])
    assert too_long.status == 422 and "Not sent: comment is too long" in too_long.text
    assert "x" * 1001 in too_long.text  # what was typed is kept
    without_token = alice.open(town.url("/report"), [("account", bob_post.actor_id)])
    assert without_token.status == 403
    assert alice.open(town.url("/report?account=999999")).status == 404
    assert _reports(town) == []


def test_reports_queue__a_moderator_takes_notes_and_resolves(town, bob_post):
    _send(town, _signed_in(town, "alice"), [("account", bob_post.actor_id), ("post", bob_post.id), ("comment", SCRIPT)])
    [view] = _reports(town)
    report = f"/admin/reports/{view.report.id}"
    ada = _signed_in(town, "ada")

    queue = ada.open(town.url("/admin/reports")).text
    assert f'href="{report}"' in queue and SCRIPT not in queue and "&lt;script&gt;" in queue
    shown = ada.open(town.url(report)).text
    assert "buy my pills" in shown and "Reported by @alice@" in shown

    for step in ("assign", "resolve"):
        assert ada.open(town.url(f"{report}/{step}"), {"csrf_token": _token(shown)}).status == 303
    noted = ada.open(town.url(f"{report}/notes"), {"csrf_token": _token(shown), "content": "warned bob"})
    assert noted.status == 303
    shown = ada.open(town.url(report)).text
    assert "warned bob" in shown and "Assigned to @ada@" in shown and "Reopen" in shown

    assert f'href="{report}"' not in ada.open(town.url("/admin/reports")).text
    assert f'href="{report}"' in ada.open(town.url("/admin/reports?state=resolved")).text
    log = ada.open(town.url("/admin/log")).text
    for words in ("ada took report", "ada resolved report", "ada noted on report"):
        assert words in log


def test_report_page__a_moderator_silences_the_account_and_resolves(town, bob_post):
    _send(town, _signed_in(town, "alice"), [("account", bob_post.actor_id), ("post", bob_post.id)])
    [view] = _reports(town)
    ada = _signed_in(town, "ada")
    shown = ada.open(town.url(f"/admin/reports/{view.report.id}")).text
    acted = ada.open(town.url(f"/admin/reports/{view.report.id}/action"),
                     {"csrf_token": _token(shown), "type": "silence", "text": "ads again"})
    assert acted.status == 303
    assert town.actor("bob").silenced_at is not None and _reports(town)[0].report.resolved_at is not None
    assert "took action &#39;silence&#39; on bob@" in ada.open(town.url("/admin/log")).text


def test_reports_queue__members_get_403_and_change_nothing(town, bob_post):
    _send(town, _signed_in(town, "alice"), [("account", bob_post.actor_id)])
    [view] = _reports(town)
    bob = _signed_in(town, "bob")
    for path in ("/admin/reports", f"/admin/reports/{view.report.id}", "/admin/log"):
        assert bob.open(town.url(path)).status == 403
    token = _token(bob.open(town.url("/home")).text)
    for step in ("resolve", "action"):
        posted = bob.open(town.url(f"/admin/reports/{view.report.id}/{step}"), {"csrf_token": token, "type": "silence"})
        assert posted.status == 403
    assert _reports(town)[0].report.resolved_at is None and town.actor("bob").silenced_at is None
