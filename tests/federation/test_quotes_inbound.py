"""Quotes arriving from other servers: Misskey's, Fedify's and Akkoma's spellings, FEP-044f stamps
checked at their origin, and QuoteRequests answered by the quoted post's policy.

The remote servers are loopback servers of the test's own (tests/support/hostile.py), signing
for real."""

import json

import pytest

from ..support import api
from ..support.hostile import AS_CONTEXT, PUBLIC, HostileServer, sign_post
from ..support.http import AP, get


@pytest.fixture
def misskey(hostile):
    return hostile.add_actor("mika")


@pytest.fixture
def alice(instance):
    instance.create_user("alice")
    return api.client(instance, "alice")


@pytest.fixture
def elsewhere():
    server = HostileServer().start()
    yield server
    server.stop()


def _send(instance, actor, activity):
    reply = sign_post(instance.url("/inbox"), activity, actor.signing_key, instance.clock()).send()
    assert reply.status == 202, reply.body
    for _ in range(3):
        instance.drain()


def _status_of(instance, client, uri):
    return client.search_v2(uri, resolve=False)["statuses"][0]


@pytest.mark.parametrize("spelling", ["_misskey_quote", "quoteUrl", "quoteUri"])
def test_legacy_quote__of_a_local_post_is_shown_as_a_quote(instance, alice, misskey, spelling):
    original = alice.status_post("a public thought")
    note = misskey.note("RE: that", **{spelling: original["uri"]})
    _send(instance, misskey, misskey.create(note))
    shown = _status_of(instance, alice, note["id"])
    assert shown["quote"]["state"] == "accepted"
    assert shown["quote"]["quoted_status"]["id"] == original["id"]
    assert [n["type"] for n in alice.notifications()] == ["quote"]


def test_legacy_quote__of_a_post_its_policy_closes_is_not_shown(instance, alice, misskey):
    original = alice.status_post("not for quoting", quote_approval_policy="nobody")
    note = misskey.note("RE: that", _misskey_quote=original["uri"])
    _send(instance, misskey, misskey.create(note))
    assert _status_of(instance, alice, note["id"])["quote"] == {"state": "rejected", "quoted_status": None}
    assert alice.notifications() == []


def test_object_link__fep_e232_tag_is_read_as_a_quote_and_the_quoted_post_fetched(instance, alice, misskey, hostile):
    quoted = misskey.note("the original")
    hostile.serve(quoted["id"].removeprefix(hostile.url("")), {"@context": AS_CONTEXT, **quoted})
    link = {"type": "Link", "mediaType": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
            "href": quoted["id"], "name": f"RE: {quoted['id']}"}
    note = misskey.note("quoting myself", tag=[link])
    _send(instance, misskey, misskey.create(note))
    shown = _status_of(instance, alice, note["id"])
    assert shown["quote"]["state"] == "accepted" and shown["quote"]["quoted_status"]["uri"] == quoted["id"]


def test_fep_044f_quote__a_stamp_from_a_third_server_is_ignored(instance, alice, hostile, elsewhere):
    """mallory (on `hostile`) quotes victim (on `elsewhere`): a stamp mallory's own server serves
    does not consent for victim, and is never even fetched; victim's own stamp does."""
    mallory, victim = hostile.add_actor("mallory"), elsewhere.add_actor("victim")
    quoted = victim.note("mine")
    elsewhere.serve(quoted["id"].removeprefix(elsewhere.url("")), {"@context": AS_CONTEXT, **quoted})
    forged_stamp = hostile.url("/stamps/1")
    note = mallory.note("quoting victim", quote=quoted["id"], quoteAuthorization=forged_stamp)
    hostile.serve("/stamps/1", _stamp(forged_stamp, victim.uri, note["id"], quoted["id"]))
    _send(instance, mallory, mallory.create(note))
    assert _status_of(instance, alice, note["id"])["quote"] == {"state": "pending", "quoted_status": None}
    assert hostile.fetches("/stamps/1") == 0
    # victim's server consents: mallory's edit names victim's stamp, which checks out.
    real_stamp = elsewhere.url("/stamps/1")
    elsewhere.serve("/stamps/1", _stamp(real_stamp, victim.uri, note["id"], quoted["id"]))
    edited = dict(note, quoteAuthorization=real_stamp, updated="2024-01-02T00:00:00Z")
    _send(instance, mallory, mallory.activity("Update", edited, to=[PUBLIC]))
    assert _status_of(instance, alice, note["id"])["quote"]["state"] == "accepted"


def _stamp(uri, author, quoting, quoted):
    return {"@context": AS_CONTEXT, "id": uri, "type": "QuoteAuthorization", "attributedTo": author,
            "interactingObject": quoting, "interactionTarget": quoted}


def test_quote_request__answered_by_the_policy(instance, alice, misskey, hostile):
    open_post = alice.status_post("quote me")
    closed_post = alice.status_post("not me", quote_approval_policy="nobody")
    answers = {}
    for post in (open_post, closed_post):
        note = misskey.note("quoting alice", quote=post["uri"])
        request = misskey.activity("QuoteRequest", post["uri"], instrument=note)
        _send(instance, misskey, request)
        sent = [json.loads(r.body) for r in hostile.requests(f"{misskey.path}/inbox", "POST")]
        answers[post["id"]] = next(a for a in sent if as_id(a["object"]) == request["id"])
    accept, reject = answers[open_post["id"]], answers[closed_post["id"]]
    assert accept["type"] == "Accept" and reject["type"] == "Reject"
    stamp = get(accept["result"], headers=AP).json()
    assert stamp["type"] == "QuoteAuthorization" and stamp["interactionTarget"] == open_post["uri"]
    assert stamp["attributedTo"] == instance.url("/users/alice")
    assert [n["type"] for n in alice.notifications()] == ["quote"]  # none for the refused one


def as_id(value):
    return value["id"] if isinstance(value, dict) else value
