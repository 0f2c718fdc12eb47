"""Hashtags through Mastodon.py: following and unfollowing one, and the list of followed tags."""

import pytest
from mastodon import MastodonNotFoundError

from ..support import api


def test_tags__follow_list_and_unfollow(instance, clock):
    instance.create_user("alice")
    client = api.client(instance, "alice")
    assert client.tag("Bread")["following"] is False
    assert client.tag_follow("Bread")["name"] == "bread"
    clock.advance(1)  # followed tags are listed newest first
    client.tag_follow("rye")
    assert [t["name"] for t in client.followed_tags()] == ["rye", "bread"]
    assert client.tag("bread")["following"] is True

    assert client.tag_unfollow("bread")["following"] is False
    assert [t["name"] for t in client.followed_tags()] == ["rye"]
    assert api.client(instance).tag("rye")["following"] is False  # anonymous callers follow nothing


def test_tags__not_a_hashtag_is_404(instance):
    instance.create_user("alice")
    with pytest.raises(MastodonNotFoundError):
        api.client(instance, "alice").tag_follow("not a tag")
