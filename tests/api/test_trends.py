"""Trends through Mastodon.py: hashtags that more discoverable accounts use publicly, shown to
everyone only once an admin approved them; posts that more people like or boost."""

import pytest
from mastodon import MastodonAPIError

from ..support import api

ADMIN_SCOPES = "read write follow admin:read admin:write"


def _names(found) -> list[str]:
    return [tag["name"] for tag in found]


@pytest.fixture
def people(instance):
    instance.create_user("ada", is_admin=True)
    for name in ("alice", "bob", "carol", "dave"):
        instance.create_user(name)
    clients = {name: api.client(instance, name) for name in ("alice", "bob", "carol", "dave")}
    clients["dave"].account_update_credentials(discoverable=False)
    clients["ada"] = api.client(instance, "ada", scopes=ADMIN_SCOPES)
    return clients


def test_trending_tags__only_after_an_admin_approves(instance, people):
    alice, bob, carol, dave, ada = (people[n] for n in ("alice", "bob", "carol", "dave", "ada"))
    alice.status_post("#Picnic at noon")
    alice.status_post("#picnic again: one account counts once a day")
    bob.status_post("#picnic too")
    carol.status_post("#solo, one account alone")
    dave.status_post("#quiet from an undiscoverable account")
    alice.status_post("#quiet, so one account counts")
    bob.status_post("#hush unlisted", visibility="unlisted")
    alice.status_post("#hush, public")

    assert api.client(instance).trending_tags() == []  # nothing approved yet
    waiting = ada.admin_trending_tags()
    assert _names(waiting) == ["picnic"]
    assert waiting[0]["requires_review"] is True and waiting[0]["trendable"] is False

    approved = ada.admin_approve_trending_tag(waiting[0])
    assert approved["trendable"] is True and approved["requires_review"] is False
    trending = api.client(instance).trending_tags()
    assert _names(trending) == ["picnic"]
    assert (trending[0]["history"][0]["uses"], trending[0]["history"][0]["accounts"]) == ("3", "2")

    assert ada.admin_reject_trending_tag("picnic")["listable"] is False
    assert api.client(instance).trending_tags() == []


def test_admin_trends__refuse_everyone_but_admins(instance, people):
    people["alice"].status_post("#picnic")
    people["bob"].status_post("#picnic")
    not_admin = api.client(instance, "carol", scopes=ADMIN_SCOPES)
    for call in (not_admin.admin_trending_tags, lambda: not_admin.admin_approve_trending_tag("picnic")):
        with pytest.raises(MastodonAPIError) as refused:
            call()
        assert refused.value.args[1] == 403
    read_only = api.client(instance, "ada", scopes="read")  # an admin, but without the admin scope
    with pytest.raises(MastodonAPIError) as refused:
        read_only.admin_trending_tags()
    assert refused.value.args[1] == 403
    assert api.client(instance).trending_tags() == []


def test_trending_statuses__ranked_by_how_many_people_liked_or_boosted(instance, people):
    alice, bob, carol, dave = (people[n] for n in ("alice", "bob", "carol", "dave"))
    liked_twice = alice.status_post("liked and boosted")
    liked_once = bob.status_post("liked once")
    undiscoverable = dave.status_post("from an undiscoverable account")
    own = alice.status_post("only its author liked it")
    carol.status_favourite(liked_twice["id"])
    carol.status_reblog(liked_twice["id"])  # one person, however many ways
    bob.status_favourite(liked_twice["id"])
    carol.status_favourite(liked_once["id"])
    carol.status_favourite(undiscoverable["id"])
    alice.status_favourite(own["id"])

    anyone = api.client(instance)
    assert [s["id"] for s in anyone.trending_statuses()] == [liked_twice["id"], liked_once["id"]]
    carol.account_block(carol.account_lookup("alice")["id"])
    assert [s["id"] for s in carol.trending_statuses()] == [liked_once["id"]]
    assert anyone.trending_links() == []
