"""Notifications through Mastodon.py: the v1 list, dismissing, unread counts and v2 groups."""

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from redfed.services.social import follows, interactions, posts, relationships

from ..support import api
from ..support.http import get


def _actors(instance, *names):
    return [instance.create_user(name).actor for name in names]


def _event(instance, clock, coroutine):
    """Run one event a millisecond after the last, so notification ids sort as the events did."""
    clock.advance(0.002)
    return instance.run(coroutine)


def test_v1__lists_each_type_newest_first_with_account_status_and_group_key(instance, clock):
    alice, bob = _actors(instance, "alice", "bob")
    ctx = instance.ctx
    post = _event(instance, clock, posts.create_local_post(ctx, alice, "fresh loaves"))
    _event(instance, clock, follows.follow(ctx, bob, alice))
    _event(instance, clock, interactions.like(ctx, bob, post))
    _event(instance, clock, interactions.boost(ctx, bob, post))
    mention = _event(instance, clock, posts.create_local_post(ctx, bob, "@alice save me one"))
    found = api.client(instance, "alice").notifications()
    assert [n["type"] for n in found] == ["mention", "reblog", "favourite", "follow"]
    assert all(n["account"]["username"] == "bob" for n in found)
    assert found[0]["status"]["id"] == str(mention.id) and found[1]["status"]["id"] == str(post.id)
    assert found[0]["group_key"] == f"ungrouped-{found[0]['id']}"
    assert found[2]["group_key"] == f"favourite-{post.id}"
    assert found[3]["group_key"].startswith("follow-") and found[3]["status"] is None
    one = api.client(instance, "alice").notifications(id=found[2]["id"])
    assert one["type"] == "favourite" and one["status"]["id"] == str(post.id)


def test_v1__pages_by_link_headers(instance, clock):
    alice, *others = _actors(instance, "alice", "u1", "u2", "u3", "u4", "u5")
    for other in others:
        _event(instance, clock, follows.follow(instance.ctx, other, alice))
    client = api.client(instance, "alice")
    first = client.notifications(limit=2)
    assert [n["account"]["username"] for n in first] == ["u5", "u4"]
    second = client.fetch_next(first)
    assert [n["account"]["username"] for n in second] == ["u3", "u2"]
    third = client.fetch_next(second)
    assert [n["account"]["username"] for n in third] == ["u1"]
    assert client.fetch_next(third) in (None, [])
    back = client.fetch_previous(third)
    assert [n["account"]["username"] for n in back] == ["u3", "u2"]
    reply = get(instance.url("/api/v1/notifications?limit=2"), {"Authorization": f"Bearer {api.token_for(instance, 'alice')}"})
    assert 'rel="next"' in reply.headers["Link"] and f"max_id={second[0]['id']}" not in reply.headers["Link"]
    assert f"max_id={first[1]['id']}" in reply.headers["Link"]


def test_v1__filters_by_types_exclude_types_and_account(instance, clock):
    alice, bob, carol = _actors(instance, "alice", "bob", "carol")
    post = _event(instance, clock, posts.create_local_post(instance.ctx, alice, "rye"))
    _event(instance, clock, follows.follow(instance.ctx, bob, alice))
    _event(instance, clock, interactions.like(instance.ctx, carol, post))
    _event(instance, clock, posts.create_local_post(instance.ctx, carol, "@alice hello"))
    client = api.client(instance, "alice")
    assert [n["type"] for n in client.notifications(types=["favourite", "follow"])] == ["favourite", "follow"]
    assert [n["type"] for n in client.notifications(exclude_types=["mention"])] == ["favourite", "follow"]
    assert [n["type"] for n in client.notifications(account_id=str(carol.id))] == ["mention", "favourite"]


def test_v1__dismiss_clear_and_others_notifications_are_not_found(instance, clock):
    alice, bob, carol = _actors(instance, "alice", "bob", "carol")
    _event(instance, clock, follows.follow(instance.ctx, bob, alice))
    _event(instance, clock, follows.follow(instance.ctx, carol, alice))
    _event(instance, clock, follows.follow(instance.ctx, alice, bob))
    client, bobs = api.client(instance, "alice"), api.client(instance, "bob")
    found = client.notifications()
    with pytest.raises(MastodonNotFoundError, match="Record not found"):
        bobs.notifications(id=found[0]["id"])
    with pytest.raises(MastodonNotFoundError):
        bobs.notifications_dismiss(found[0]["id"])
    client.notifications_dismiss(found[0]["id"])
    assert [n["id"] for n in client.notifications()] == [found[1]["id"]]
    client.notifications_clear()
    assert client.notifications() == []
    assert len(bobs.notifications()) == 1


def test_v1__hides_muted_and_blocked_accounts(instance, clock):
    alice, bob, carol, dave = _actors(instance, "alice", "bob", "carol", "dave")
    for other in (bob, carol, dave):
        _event(instance, clock, follows.follow(instance.ctx, other, alice))
    instance.run(relationships.mute(instance.ctx, alice, bob, True, 0))
    instance.run(relationships.mute(instance.ctx, alice, carol, False, 0))
    instance.run(interactions.block(instance.ctx, alice, dave))
    assert [n["account"]["username"] for n in api.client(instance, "alice").notifications()] == ["carol"]


def test_unread_count__counts_what_is_newer_than_the_marker(instance, clock):
    alice, *others = _actors(instance, "alice", "bob", "carol", "dave")
    for other in others:
        _event(instance, clock, follows.follow(instance.ctx, other, alice))
    client = api.client(instance, "alice")
    assert client.notifications_unread_count()["count"] == 3
    found = client.notifications()
    client.markers_set("notifications", found[1]["id"])
    assert client.notifications_unread_count()["count"] == 1
    assert client.unread_grouped_notifications_count() == 1


def test_filters__hide_or_mark_notifications_about_matching_statuses(instance, clock):
    alice, bob = _actors(instance, "alice", "bob")
    _event(instance, clock, posts.create_local_post(instance.ctx, bob, "@alice the ending is a SPOILER"))
    _event(instance, clock, posts.create_local_post(instance.ctx, bob, "@alice try the sourdough"))
    _event(instance, clock, posts.create_local_post(instance.ctx, bob, "@alice spoilers are fine"))
    client = api.client(instance, "alice")
    client.create_filter_v2("spoilers", ["notifications"], "hide", keywords_attributes=[{"keyword": "spoiler", "whole_word": True}])
    client.create_filter_v2("bread", ["notifications"], "warn", keywords_attributes=[{"keyword": "dough", "whole_word": False}])
    client.create_filter_v2("elsewhere", ["home"], "hide", keywords_attributes=[{"keyword": "fine"}])
    found = client.notifications()
    assert [n["status"]["content"].count("spoilers are fine") for n in found] == [1, 0]
    assert found[0]["status"]["filtered"] == []
    warned = found[1]["status"]["filtered"]
    assert [r["filter"]["title"] for r in warned] == ["bread"] and warned[0]["keyword_matches"] == ["dough"]
    assert warned[0]["filter"]["filter_action"] == "warn"


def test_v2__groups_favourites_of_one_post_and_pages(instance, clock):
    alice, bob, carol, dave = _actors(instance, "alice", "bob", "carol", "dave")
    ctx = instance.ctx
    post = _event(instance, clock, posts.create_local_post(ctx, alice, "cinnamon rolls"))
    for other in (bob, carol, dave):
        _event(instance, clock, interactions.like(ctx, other, post))
    _event(instance, clock, posts.create_local_post(ctx, bob, "@alice any left?"))
    _event(instance, clock, follows.follow(ctx, carol, alice))
    _event(instance, clock, follows.follow(ctx, dave, alice))
    client = api.client(instance, "alice")
    result = client.grouped_notifications(expand_accounts="full")
    groups = result["notification_groups"]
    assert [(g["type"], g["notifications_count"]) for g in groups] == [("follow", 2), ("mention", 1), ("favourite", 3)]
    favourites = groups[2]
    assert favourites["group_key"] == f"favourite-{post.id}" and favourites["status_id"] == str(post.id)
    assert favourites["sample_account_ids"] == [str(dave.id), str(carol.id), str(bob.id)]
    assert {a["username"] for a in result["accounts"]} == {"bob", "carol", "dave"}
    assert {s["id"] for s in result["statuses"]} == {str(post.id), groups[1]["status_id"]}
    partial = client.grouped_notifications()  # Mastodon.py asks for partial avatars
    assert {a["username"] for a in partial["accounts"]} == {"dave", "bob"}
    assert [a["acct"] for a in partial["partial_accounts"]] == ["carol"]
    ungrouped = client.grouped_notifications(grouped_types=["reblog"])["notification_groups"]
    assert [g["notifications_count"] for g in ungrouped] == [1] * 6
    first = client.grouped_notifications(limit=2)
    assert [g["type"] for g in first["notification_groups"]] == ["follow", "mention"]
    rest = client.fetch_next(first)
    assert [(g["type"], g["notifications_count"]) for g in rest["notification_groups"]] == [("favourite", 3)]
    # min_id pages up: the two groups starting just above the favourites. Counts cover the page's
    # id range, so the follow group is split over two pages; clients merge by group_key.
    back = client.fetch_previous(rest)
    assert [(g["type"], g["notifications_count"]) for g in back["notification_groups"]] == [("follow", 1), ("mention", 1)]
    newest = client.fetch_previous(back)["notification_groups"]
    assert [(g["group_key"], g["notifications_count"]) for g in newest] == [(back["notification_groups"][0]["group_key"], 1)]


def test_v2__one_group_its_accounts_dismissal_and_count(instance, clock):
    alice, bob, carol = _actors(instance, "alice", "bob", "carol")
    post = _event(instance, clock, posts.create_local_post(instance.ctx, alice, "baguette"))
    _event(instance, clock, interactions.like(instance.ctx, bob, post))
    _event(instance, clock, interactions.like(instance.ctx, carol, post))
    _event(instance, clock, posts.create_local_post(instance.ctx, bob, "@alice hi"))
    client = api.client(instance, "alice")
    key = f"favourite-{post.id}"
    single = client.grouped_notification(key)
    assert [(g["group_key"], g["notifications_count"]) for g in single["notification_groups"]] == [(key, 2)]
    assert [a["username"] for a in client.grouped_notification_accounts(key)] == ["carol", "bob"]
    assert client.unread_grouped_notifications_count() == 2
    with pytest.raises(MastodonNotFoundError):
        api.client(instance, "bob").grouped_notification(key)
    client.dismiss_grouped_notification(key)
    assert [n["type"] for n in client.notifications()] == ["mention"]
    with pytest.raises(MastodonNotFoundError, match="Record not found"):
        client.grouped_notification(key)


def test_scopes__read_and_write_notifications(instance, clock):
    alice, bob = _actors(instance, "alice", "bob")
    _event(instance, clock, follows.follow(instance.ctx, bob, alice))
    reader = api.client(instance, "alice", scopes="read:notifications")
    assert len(reader.notifications()) == 1
    with pytest.raises(MastodonAPIError) as refused:
        reader.notifications_clear()
    assert refused.value.args[1] == 403
    with pytest.raises(MastodonAPIError) as refused:
        api.client(instance, "alice", scopes="read:statuses").grouped_notifications()
    assert refused.value.args[1] == 403


def test_hidden_notifications__still_move_the_link_header_on(instance, clock):
    """A page whose only notification a hide filter drops is empty, but its Link goes on past it."""
    alice, bob = _actors(instance, "alice", "bob")
    _event(instance, clock, posts.create_local_post(instance.ctx, bob, "@alice old news"))
    _event(instance, clock, posts.create_local_post(instance.ctx, bob, "@alice hidden words"))
    client = api.client(instance, "alice")
    client.create_filter_v2("hidden", ["notifications"], "hide", keywords_attributes=[{"keyword": "hidden"}])
    token = {"Authorization": f"Bearer {api.token_for(instance, 'alice')}"}
    first = get(instance.url("/api/v1/notifications?limit=1"), token)
    assert first.status == 200 and first.json() == []
    next_url = first.headers["Link"].split(">")[0].lstrip("<")
    older = get(next_url, token).json()
    assert len(older) == 1 and "old news" in older[0]["status"]["content"]
