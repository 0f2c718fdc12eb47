"""Instance information through Mastodon.py, as apps read it at login."""

import pytest
from mastodon import MastodonUnauthorizedError

from ..support import api
from ..support.sign_up import set_mode


def test_instance_v2__tells_apps_the_limits_they_need(instance):
    mastodon = api.client(instance)
    info = mastodon.instance_v2()
    assert info["domain"] == instance.domain
    assert info["version"].startswith("4.3.0 (compatible; redfed ")
    config = info["configuration"]
    assert config["statuses"]["max_characters"] == 500
    assert config["statuses"]["max_media_attachments"] == 20
    assert "image/jpeg" in config["media_attachments"]["supported_mime_types"]


def test_instance_v1__counts_users_and_posts(instance):
    instance.create_user("alice")
    info = api.client(instance).instance_v1()
    assert info["uri"] == instance.domain
    assert info["stats"]["user_count"] == 1
    assert info["stats"]["status_count"] == 0


def test_instance_activity_and_peers(instance, start_instance):
    other = start_instance("other")
    other.create_user("bob")
    instance.resolve(other.url("/users/bob"))
    mastodon = api.client(instance)
    assert mastodon.instance_peers() == [other.domain]
    weeks = mastodon.instance_activity()
    assert len(weeks) == 12 and set(weeks[0]) >= {"week", "statuses", "logins", "registrations"}


def test_verify_credentials__returns_the_account_with_its_source(instance):
    instance.create_user("alice")
    me = api.client(instance, "alice").account_verify_credentials()
    assert me["username"] == "alice" and me["acct"] == "alice"
    assert me["source"]["privacy"] == "public"
    assert me["avatar"].endswith("/static/avatar.png")


def test_verify_credentials__needs_a_valid_token(instance):
    with pytest.raises(MastodonUnauthorizedError, match="The access token is invalid"):
        api.client(instance, token="not-a-token").account_verify_credentials()


def test_extended_description__says_when_the_admin_last_saved_it(instance, clock):
    mastodon = api.client(instance)
    assert mastodon.instance_extended_description()["updated_at"] is None
    clock.advance(3600)
    set_mode(instance, "open", rules=("Be kind",))
    described = mastodon.instance_extended_description()
    assert abs(described["updated_at"].timestamp() - clock()) < 5  # an hour ahead of the real time
    assert [rule["text"] for rule in mastodon.instance_rules()] == ["Be kind"]
