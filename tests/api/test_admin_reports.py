"""The moderators' queue through Mastodon.py's admin calls: list open and resolved reports, show
one with its posts, assign, resolve and reopen, act on the reported account; each step is in the
moderation log; anyone but a moderator gets 403 with an error on every admin route."""

import re

import pytest
from mastodon import MastodonAPIError

from redfed.services.moderation import moderating
from redfed.services.social import posts

from ..support import api
from ..support.http import request

MODERATOR = "read write admin:read admin:write"


@pytest.fixture
def town(instance):
    """ada moderates; alice reported bob and one of his posts."""
    instance.create_user("ada", is_admin=True)
    for name in ("alice", "bob"):
        instance.create_user(name)
    return instance


@pytest.fixture
def ada(town):
    return api.client(town, "ada", scopes=MODERATOR)


@pytest.fixture
def filed(town):
    post = town.run(posts.create_local_post(town.ctx, town.actor("bob"), "buy my pills"))
    return api.client(town, "alice").report(town.actor("bob").id, status_ids=[post.id], comment="pills", category="spam")


def _log(instance) -> list[tuple[str, str]]:
    entries = instance.run(moderating.list_log(instance.ctx, 50))
    return [(e.action, e.summary) for e in reversed(entries)]


def test_admin_reports__lists_and_shows_a_report_with_its_posts(town, ada, filed):
    [listed] = ada.admin_reports()
    assert listed["id"] == filed["id"] and listed["category"] == "spam" and listed["comment"] == "pills"
    assert listed["account"]["username"] == "alice" and listed["account"]["email"] == "alice@example.com"
    assert listed["target_account"]["account"]["username"] == "bob"
    assert [s["content"] for s in listed["statuses"]] == ["<p>buy my pills</p>"]
    assert listed["assigned_account"] is None and listed["action_taken"] is False
    assert ada.admin_report(filed["id"])["id"] == filed["id"]
    assert ada.admin_reports(resolved=True) == []


def test_admin_reports__assign_resolve_reopen_each_logged(town, ada, filed):
    assert ada.admin_report_assign(filed["id"])["assigned_account"]["username"] == "ada"
    assert ada.admin_report_unassign(filed["id"])["assigned_account"] is None
    resolved = ada.admin_report_resolve(filed["id"])
    assert resolved["action_taken"] is True and resolved["action_taken_by_account"]["username"] == "ada"
    assert ada.admin_reports() == [] and [r["id"] for r in ada.admin_reports(resolved=True)] == [filed["id"]]
    assert ada.admin_report_reopen(filed["id"])["action_taken"] is False

    report = filed["id"]
    assert _log(town) == [
        ("assign_report", f"ada took report {report}"),
        ("unassign_report", f"ada let go of report {report}"),
        ("resolve_report", f"ada resolved report {report}"),
        ("reopen_report", f"ada reopened report {report}"),
    ]


def test_account_action__silence_with_a_report_resolves_it(town, ada, filed):
    bob = town.actor("bob")
    ada.admin_account_moderate(bob.id, "silence", report_id=filed["id"], text="no ads here")

    assert town.actor("bob").silenced_at is not None
    shown = ada.admin_report(filed["id"])
    assert shown["action_taken"] is True and shown["target_account"]["silenced"] is True
    assert _log(town)[0] == ("silence_account", f"ada took action 'silence' on {bob.handle}: no ads here")
    assert _log(town)[1][0] == "resolve_report"


def test_account_action__disable_stops_the_login(town, ada):
    ada.admin_account_moderate(town.actor("bob").id, "disable")
    with pytest.raises(MastodonAPIError) as raised:
        api.client(town, "bob").account_verify_credentials()
    assert raised.value.args[1] in (401, 403)
    assert _log(town) == [("disable_account", f"ada took action 'disable' on {town.actor('bob').handle}")]


@pytest.mark.parametrize("action, reason", [
    ("suspend", "local accounts are disabled, not suspended"),
    ("sensitive", "cannot force an account's media to be sensitive"),
    ("explode", "type must be one of"),
])
def test_account_action__what_cannot_be_done_is_422_and_not_logged(town, ada, action, reason):
    with pytest.raises(MastodonAPIError) as raised:
        ada.admin_account_moderate(town.actor("bob").id, action)
    assert raised.value.args[1] == 422 and reason in raised.value.args[3]
    assert _log(town) == []


def test_account_action__a_report_about_someone_else_is_refused(town, ada, filed):
    with pytest.raises(MastodonAPIError) as raised:
        ada.admin_account_moderate(town.actor("alice").id, "silence", report_id=filed["id"])
    assert raised.value.args[1] == 422 and town.actor("alice").silenced_at is None


def _admin_routes(instance, report_id):
    for rule in instance.app.url_map.iter_rules():
        if rule.rule.startswith(("/api/v1/admin/", "/api/v2/admin/")):
            path = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule.rule)  # the first of its names
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, re.sub(r"<[^>]+>", str(report_id), path)


def test_admin_routes__refuse_everyone_but_moderators_with_403(town, filed):
    token = api.token_for(town, "alice", scopes=MODERATOR)
    routes = list(_admin_routes(town, filed["id"]))
    assert ("POST", f"/api/v1/admin/reports/{filed['id']}/resolve") in routes
    for method, path in routes:
        reply = request(method, town.url(path), headers={"Authorization": f"Bearer {token}"},
                        body=None if method == "GET" else b"")
        assert reply.status == 403 and "error" in reply.json(), (method, path, reply.status)
    assert _log(town) == [] and town.actor("bob").silenced_at is None
