"""The notification policy through Mastodon.py (Mastodon 4.3): a private mention from a stranger
waits as a request until accepted or dismissed; each rule accepts, filters or drops; filtered
notifications are neither shown nor counted, and come back when their request is accepted."""

import pytest
from mastodon import MastodonAPIError

from redfed.services.social import follows

from ..support import api


@pytest.fixture
def alice(instance):
    """alice follows bob; mallory, carol, dave and erin are strangers to her."""
    people = {n: instance.create_user(n).actor for n in ("alice", "bob", "mallory", "carol", "dave", "erin")}
    instance.run(follows.follow(instance.ctx, people["alice"], people["bob"]))
    return api.client(instance, "alice")


def _dm(instance, sender: str, text: str, **reply):
    return api.client(instance, sender).status_post(text, visibility="direct", **reply)


def _shown(client, include_filtered: bool = False) -> list[tuple[str, str]]:
    # Mastodon.py has no include_filtered yet.
    found = client._Mastodon__api_request("GET", "/api/v1/notifications", {"include_filtered": include_filtered})
    return [(n["type"], n["account"]["username"]) for n in found]


def test_private_mention_from_a_stranger__waits_as_a_request_until_accepted(instance, alice):
    first = _dm(instance, "mallory", "@alice hello, I sell watches")
    _dm(instance, "bob", "@alice lunch?")
    assert _shown(alice) == [("mention", "bob")]
    assert alice.notifications_policy()["summary"] == {"pending_requests_count": 1, "pending_notifications_count": 1}
    [request] = alice.notification_requests()
    assert (request["account"]["username"], request["notifications_count"]) == ("mallory", "1")
    assert request["last_status"]["id"] == first["id"]
    assert _shown(alice, include_filtered=True) == [("mention", "bob"), ("mention", "mallory")]

    alice.accept_notification_request(request["id"])
    assert alice.notification_requests() == []
    assert _shown(alice) == [("mention", "bob"), ("mention", "mallory")]
    _dm(instance, "mallory", "@alice thanks for hearing me out")
    assert _shown(alice)[0] == ("mention", "mallory")


def test_a_reply_in_a_private_conversation_she_began__is_never_filtered(instance, alice):
    opening = alice.status_post("@carol is the flat still free?", visibility="direct")
    _dm(instance, "carol", "@alice yes, come Sunday", in_reply_to_id=opening["id"])
    assert _shown(alice) == [("mention", "carol")]
    assert alice.notification_requests() == []


def test_dismissing_a_request__throws_its_notifications_away(instance, alice):
    _dm(instance, "erin", "@alice buy followers now")
    _dm(instance, "dave", "@alice free crypto")
    requests = alice.notification_requests()
    assert [r["account"]["username"] for r in requests] == ["dave", "erin"]
    alice.dismiss_multiple_notification_requests([r["id"] for r in requests])
    assert alice.notification_requests() == [] and _shown(alice, include_filtered=True) == []
    with pytest.raises(MastodonAPIError) as gone:
        alice.notification_request(requests[0]["id"])
    assert gone.value.args[1] == 404


def test_each_rule__accepts_filters_or_drops(instance, alice):
    post = alice.status_post("my first loaf")
    policy = alice.update_notifications_policy(for_not_following="drop")
    assert (policy["for_not_following"], policy["for_private_mentions"]) == ("drop", "filter")
    api.client(instance, "dave").status_favourite(post["id"])
    assert _shown(alice, include_filtered=True) == []

    alice.update_notifications_policy(for_not_following="filter")
    api.client(instance, "erin").status_favourite(post["id"])
    assert _shown(alice) == [] and _shown(alice, include_filtered=True) == [("favourite", "erin")]
    assert alice.notification_requests() == []  # only mentions become requests, as on Mastodon
    api.client(instance, "bob").status_favourite(post["id"])  # followed: no rule applies
    assert _shown(alice) == [("favourite", "bob")]


def test_policy__the_v1_booleans_and_bad_values(instance, alice):
    v1 = alice._Mastodon__api_request("PUT", "/api/v1/notifications/policy", {"filter_not_followers": "true"})
    assert v1["filter_not_followers"] is True and v1["filter_private_mentions"] is True
    assert alice.notifications_policy()["for_not_followers"] == "filter"
    with pytest.raises(MastodonAPIError) as refused:
        alice.update_notifications_policy(for_new_accounts="maybe")
    assert refused.value.args[1] == 422 and "for_new_accounts" in refused.value.args[-1]
