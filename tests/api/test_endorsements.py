"""Endorsements through Mastodon.py: featuring followed accounts on one's profile."""

import pytest
from mastodon import MastodonAPIError

from redfed.services.social import follows

from ..support import api
from ..support.http import get


def test_endorse__features_a_followed_account_until_unendorsed(instance):
    alice, bob, carol = (instance.create_user(n).actor for n in ("alice", "bob", "carol"))
    for target in (bob, carol):
        instance.run(follows.follow(instance.ctx, alice, target))
    client = api.client(instance, "alice")
    assert client.account_endorse(bob.id)["endorsed"] is True
    assert client.account_pin(carol.id)["endorsed"] is True  # the name before Mastodon 4.4
    assert [a["username"] for a in client.endorsements()] == ["carol", "bob"]
    assert client.account_relationships([bob.id])[0]["endorsed"] is True
    public = api.client(instance)._Mastodon__api_request("GET", f"/api/v1/accounts/{alice.id}/endorsements")
    assert [a["username"] for a in public] == ["carol", "bob"]

    profile = get(instance.url("/@alice")).body.decode()
    assert "Featured accounts" in profile and profile.index(carol.url) < profile.index(bob.url)

    assert client.account_unendorse(bob.id)["endorsed"] is False
    assert [a["username"] for a in client.endorsements()] == ["carol"]


def test_endorse__needs_a_follow_and_ends_with_it(instance):
    alice, bob, carol = (instance.create_user(n).actor for n in ("alice", "bob", "carol"))
    client = api.client(instance, "alice")
    with pytest.raises(MastodonAPIError) as refused:
        client.account_endorse(bob.id)
    assert refused.value.args[1] == 422
    instance.run(follows.follow(instance.ctx, alice, carol))
    client.account_endorse(carol.id)
    instance.run(follows.unfollow(instance.ctx, alice, carol))
    assert client.endorsements() == []
    assert client.account_relationships([carol.id])[0]["endorsed"] is False
