"""Featured hashtags through Mastodon.py: an account features up to ten of its tags, each with how
often it used them; they show on its profile page and federate in its `featuredTags` collection."""

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from ..support import api
from ..support.http import get

AP = {"Accept": "application/activity+json"}


def _names(found) -> list[str]:
    return [tag["name"] for tag in found]


def test_featured_tags__created_listed_suggested_and_deleted(instance, clock):
    instance.create_user("alice")
    alice = api.client(instance, "alice")
    alice.status_post("#Picnic in the park")
    clock.advance(1)
    alice.status_post("#picnic again, and #rye")
    alice.status_post("#picnic for followers", visibility="private")  # not counted
    assert _names(alice.featured_tag_suggestions()) == ["picnic", "rye"]  # most used first

    featured = alice.featured_tag_create("#Picnic")
    assert featured["name"] == "picnic" and featured["url"] == instance.url("/tags/picnic")
    assert str(featured["statuses_count"]) == "2" and featured["last_status_at"] is not None
    assert _names(alice.featured_tag_suggestions()) == ["rye"]

    assert alice.tag_feature("rye")["featuring"] is True
    assert _names(alice.featured_tags()) == ["picnic", "rye"]
    me = alice.me()["id"]
    assert _names(api.client(instance).account_featured_tags(me)) == ["picnic", "rye"]  # anyone may read them

    assert alice.tag_unfeature("rye")["featuring"] is False
    alice.featured_tag_delete(featured["id"])
    assert alice.featured_tags() == []
    with pytest.raises(MastodonNotFoundError):
        alice.featured_tag_delete(featured["id"])


def test_featured_tags__at_most_ten(instance):
    instance.create_user("alice")
    alice = api.client(instance, "alice")
    for number in range(10):
        alice.featured_tag_create(f"tag{number}")
    alice.featured_tag_create("tag0")  # already featured: no change
    with pytest.raises(MastodonAPIError) as refused:
        alice.featured_tag_create("one_too_many")
    assert refused.value.args[1] == 422
    assert len(alice.featured_tags()) == 10


def test_featured_tags__on_the_profile_page_and_in_the_actor_collection(instance):
    instance.create_user("alice")
    alice = api.client(instance, "alice")
    alice.featured_tag_create("picnic")
    page = get(instance.url("/@alice")).text
    assert 'class="featured-tags"' in page and 'href="/tags/picnic">#picnic</a>' in page

    actor = get(instance.url("/users/alice"), AP).json()
    assert actor["featuredTags"] == instance.url("/users/alice/collections/tags")
    collection = get(actor["featuredTags"], AP).json()
    assert collection["type"] == "Collection" and collection["totalItems"] == 1
    assert collection["items"] == [{"type": "Hashtag", "href": instance.url("/tags/picnic"), "name": "#picnic"}]
