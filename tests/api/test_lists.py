"""Lists through Mastodon.py: CRUD, members, the list timeline, and privacy of others' lists."""

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from redfed.services.social import follows, interactions, posts

from ..support import api
from ..support.http import get


def _setup(instance, *names):
    """Local accounts; the first follows all the others."""
    actors = [instance.create_user(name).actor for name in names]
    for other in actors[1:]:
        instance.run(follows.follow(instance.ctx, actors[0], other))
    return actors


def test_lists__create_read_update_delete(instance):
    _setup(instance, "alice")
    client = api.client(instance, "alice")
    made = client.list_create("Bakers")
    assert (made["title"], made["replies_policy"], made["exclusive"]) == ("Bakers", "list", False)
    other = client.list_create("Apprentices", replies_policy="none", exclusive=True)
    assert [found["title"] for found in client.lists()] == ["Apprentices", "Bakers"]
    assert client.list(other["id"])["exclusive"] is True
    updated = client.list_update(made["id"], "Best bakers", replies_policy="followed", exclusive=True)
    assert (updated["title"], updated["replies_policy"], updated["exclusive"]) == ("Best bakers", "followed", True)
    assert client.list(made["id"])["title"] == "Best bakers"
    client.list_delete(made["id"])
    with pytest.raises(MastodonNotFoundError, match="Record not found"):
        client.list(made["id"])
    assert [found["id"] for found in client.lists()] == [other["id"]]


def test_lists__validate_title_and_replies_policy(instance):
    _setup(instance, "alice")
    client = api.client(instance, "alice")
    with pytest.raises(MastodonAPIError) as refused:
        client.list_create("  ")
    assert refused.value.args[1] == 422 and "Title can't be blank" in refused.value.args[3]
    with pytest.raises(MastodonAPIError) as refused:
        client.list_create("Bakers", replies_policy="everyone")
    assert refused.value.args[1] == 422


def test_members__must_be_followed_and_can_be_listed_and_removed(instance):
    alice, bob, carol, dave = _setup(instance, "alice", "bob", "carol", "dave")
    stranger = instance.create_user("erin").actor
    client = api.client(instance, "alice")
    bakers = client.list_create("Bakers")
    client.list_accounts_add(bakers["id"], [bob.id, carol.id, dave.id])
    assert {a["username"] for a in client.list_accounts(bakers["id"])} == {"bob", "carol", "dave"}
    first = client.list_accounts(bakers["id"], limit=2)
    assert len(first) == 2 and len(client.fetch_next(first)) == 1
    with pytest.raises(MastodonAPIError) as refused:
        client.list_accounts_add(bakers["id"], [stranger.id])
    assert refused.value.args[1] == 422 and "followed" in refused.value.args[3]
    with pytest.raises(MastodonAPIError) as refused:
        client.list_accounts_add(bakers["id"], [bob.id])
    assert refused.value.args[1] == 422 and "already been taken" in refused.value.args[3]
    assert [found["title"] for found in client.account_lists(bob.id)] == ["Bakers"]
    client.list_accounts_delete(bakers["id"], [bob.id])
    assert {a["username"] for a in client.list_accounts(bakers["id"])} == {"carol", "dave"}
    assert client.account_lists(bob.id) == []


def test_others_lists__are_not_found(instance):
    alice, bob = _setup(instance, "alice", "bob")
    instance.run(follows.follow(instance.ctx, bob, alice))
    mine = api.client(instance, "alice").list_create("Mine")
    intruder = api.client(instance, "bob")
    for attempt in (
        lambda: intruder.list(mine["id"]),
        lambda: intruder.list_update(mine["id"], "Taken"),
        lambda: intruder.list_delete(mine["id"]),
        lambda: intruder.list_accounts(mine["id"]),
        lambda: intruder.list_accounts_add(mine["id"], [alice.id]),
        lambda: intruder.timeline_list(mine["id"]),
    ):
        # (Mastodon.py reads the error text only where it expects an object, not a list.)
        with pytest.raises(MastodonNotFoundError):
            attempt()
    reply = get(instance.url(f"/api/v1/timelines/list/{mine['id']}"), {"Authorization": f"Bearer {api.token_for(instance, 'bob')}"})
    assert (reply.status, reply.json()) == (404, {"error": "Record not found"})
    assert intruder.lists() == []
    assert api.client(instance, "alice").list(mine["id"])["title"] == "Mine"


def test_lists__need_list_scopes(instance):
    _setup(instance, "alice")
    with pytest.raises(MastodonAPIError) as refused:
        api.client(instance, "alice", scopes="read:statuses").lists()
    assert refused.value.args[1] == 403
    with pytest.raises(MastodonAPIError) as refused:
        api.client(instance, "alice", scopes="read:lists").list_create("Bakers")
    assert refused.value.args[1] == 403


def test_timeline__shows_members_posts_the_owner_may_see(instance, clock):
    alice, bob, carol = _setup(instance, "alice", "bob", "carol")
    instance.create_user("dave")
    ctx = instance.ctx
    client = api.client(instance, "alice")
    bakers = client.list_create("Bakers")
    client.list_accounts_add(bakers["id"], [bob.id])
    carols = instance.run(posts.create_local_post(ctx, carol, "carol's loaf"))
    shown = [
        instance.run(posts.create_local_post(ctx, bob, "public bread")),
        instance.run(posts.create_local_post(ctx, bob, "for followers", visibility="private")),
        instance.run(posts.create_local_post(ctx, bob, "@alice just us", visibility="direct")),
        instance.run(interactions.boost(ctx, bob, carols)),
    ]
    instance.run(posts.create_local_post(ctx, bob, "@dave not for alice", visibility="direct"))
    found = client.timeline_list(bakers["id"])
    assert [s["id"] for s in found] == [str(p.id) for p in shown[::-1]]
    assert found[0]["reblog"]["id"] == str(carols.id)
    first = client.timeline_list(bakers["id"], limit=3)
    assert len(first) == 3 and [s["id"] for s in client.fetch_next(first)] == [str(shown[0].id)]


def test_timeline__follows_the_replies_policy(instance):
    alice, bob, carol = _setup(instance, "alice", "bob", "carol")
    ctx = instance.ctx
    client = api.client(instance, "alice")
    bakers = client.list_create("Bakers")
    client.list_accounts_add(bakers["id"], [bob.id])
    bobs = instance.run(posts.create_local_post(ctx, bob, "starter"))
    alices = instance.run(posts.create_local_post(ctx, alice, "question"))
    carols = instance.run(posts.create_local_post(ctx, carol, "loaf"))
    self_reply = instance.run(posts.create_local_post(ctx, bob, "more", in_reply_to=bobs))
    to_owner = instance.run(posts.create_local_post(ctx, bob, "@alice answer", in_reply_to=alices))
    to_carol = instance.run(posts.create_local_post(ctx, bob, "@carol nice", in_reply_to=carols))

    def ids() -> set[str]:
        return {s["id"] for s in client.timeline_list(bakers["id"])}

    always = {str(bobs.id), str(self_reply.id), str(to_owner.id)}
    assert ids() == always  # "list": carol is not on the list
    client.list_update(bakers["id"], "Bakers", replies_policy="followed")
    assert ids() == always | {str(to_carol.id)}
    client.list_update(bakers["id"], "Bakers", replies_policy="none")
    assert ids() == always
    client.list_accounts_add(bakers["id"], [carol.id])
    client.list_update(bakers["id"], "Bakers", replies_policy="list")
    assert ids() == always | {str(to_carol.id), str(carols.id)}


def test_timeline__applies_home_filters(instance):
    alice, bob = _setup(instance, "alice", "bob")
    client = api.client(instance, "alice")
    bakers = client.list_create("Bakers")
    client.list_accounts_add(bakers["id"], [bob.id])
    instance.run(posts.create_local_post(instance.ctx, bob, "the secret ingredient"))
    kept = instance.run(posts.create_local_post(instance.ctx, bob, "sourdough starter"))
    client.create_filter_v2("secrets", ["home"], "hide", keywords_attributes=[{"keyword": "secret"}])
    client.create_filter_v2("dough", ["home"], "warn", keywords_attributes=[{"keyword": "dough", "whole_word": False}])
    found = client.timeline_list(bakers["id"])
    assert [s["id"] for s in found] == [str(kept.id)]
    assert [r["filter"]["title"] for r in found[0]["filtered"]] == ["dough"]
