"""Two shields through Mastodon.py: removing a follower (its server is sent a Reject of the follow,
so the follow ends on both sides) and private notes about an account, seen only by their writer."""

import pytest
from mastodon import MastodonAPIError

from redfed.services.social import follows

from ..federation.test_posts import _connect, _settle
from ..support import api


def test_remove_from_followers__ends_a_remote_follow_on_both_servers(start_instance):
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob")
    _connect(b, a, "bob", "alice")  # bob@b follows alice@a
    alice = api.client(a, "alice")
    bob_on_a = a.resolve(b.url("/users/bob"))
    assert alice.account_relationships(bob_on_a.id)[0]["followed_by"] is True

    relationship = alice.account_remove_from_followers(bob_on_a.id)
    _settle(a, b)

    assert relationship["followed_by"] is False
    alice_on_b = b.resolve(a.url("/users/alice"))
    assert api.client(b, "bob").account_relationships(alice_on_b.id)[0]["following"] is False


def test_remove_from_followers__a_local_follower(instance):
    instance.create_user("alice")
    instance.create_user("carol")
    instance.run(follows.follow(instance.ctx, instance.actor("carol"), instance.actor("alice")))
    carol_id = instance.actor("carol").id
    assert api.client(instance, "alice").account_remove_from_followers(carol_id)["followed_by"] is False
    alice_id = instance.actor("alice").id
    assert api.client(instance, "carol").account_relationships(alice_id)[0]["following"] is False


def test_account_note__kept_private_changed_and_cleared(instance):
    for name in ("alice", "bob", "carol"):
        instance.create_user(name)
    alice, bob_id = api.client(instance, "alice"), instance.actor("bob").id

    assert alice.account_note_set(bob_id, "met at the market")["note"] == "met at the market"
    assert alice.account_relationships(bob_id)[0]["note"] == "met at the market"
    assert api.client(instance, "carol").account_relationships(bob_id)[0]["note"] == ""  # only its writer sees it
    assert alice.account_note_set(bob_id, "sells good bread")["note"] == "sells good bread"
    assert alice.account_note_set(bob_id, "")["note"] == ""

    with pytest.raises(MastodonAPIError) as raised:
        alice.account_note_set(bob_id, "x" * 2001)
    assert raised.value.args[1] == 422 and "comment is too long" in raised.value.args[3]
    assert alice.account_relationships(bob_id)[0]["note"] == ""
