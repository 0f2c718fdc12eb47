"""Quote posts between two redfed instances (FEP-044f, as Mastodon 4.5), through Mastodon.py.

alice is on A, bob on B; alice follows bob. A quote of a remote post waits for the quoted
author's server to consent; the consent is a QuoteAuthorization stamp that the quote then names,
and the quoted author can take it back.
"""

import pytest
from mastodon import MastodonAPIError

from redfed.store.responses import quotes as quote_store

from ..support import api
from ..support.http import AP, get, request
from .test_posts import _connect, _settle, _stored


@pytest.fixture
def pair(start_instance):
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob")
    _connect(a, b)
    return a, b


def _quote_row(instance, uri):
    post = _stored(instance, uri)
    return instance.run(quote_store.find(instance.runtime.db.reader, post.id)) if post else None


def _notification_types(instance, username):
    return [n["type"] for n in api.client(instance, username).notifications()]


def _bob_post_on_a(a, b, bob, **options):
    status = bob.status_post("my morning coffee", **options)
    _settle(a, b)
    found = api.client(a, "alice").search_v2(status["uri"], resolve=True)["statuses"]
    return status, found[0]


def test_quote__of_a_remote_post_waits_for_consent_then_shows_the_quoted_post(pair):
    a, b = pair
    alice, bob = api.client(a, "alice"), api.client(b, "bob")
    original, on_a = _bob_post_on_a(a, b, bob)
    quote = alice.status_post("look at this", quoted_status_id=on_a["id"])
    assert quote["quote"] == {"state": "pending", "quoted_status": None}
    _settle(a, b)
    shown = alice.status(quote["id"])
    assert shown["quote"]["state"] == "accepted"
    assert shown["quote"]["quoted_status"]["uri"] == original["uri"]
    assert shown["quote"]["quoted_status"]["quote"] is None
    # bob's server stored the quote with its stamp, serves the stamp, and told bob.
    row = _quote_row(b, quote["uri"])
    assert row.state == "accepted" and row.authorization_uri.startswith(b.url("/users/bob/quote_authorizations/"))
    stamp = get(row.authorization_uri, headers=AP).json()
    assert stamp["type"] == "QuoteAuthorization" and stamp["interactingObject"] == quote["uri"]
    assert stamp["interactionTarget"] == original["uri"]
    assert "quote" in _notification_types(b, "bob")
    assert [s["uri"] for s in bob.status_quotes(original["id"])] == [quote["uri"]]
    # The Note alice's server serves names the quote and the stamp.
    note = get(quote["uri"], headers=AP).json()
    assert note["quote"] == original["uri"] and note["quoteAuthorization"] == row.authorization_uri


def test_quote__revoked_by_the_quoted_author_shows_no_more(pair):
    a, b = pair
    alice, bob = api.client(a, "alice"), api.client(b, "bob")
    original, on_a = _bob_post_on_a(a, b, bob)
    quote = alice.status_post("look at this", quoted_status_id=on_a["id"])
    _settle(a, b)
    quote_on_b = bob.status_quotes(original["id"])[0]
    revoked = bob.status_quote_revoke(original["id"], quote_on_b["id"])
    assert revoked["quote"]["state"] == "revoked"
    _settle(a, b)
    assert alice.status(quote["id"])["quote"] == {"state": "revoked", "quoted_status": None}
    assert bob.status_quotes(original["id"]) == []
    assert get(_quote_row(b, quote["uri"]).authorization_uri, headers=AP).status == 404


def test_quote__refused_by_the_policy_notifies_nobody(pair):
    a, b = pair
    alice, bob = api.client(a, "alice"), api.client(b, "bob")
    original, on_a = _bob_post_on_a(a, b, bob, quote_approval_policy="nobody")
    assert original["quote_approval"] == {"automatic": [], "manual": [], "current_user": "automatic"}
    quote = alice.status_post("look at this", quoted_status_id=on_a["id"])
    _settle(a, b)
    assert alice.status(quote["id"])["quote"] == {"state": "rejected", "quoted_status": None}
    assert "quote" not in _notification_types(b, "bob")
    assert bob.status_quotes(original["id"]) == []


def test_quote__of_a_local_post_follows_its_policy_at_once(start_instance):
    a = start_instance("a")
    for name in ("alice", "carol"):
        a.create_user(name)
    alice, carol = api.client(a, "alice"), api.client(a, "carol")
    open_post = alice.status_post("quote me")
    closed_post = alice.status_post("not this one", quote_approval_policy="nobody")
    assert carol.status(open_post["id"])["quote_approval"]["current_user"] == "automatic"
    assert carol.status(closed_post["id"])["quote_approval"]["current_user"] == "denied"
    quote = carol.status_post("so true", quoted_status_id=open_post["id"])
    assert quote["quote"]["state"] == "accepted" and quote["quote"]["quoted_status"]["id"] == open_post["id"]
    assert alice.status(open_post["id"])["quotes_count"] == 1
    with pytest.raises(MastodonAPIError):
        carol.status_post("so true", quoted_status_id=closed_post["id"])
    assert _notification_types(a, "alice") == ["quote"]
    # The author may change the policy later.
    alice.status_update_quote_approval_policy(closed_post["id"], "public")
    assert carol.status(closed_post["id"])["quote_approval"]["current_user"] == "automatic"


def test_quote__of_a_followers_only_post_is_refused(start_instance):
    a = start_instance("a")
    for name in ("alice", "carol"):
        a.create_user(name)
    alice, carol = api.client(a, "alice"), api.client(a, "carol")
    carol.account_follow(alice.me()["id"])
    private = alice.status_post("for my followers", visibility="private")
    with pytest.raises(MastodonAPIError):
        carol.status_post("leaking it", quoted_status_id=private["id"])


def test_quote__default_policy_and_edits_of_the_quoted_post(start_instance):
    a = start_instance("a")
    for name in ("alice", "carol"):
        a.create_user(name)
    alice, carol = api.client(a, "alice"), api.client(a, "carol")
    token = api.token_for(a, "alice")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = b'{"source": {"quote_policy": "followers"}}'
    reply = request("PATCH", a.url("/api/v1/accounts/update_credentials"), headers=headers, body=body)
    assert reply.status == 200, reply.body
    guarded = alice.status_post("followers may quote this")
    assert guarded["quote_approval"]["automatic"] == ["followers"]
    with pytest.raises(MastodonAPIError):
        carol.status_post("not yet", quoted_status_id=guarded["id"])
    carol.account_follow(alice.me()["id"])
    quote = carol.status_post("now I may", quoted_status_id=guarded["id"])
    assert quote["quote"]["state"] == "accepted"
    alice.status_update(guarded["id"], "followers may quote this (edited)")
    assert "quoted_update" in _notification_types(a, "carol")
