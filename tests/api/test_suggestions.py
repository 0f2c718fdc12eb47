"""Follow suggestions through Mastodon.py: accounts followed by the people one follows, and the
accounts this server follows and likes most lately, each offered once with its reasons; never
someone already followed, blocking, hidden from discovery, or dismissed."""

import pytest
from mastodon import MastodonNotFoundError

from redfed.services.social import follows, posts

from ..support import api


@pytest.fixture
def town(instance):
    """alice follows bob and carol. They follow dave; carol follows erin; dave and erin follow
    grace; dave likes hank's post. ivan (followed by bob) blocks alice; jack (followed by bob)
    hides from discovery."""
    people = {n: instance.create_user(n).actor for n in ("alice", "bob", "carol", "dave", "erin", "grace", "hank", "ivan", "jack")}
    for follower, followee in [("alice", "bob"), ("alice", "carol"), ("bob", "dave"), ("carol", "dave"), ("carol", "erin"),
                               ("dave", "grace"), ("erin", "grace"), ("bob", "ivan"), ("bob", "jack")]:
        instance.run(follows.follow(instance.ctx, people[follower], people[followee]))
    post = instance.run(posts.create_local_post(instance.ctx, people["hank"], "sourdough, day three"))
    api.client(instance, "dave").status_favourite(post.id)
    api.client(instance, "ivan").account_block(people["alice"].id)
    api.client(instance, "jack").account_update_credentials(discoverable=False)
    return people


def _offered(client) -> list[tuple[str, list[str], str]]:
    return [(s["account"]["username"], s["sources"], s["source"]) for s in client.suggestions_v2()]


def test_suggestions__offer_friends_of_friends_first_then_this_servers_favourites(instance, town):
    assert _offered(api.client(instance, "alice")) == [
        ("dave", ["friends_of_friends", "most_followed"], "past_interactions"),
        ("erin", ["friends_of_friends", "most_followed"], "past_interactions"),
        ("grace", ["most_followed"], "global"),
        ("hank", ["most_interactions"], "global"),
    ]


def test_suggestions__a_dismissed_account_is_not_offered_again(instance, town):
    client = api.client(instance, "alice")
    client.suggestion_delete(town["dave"].id)
    assert [a["username"] for a in client.suggestions_v1()] == ["erin", "grace", "hank"]
    with pytest.raises(MastodonNotFoundError):
        client.suggestion_delete(999_999)


def test_suggestions__following_someone_takes_them_off_the_list(instance, town):
    client = api.client(instance, "alice")
    client.account_follow(town["grace"].id)
    assert [name for name, _, _ in _offered(client)] == ["dave", "erin", "hank"]
    assert [a["username"] for a in client.suggestions_v1()][:1] == ["dave"]
