"""Moving an account between redfed instances: alice moves from A to B, and bob on C, who
followed her on A, follows her on B without doing anything (FEP-7628, as Mastodon moves)."""

from urllib.parse import urlencode

import pytest
from mastodon import MastodonAPIError

from redfed.services.social import follows
from redfed.store.portability import moves as move_store
from redfed.store.social import follows as follow_store

from ..support import api
from ..support.http import AP, get, request

PASSWORD = "correct horse battery"
DAY = 24 * 3600


def _call(instance, token, method, path, **fields):
    body = urlencode(fields).encode() if fields else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/x-www-form-urlencoded"}
    return request(method, instance.url(path), headers=headers, body=body)


def _follow_state(instance, follower, followee):
    found = instance.run(follow_store.find_follow(instance.runtime.db.reader, follower.id, followee.id))
    return found.state if found else None


def _drain(*instances, rounds=3):
    for _ in range(rounds):
        for instance in instances:
            instance.drain()


def _actor_doc(instance, username):
    return get(instance.url(f"/users/{username}"), headers=AP).json()


@pytest.fixture
def three(start_instance):
    """A (alice's old home), B (her new one), C (bob, who follows her on A)."""
    a, b, c = start_instance("a"), start_instance("b"), start_instance("c")
    old, new, bob = a.create_user("alice").actor, b.create_user("alice").actor, c.create_user("bob").actor
    c.run(follows.follow(c.ctx, bob, c.resolve(old.uri)))
    _drain(c, a)
    assert _follow_state(c, bob, c.resolve(old.uri)) == "accepted"
    return a, b, c, old, new, bob


def test_move__a_follower_on_a_third_server_now_follows_the_new_account(three):
    a, b, c, old, new, bob = three
    dave = a.create_user("dave").actor  # a follower on alice's own old server
    a.run(follows.follow(a.ctx, dave, old))
    new_token, old_token = api.token_for(b, "alice"), api.token_for(a, "alice")

    # On B, alice lists her old account as an alias; B's actor document says so.
    reply = _call(b, new_token, "POST", "/api/v1/accounts/alias", acct=f"alice@{a.domain}")
    assert reply.status == 200, reply.body
    assert [entity["uri"] for entity in reply.json()] == [old.uri]
    assert _actor_doc(b, "alice")["alsoKnownAs"] == [old.uri]

    # On A, she moves, confirming with her password.
    reply = _call(a, old_token, "POST", "/api/v1/accounts/move", acct=f"alice@{b.domain}", password=PASSWORD)
    assert reply.status == 200, reply.body
    assert reply.json()["moved"]["uri"] == new.uri and reply.json()["moved"]["acct"] == f"alice@{b.domain}"
    _drain(a, c, b)

    # Bob did nothing, and follows her on B now - not on A any more.
    new_on_c, old_on_c = c.resolve(new.uri), c.resolve(old.uri)
    assert _follow_state(c, bob, new_on_c) == "accepted"
    assert _follow_state(c, bob, old_on_c) is None
    assert _follow_state(a, a.resolve(bob.uri), old) is None  # A got the Undo
    assert _follow_state(b, b.resolve(bob.uri), new) == "accepted"  # B got the Follow
    [note] = api.client(c, "bob").notifications(types=["move"])
    assert note.type == "move" and note.account.uri == old.uri and note.account.moved.uri == new.uri
    [record] = c.run(move_store.list_moves(c.runtime.db.reader, old.uri))
    assert (record.direction, record.state, record.target_uri, record.followers_moved) == ("in", "done", new.uri, 1)
    # Dave, on alice's old server, was moved too, through a real Follow to B.
    assert _follow_state(a, dave, a.resolve(new.uri)) == "accepted" and _follow_state(a, dave, old) is None
    assert [n.type for n in api.client(a, "dave").notifications()] == ["move"]

    # The old account: movedTo in its actor, `moved` in the API, no more posts, profile goes to B.
    assert _actor_doc(a, "alice")["movedTo"] == new.uri
    assert api.client(a).account(old.id).moved.url == new.url
    with pytest.raises(MastodonAPIError) as refused:
        api.client(a, "alice").status_post("still here?")
    assert refused.value.args[1] == 403 and "has moved to" in refused.value.args[-1]
    profile = get(a.url("/@alice"))
    assert profile.status == 302 and profile.headers["Location"] == new.url
    assert get(a.url("/@alice"), headers=AP).json()["movedTo"] == new.uri


def test_move__refused_without_an_alias_to_itself_with_a_wrong_password_and_within_30_days(three, clock):
    a, b, c, old, new, bob = three
    token = api.token_for(a, "alice")

    def move(acct, password=PASSWORD):
        return _call(a, token, "POST", "/api/v1/accounts/move", acct=acct, password=password)

    refused = move(f"alice@{b.domain}")
    assert refused.status == 422 and "does not list this account as an alias" in refused.json()["error"]
    assert move(f"alice@{a.domain}").json()["error"] == "an account cannot move to itself"
    assert move(old.uri).status == 422
    _call(b, api.token_for(b, "alice"), "POST", "/api/v1/accounts/alias", acct=old.uri)
    assert move(f"alice@{b.domain}", "wrong password").json() == {"error": "the current password is not correct"}
    assert move("nobody@" + b.domain).status == 422
    assert move("").status == 422
    # Nothing of that changed the account or sent anything.
    assert "movedTo" not in _actor_doc(a, "alice") and a.drain() == 0
    assert a.run(move_store.list_moves(a.runtime.db.reader, old.uri)) == []

    assert move(f"alice@{b.domain}").status == 200
    again = move(f"alice@{b.domain}")
    assert again.status == 422 and again.json()["error"] == f"this account has already moved to alice@{b.domain}"
    third = c.create_user("alice").actor
    _call(c, api.token_for(c, "alice"), "POST", "/api/v1/accounts/alias", acct=old.uri)
    assert move(third.uri).json()["error"] == "this account moved less than 30 days ago; it can move again in 30 days"
    clock.advance(29 * DAY)
    assert "in 1 days" in move(third.uri).json()["error"]
    clock.advance(2 * DAY)
    assert move(third.uri).json()["moved"]["uri"] == third.uri
    assert [m.target_uri for m in a.run(move_store.list_moves(a.runtime.db.reader, old.uri))] == [new.uri, third.uri]


def test_aliases__listed_added_and_removed_through_the_api_and_federated_as_update(three):
    a, b, c, old, new, bob = three
    token = api.token_for(a, "alice")
    c.run(follows.follow(c.ctx, bob, c.resolve(old.uri)))

    assert _call(a, token, "GET", "/api/v1/accounts/alias").json() == []
    added = _call(a, token, "POST", "/api/v1/accounts/alias", acct=f"@alice@{b.domain}")
    assert [e["acct"] for e in added.json()] == [f"alice@{b.domain}"]
    _drain(a, c)
    assert c.resolve(old.uri).also_known_as == (new.uri,)  # the Update reached C

    duplicate = _call(a, token, "POST", "/api/v1/accounts/alias", acct=new.uri)
    assert duplicate.status == 422 and duplicate.json()["error"] == f"alice@{b.domain} is already an alias"
    assert _call(a, token, "POST", "/api/v1/accounts/alias", acct=old.uri).status == 422  # itself
    assert _call(a, token, "POST", "/api/v1/accounts/alias", acct="ghost@" + b.domain).status == 422
    assert _call(a, token, "POST", "/api/v1/accounts/alias", acct="not a handle").status == 422
    assert _call(a, token, "DELETE", "/api/v1/accounts/alias", acct="https://else.example/users/x").status == 404
    assert a.actor("alice").also_known_as == (new.uri,)

    removed = _call(a, token, "DELETE", "/api/v1/accounts/alias", acct=f"alice@{b.domain}")
    assert removed.status == 200 and removed.json() == []
    _drain(a, c)
    assert c.resolve(old.uri).also_known_as == ()
    read_only = api.token_for(a, "alice", scopes="read")
    assert _call(a, read_only, "POST", "/api/v1/accounts/alias", acct=new.uri).status == 403


def test_move__a_locked_new_account_gets_follow_requests(three):
    a, b, c, old, new, bob = three
    b_client = api.client(b, "alice")
    b_client.account_update_credentials(locked=True)
    _call(b, api.token_for(b, "alice"), "POST", "/api/v1/accounts/alias", acct=old.uri)

    moved = _call(a, api.token_for(a, "alice"), "POST", "/api/v1/accounts/move", acct=new.uri, password=PASSWORD)
    assert moved.status == 200, moved.body
    _drain(a, c, b)

    assert _follow_state(c, bob, c.resolve(new.uri)) == "pending"
    assert [account.acct for account in b_client.follow_requests()] == [f"bob@{c.domain}"]
    assert _follow_state(c, bob, c.resolve(old.uri)) is None
    assert [n.type for n in api.client(c, "bob").notifications()] == ["move"]


def test_move__within_one_server_redirects_the_local_followers(instance):
    old, new, bob = (instance.create_user(name).actor for name in ("alice", "alice2", "bob"))
    instance.run(follows.follow(instance.ctx, bob, old))
    _call(instance, api.token_for(instance, "alice2"), "POST", "/api/v1/accounts/alias", acct=f"alice@{instance.domain}")

    reply = _call(instance, api.token_for(instance, "alice"), "POST", "/api/v1/accounts/move", acct="alice2@" + instance.domain, password=PASSWORD)

    assert reply.status == 200 and reply.json()["moved"]["acct"] == "alice2"
    assert _follow_state(instance, bob, new) == "accepted" and _follow_state(instance, bob, old) is None
    assert [(n.type, n.account.acct, n.account.moved.acct) for n in api.client(instance, "bob").notifications()] == [
        ("move", "alice", "alice2")
    ]
    assert instance.drain() == 0  # nothing to deliver: no follower elsewhere
