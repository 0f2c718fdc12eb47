"""Insights: views of a creator's posts and profile counted from real requests, once per viewer
per day and without storing who; written in batches (at the flush interval or a graceful stop);
shown through /api/v1/redfed/insights only to the author; none of it when turned off."""

from redfed.services.social import interactions, posts

from ..federation.test_posts import _connect, _settle, _stored
from ..support import api
from ..support.http import get
from ..support.waiting import wait_until

DAY = 86_400


def _page(instance, path: str, reader: str, referer: str | None = None) -> None:
    headers = {"User-Agent": reader, **({"Referer": referer} if referer else {})}
    assert get(instance.url(path), headers=headers).status == 200


def _ask(instance, username: str | None, path: str):
    token = {"Authorization": f"Bearer {api.token_for(instance, username)}"} if username else {}
    return get(instance.url(f"/api/v1/redfed/insights/{path}"), headers=token)


def _insights(instance, username: str, path: str) -> dict:
    reply = _ask(instance, username, path)
    assert reply.status == 200, reply.body
    return reply.json()


def test_views__once_per_viewer_per_day_by_source__kept_through_a_graceful_stop(start_instance, clock):
    # Given alice's post with a hashtag, that bob follows, likes and boosts
    first = start_instance("a")
    first.create_user("alice"), first.create_user("bob"), first.create_user("carol")
    alice, bob = api.client(first, "alice"), api.client(first, "bob")
    status = alice.status_post("Sunrise over the bay #harbour")
    post_path = f"/@alice/{status['id']}"
    bob.account_follow(bob.account_lookup("alice")["id"])
    bob.status_favourite(status["id"]), bob.status_reblog(status["id"])

    # When readers come from a hashtag page, another site, apps and the profile, some twice
    _page(first, "/tags/harbour", "reader-1")
    _page(first, "/tags/harbour", "reader-1")
    _page(first, post_path, "reader-1", referer=first.url("/tags/harbour"))  # seen today already
    _page(first, post_path, "reader-2", referer="https://elsewhere.example/blog")
    bob.status(status["id"]), bob.status(status["id"])
    api.client(first, "carol").timeline_hashtag("harbour")  # an app's hashtag timeline
    alice.status(status["id"])  # the author's own reads are not views
    _page(first, "/@alice", "reader-1")
    _page(first, "/@alice", "reader-1")
    clock.advance(DAY)
    _page(first, "/tags/harbour", "reader-1")  # a new day: counted again

    # Then nothing is written until the flush interval (a minute by default)...
    assert _insights(first, "alice", f"posts/{status['id']}")["views"]["total"] == 0
    # ...and a graceful stop writes what was counted
    first.stop()
    again = start_instance("a", port=first.port)
    found = _insights(again, "alice", f"posts/{status['id']}")
    assert found["views"]["total"] == 5
    assert found["views"]["by_source"] == {
        "profile": 0, "hashtag": 3, "explore": 0, "home": 0, "external": 1, "other": 1,
    }
    assert [day["views"] for day in found["views"]["by_day"][-2:]] == [4, 1]
    assert found["likes"] == {"total": 1, "local": 1, "remote": {}}
    assert found["boosts"]["local"] == 1 and found["replies"]["total"] == 0
    assert found["deliveries"] == {"servers": 0, "sent": 0, "failed": 0}

    account = _insights(again, "alice", "account")
    assert account["profile_views"]["total"] == 1 and account["profile_views"]["by_source"]["other"] == 1
    assert account["post_views"]["total"] == 5
    assert account["followers"] == {"total": 1, "local": 1, "remote": {}}
    assert sum(day["followers"] for day in account["new_followers"]) == 1
    assert account["posts"] == [{"status_id": status["id"], "views": 5}]

    # Only the author sees them
    assert _ask(again, "bob", f"posts/{status['id']}").status == 404
    assert _ask(again, None, f"posts/{status['id']}").status == 401


def test_views__written_every_flush_interval__as_csv__and_deleted_past_the_retention_limit(start_instance, clock):
    instance = start_instance("a", insights={"flush_seconds": 0.2, "retention_days": 1})
    instance.create_user("alice")
    status = api.client(instance, "alice").status_post("Hello #harbour")
    _page(instance, "/tags/harbour", "reader-1")

    wait_until(lambda: _insights(instance, "alice", f"posts/{status['id']}")["views"]["total"],
               "the flush of the view counts", seconds=5)

    csv = _ask(instance, "alice", f"posts/{status['id']}?format=csv")
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert "views_from_hashtag,,,1" in csv.text

    clock.advance(2 * DAY)
    wait_until(lambda: _insights(instance, "alice", f"posts/{status['id']}")["views"]["total"] == 0,
               "the views older than a day to be deleted", seconds=5)


def test_insights_turned_off__nothing_counted_and_404(start_instance):
    off = start_instance("a", insights={"enabled": False})
    off.create_user("alice")
    status = api.client(off, "alice").status_post("Hello #harbour")
    _page(off, "/tags/harbour", "reader-1")
    _page(off, "/@alice", "reader-1")

    assert _ask(off, "alice", f"posts/{status['id']}").status == 404
    assert _ask(off, "alice", "account").status == 404
    off.stop()
    on = start_instance("a", port=off.port)
    assert _insights(on, "alice", "account")["post_views"]["total"] == 0
    assert _insights(on, "alice", "account")["profile_views"]["total"] == 0


def test_reach__responses_and_followers_by_server__deliveries_made(start_instance):
    # Given dave on another server following alice, and liking and replying to her post
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice"), b.create_user("dave")
    _connect(b, a, "dave", "alice")
    status = api.client(a, "alice").status_post("Open studio on Sunday")
    _settle(a, b)
    on_b = _stored(b, status["uri"])
    b.run(interactions.like(b.ctx, b.actor("dave"), on_b))
    b.run(posts.create_local_post(b.ctx, b.actor("dave"), "See you there", visibility="public", in_reply_to=on_b))
    _settle(a, b)

    found = _insights(a, "alice", f"posts/{status['id']}")
    assert found["likes"] == {"total": 1, "local": 0, "remote": {b.domain: 1}}
    assert found["replies"]["remote"] == {b.domain: 1}
    assert found["deliveries"] == {"servers": 1, "sent": 1, "failed": 0}
    assert _insights(a, "alice", "account")["followers"] == {"total": 1, "local": 0, "remote": {b.domain: 1}}
