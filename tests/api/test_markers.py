"""Read markers through Mastodon.py: saved per timeline, versioned, private to their account."""

import pytest
from mastodon import MastodonAPIError

from ..support import api
from ..support.http import request


def test_markers__are_saved_per_timeline_and_count_versions(instance):
    instance.create_user("alice")
    client = api.client(instance, "alice")
    assert client.markers_get(["home", "notifications"]) == {}
    saved = client.markers_set(["home", "notifications"], ["1001", "2002"])
    assert saved["home"]["last_read_id"] == "1001" and saved["home"]["version"] == 0
    assert saved["notifications"]["last_read_id"] == "2002"
    again = client.markers_set("home", "1005")
    assert again["home"]["version"] == 1 and set(again) == {"home"}
    found = client.markers_get(["home", "notifications"])
    assert found["home"]["last_read_id"] == "1005" and found["notifications"]["version"] == 0
    assert found["home"]["updated_at"] is not None
    assert set(client.markers_get("notifications")) == {"notifications"}


def test_markers__accept_rails_form_fields_and_ignore_unknown_timelines(instance):
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    reply = request(
        "POST", instance.url("/api/v1/markers"), body=b"home%5Blast_read_id%5D=77&public%5Blast_read_id%5D=5",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 200 and set(reply.json()) == {"home"} and reply.json()["home"]["last_read_id"] == "77"


def test_markers__belong_to_their_account_and_need_status_scopes(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    api.client(instance, "alice").markers_set("home", "42")
    assert api.client(instance, "bob").markers_get("home") == {}
    with pytest.raises(MastodonAPIError) as refused:
        api.client(instance, "alice", scopes="read:statuses").markers_set("home", "43")
    assert refused.value.args[1] == 403
    assert api.client(instance, "alice", scopes="read:statuses").markers_get("home")["home"]["last_read_id"] == "42"
