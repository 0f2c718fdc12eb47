"""Timelines through Mastodon.py: what each shows, and Mastodon's pagination."""

from redfed.services.social import follows

from ..support import api
from ..support.http import get, request


def test_home__shows_own_and_followed_posts_and_pages_by_link_headers(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    alice, bob = api.client(instance, "alice"), api.client(instance, "bob")
    instance.run(follows.follow(instance.ctx, instance.actor("alice"), instance.actor("bob")))
    made = [bob.status_post(f"post {n}")["id"] for n in range(25)] + [alice.status_post("mine")["id"]]
    first = alice.timeline_home()
    assert [s["id"] for s in first] == made[::-1][:20]
    second = alice.fetch_next(first)
    assert [s["id"] for s in second] == made[::-1][20:]
    assert alice.fetch_next(second) in (None, [])
    newer = alice.timeline_home(min_id=made[10], limit=5)
    assert [s["id"] for s in newer] == made[11:16][::-1]
    assert [s["id"] for s in alice.timeline_home(since_id=made[23])] == made[24:][::-1]


def test_public_local_and_tag_timelines(instance):
    instance.create_user("alice")
    alice = api.client(instance, "alice")
    tagged = alice.status_post("fresh #Bread")
    alice.status_post("unlisted #bread", visibility="unlisted")
    anonymous = api.client(instance)
    assert [s["id"] for s in anonymous.timeline_public(local=True)] == [tagged["id"]]
    assert [s["id"] for s in anonymous.timeline_hashtag("bread")] == [tagged["id"]]
    # any/all/none are not in Mastodon.py; Elk and Phanpy send them as query arrays.
    excluded = get(instance.url("/api/v1/timelines/tag/bread?none[]=bread"))
    assert excluded.status == 200 and excluded.json() == []
    either = get(instance.url("/api/v1/timelines/tag/nothing?any[]=bread"))
    assert [s["id"] for s in either.json()] == [tagged["id"]]


def test_favourites_and_bookmarks__list_what_the_user_marked(instance):
    instance.create_user("alice")
    alice = api.client(instance, "alice")
    one, two = alice.status_post("one"), alice.status_post("two")
    alice.status_favourite(one["id"])
    alice.status_bookmark(two["id"])
    assert [s["id"] for s in alice.favourites()] == [one["id"]]
    assert [s["id"] for s in alice.bookmarks()] == [two["id"]]


def test_conversations__group_direct_posts_by_thread(instance):
    for name in ("alice", "bob", "carol"):
        instance.create_user(name)
    alice, bob = api.client(instance, "alice"), api.client(instance, "bob")
    first = alice.status_post("@bob secret plans", visibility="direct")
    bob.status_post("@alice tell me more", visibility="direct", in_reply_to_id=first["id"])
    alice.status_post("@carol another thread", visibility="direct")
    mine = alice.conversations()
    assert len(mine) == 2
    with_bob = next(c for c in mine if c["id"] == first["id"])
    assert with_bob["unread"] and [a["username"] for a in with_bob["accounts"]] == ["bob"]
    assert with_bob["last_status"]["content"].endswith("tell me more</p>")
    assert [c["id"] for c in api.client(instance, "carol").conversations()] != [first["id"]]
    assert alice.conversations_read(first["id"])["unread"] is False
    assert not next(c for c in alice.conversations() if c["id"] == first["id"])["unread"]
    unread = alice._Mastodon__api_request("POST", f"/api/v1/conversations/{first['id']}/unread")
    assert unread["unread"] is True and next(c for c in alice.conversations() if c["id"] == first["id"])["unread"]
    alice.conversations_read(first["id"])
    # Mastodon.py has no call for removing a conversation; Tusky and Elk do.
    removed = request("DELETE", instance.url(f"/api/v1/conversations/{first['id']}"),
                      headers={"Authorization": f"Bearer {alice.access_token}"})
    assert removed.status == 200
    assert first["id"] not in [c["id"] for c in alice.conversations()]
    bob.status_post("@alice still there?", visibility="direct", in_reply_to_id=first["id"])
    assert first["id"] in [c["id"] for c in alice.conversations()]  # a new message brings it back


def test_filters__hide_or_warn_in_their_contexts(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    alice, bob = api.client(instance, "alice"), api.client(instance, "bob")
    instance.run(follows.follow(instance.ctx, instance.actor("alice"), instance.actor("bob")))
    spoiler = bob.status_post("the butler did it")
    bob.status_post("nice weather")
    alice.create_filter_v2("spoilers", context=["home"], filter_action="hide", keywords_attributes=[{"keyword": "butler"}])
    alice.create_filter_v2("weather", context=["home", "public"], filter_action="warn",
                           keywords_attributes=[{"keyword": "weather", "whole_word": True}])
    home = alice.timeline_home()
    assert spoiler["id"] not in [s["id"] for s in home]
    [weather] = home
    assert weather["filtered"][0]["filter"]["title"] == "weather"
    assert weather["filtered"][0]["keyword_matches"] == ["weather"]
    public = alice.timeline_public(local=True)
    assert spoiler["id"] in [s["id"] for s in public]  # the hide filter is for home only
