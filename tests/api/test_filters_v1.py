"""Filters v1 through Mastodon.py: older apps' /api/v1/filters, each a keyword of a v2 filter."""

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from redfed.services.social import follows, posts

from ..support import api


def test_v1_filter__is_a_v2_filter_of_one_keyword_and_filters_the_home_timeline(instance):
    alice, bob = instance.create_user("alice").actor, instance.create_user("bob").actor
    instance.run(follows.follow(instance.ctx, alice, bob))
    client = api.client(instance, "alice")
    created = client.filter_create("sourdough", ["home", "public"], irreversible=True, whole_word=False)
    assert (created["phrase"], created["context"], created["irreversible"], created["whole_word"]) == (
        "sourdough", ["home", "public"], True, False
    )
    [v2] = client.filters_v2()
    assert v2["title"] == "sourdough" and v2["filter_action"] == "hide"
    assert [k["id"] for k in v2["keywords"]] == [created["id"]]

    instance.run(posts.create_local_post(instance.ctx, bob, "my sourdoughs are ready"))
    instance.run(posts.create_local_post(instance.ctx, bob, "rye today"))
    assert [s["content"] for s in client.timeline_home()] == ["<p>rye today</p>"]


def test_v1_filter__update_and_delete(instance):
    instance.create_user("alice")
    client = api.client(instance, "alice")
    created = client.filter_create("rye", ["home"])
    updated = client.filter_update(created["id"], phrase="spelt", irreversible=False, context=["notifications"])
    assert (updated["id"], updated["phrase"], updated["context"], updated["irreversible"]) == (
        created["id"], "spelt", ["notifications"], False
    )
    assert client.filter(created["id"])["phrase"] == "spelt"
    client.filter_delete(created["id"])
    assert client.filters() == [] and client.filters_v2() == []
    with pytest.raises(MastodonNotFoundError):
        client.filter(created["id"])


def test_v2_filter_of_several_keywords__lists_each_but_cannot_be_edited_through_v1(instance):
    instance.create_user("alice")
    client = api.client(instance, "alice")
    client.create_filter_v2("breads", ["home"], filter_action="warn", keywords_attributes=[{"keyword": "rye"}, {"keyword": "spelt"}])
    listed = client.filters()
    assert sorted(f["phrase"] for f in listed) == ["rye", "spelt"]
    with pytest.raises(MastodonAPIError) as refused:
        client.filter_update(listed[0]["id"], phrase="wheat")
    assert refused.value.args[1] == 422
    client.filter_delete(listed[0]["id"])
    assert [k["keyword"] for k in client.filters_v2()[0]["keywords"]] == [listed[1]["phrase"]]
