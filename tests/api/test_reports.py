"""Reporting through Mastodon.py: a local account reports an account and its posts, naming a
category or the instance's rules; every admin is told (`admin.report`); bad input is a 422 that
says what is wrong and files nothing."""

import pytest
from mastodon import MastodonAPIError

from redfed.services.social import posts

from ..support import api
from ..support.sign_up import set_mode


@pytest.fixture
def town(instance):
    """alice reports; bob is reported; ada is the admin."""
    instance.create_user("ada", is_admin=True)
    for name in ("alice", "bob"):
        instance.create_user(name)
    return instance


def _post(instance, username, text):
    return instance.run(posts.create_local_post(instance.ctx, instance.actor(username), text))


def _count(instance, table="reports") -> int:
    async def count():
        async with instance.runtime.db.reader.execute(f"SELECT count(*) FROM {table}") as cursor:
            return (await cursor.fetchone())[0]

    return instance.run(count())


def _refused(call) -> tuple[int, str]:
    with pytest.raises(MastodonAPIError) as raised:
        call()
    return raised.value.args[1], raised.value.args[3]


def test_report__names_the_account_its_posts_and_a_category(town):
    spam = _post(town, "bob", "buy cheap watches")
    alice = api.client(town, "alice")
    bob_id = town.actor("bob").id

    report = alice.report(bob_id, status_ids=[spam.id], comment="spam again", category="spam")

    assert report["category"] == "spam" and report["comment"] == "spam again"
    assert report["status_ids"] == [str(spam.id)] and report["rule_ids"] is None
    assert report["target_account"]["id"] == str(bob_id) and report["target_account"]["username"] == "bob"
    assert report["action_taken"] is False and report["forwarded"] is False


def test_report__naming_rules_makes_it_a_rule_violation(town):
    set_mode(town, "open", rules=("Be kind", "No spam"))
    rules = api.client(town).instance_rules()
    report = api.client(town, "alice").report(town.actor("bob").id, rule_ids=[rules[1]["id"]], category="other")
    assert report["category"] == "violation" and report["rule_ids"] == [str(rules[1]["id"])]


def test_report__every_admin_is_notified(town):
    report = api.client(town, "alice").report(town.actor("bob").id, comment="rude")
    api.client(town, "alice").report(town.actor("bob").id, comment="rude again")

    seen = api.client(town, "ada").notifications(types=["admin.report"])
    assert len(seen) == 2 and {n["account"]["username"] for n in seen} == {"alice"}
    assert seen[1]["report"]["id"] == report["id"] and seen[1]["report"]["target_account"]["username"] == "bob"
    assert api.client(town, "ada").notifications(id=seen[1]["id"])["report"]["comment"] == "rude"
    assert api.client(town, "bob").notifications() == []  # the reported account is not told
    assert report["id"]


@pytest.mark.parametrize("case", ["unknown account", "someone else's post", "a post one cannot see", "oversized comment", "bad category",
                                  "unknown rule", "yourself", "no account"])
def test_report__bad_input_is_422_with_a_reason_and_files_nothing(town, case):
    alice, bob_id = api.client(town, "alice"), town.actor("bob").id
    others = _post(town, "alice", "my own post")
    hidden = town.run(posts.create_local_post(town.ctx, town.actor("bob"), "for my followers", visibility="private"))
    calls = {
        "unknown account": (lambda: alice.report(999_999), "account 999999 does not exist"),
        "someone else's post": (lambda: alice.report(bob_id, status_ids=[others.id]),
                                f"status {others.id} is not one of the reported account's"),
        "a post one cannot see": (lambda: alice.report(bob_id, status_ids=[hidden.id]),
                                  f"status {hidden.id} is not one of the reported account's"),
        "oversized comment": (lambda: alice.report(bob_id, comment="x" * 1001), "comment is too long"),
        "bad category": (lambda: alice._Mastodon__api_request(
            "POST", "/api/v1/reports", {"account_id": bob_id, "category": "boring"}), "category must be one of"),
        "unknown rule": (lambda: alice.report(bob_id, rule_ids=[424242]), "no such rule: 424242"),
        "yourself": (lambda: alice.report(town.actor("alice").id), "you cannot report yourself"),
        "no account": (lambda: alice._Mastodon__api_request("POST", "/api/v1/reports", {}), "account_id is required"),
    }
    call, reason = calls[case]
    status, error = _refused(call)
    assert status == 422 and reason in error
    assert _count(town) == 0


def test_report__needs_the_write_reports_scope(town):
    reader = api.client(town, "alice", scopes="read")
    assert _refused(lambda: reader.report(town.actor("bob").id))[0] == 403
    assert _count(town) == 0
