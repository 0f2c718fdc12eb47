"""The post page, the interaction forms, notifications and follow requests over plain HTTP (and
one hostile remote post in Chromium): who sees what, forged forms, unknown ids, every kind of
notification, paging, and remote HTML that must stay inert."""

import re
from urllib.parse import urlsplit

import pytest

from redfed.services.accounts import profiles
from redfed.services.notify import notify
from redfed.services.social import follows, interactions, posts

from ..support.hostile import AS_CONTEXT, HostileServer
from ..support.http import get
from .conftest import screenshot
from .test_forms import Browser

AP = {"Accept": "application/activity+json"}


def _count(instance, sql: str, *params) -> int:
    async def read():
        async with instance.runtime.db.reader.execute(sql, params) as cursor:
            return (await cursor.fetchone())[0]

    return instance.run(read())


def _token(page_text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_text)[1]


@pytest.fixture
def hostile():
    server = HostileServer().start()
    yield server
    server.stop()


def test_unknown_posts__are_404_as_pages_and_as_activitypub(instance):
    alice = instance.create_user("alice").actor
    bob = instance.create_user("bob").actor
    post = instance.run(posts.create_local_post(instance.ctx, alice, "hello"))
    for path in (f"/@alice/{post.id + 1000}", f"/@bob/{post.id}", f"/@nobody/{post.id}", f"/posts/{post.id + 1000}",
                 "/@alice/99999999999999999999", "/posts/abc"):
        reply = get(instance.url(path), {"Accept": "text/html"})
        assert reply.status == 404, path
        assert reply.headers["Content-Type"].startswith("text/html")
    assert get(instance.url(f"/@bob/{post.id}"), AP).status == 404
    assert get(instance.url(f"/@alice/{post.id}"), AP).json()["id"] == post.uri
    # A deleted post is gone, for both kinds of client.
    instance.run(posts.delete_local_post(instance.ctx, alice, post))
    assert get(instance.url(f"/@alice/{post.id}")).status == 410
    assert get(instance.url(f"/@alice/{post.id}"), AP).json()["type"] == "Tombstone"
    assert bob  # bob exists, and still the post is not his


def test_a_boost__has_no_page_of_its_own_and_leads_to_the_boosted_post(instance):
    alice = instance.create_user("alice").actor
    bob = instance.create_user("bob").actor
    post = instance.run(posts.create_local_post(instance.ctx, alice, "boost me"))
    boost = instance.run(interactions.boost(instance.ctx, bob, post))
    for path in (f"/@bob/{boost.id}", f"/posts/{boost.id}"):
        reply = get(instance.url(path), {"Accept": "text/html"})
        assert reply.status == 302 and reply.headers["Location"] == post.url, path
    reply = get(instance.url(f"/@bob/{boost.id}"), AP)
    assert reply.status == 302 and reply.headers["Location"] == post.uri


@pytest.mark.parametrize("visibility", ["private", "direct"])
def test_hidden_posts__only_those_allowed_see_them(instance, visibility):
    alice = instance.create_user("alice").actor
    bob = instance.create_user("bob").actor
    instance.create_user("carol")
    instance.run(follows.follow(instance.ctx, bob, alice))
    text = "@bob just for you" if visibility == "direct" else "for followers"
    post = instance.run(posts.create_local_post(instance.ctx, alice, text, visibility=visibility))
    paths = (f"/@alice/{post.id}", f"/posts/{post.id}")
    for path in paths:
        assert get(instance.url(path)).status == 404, path
        assert get(instance.url(path), AP).status == 404, path
    carol = Browser()
    carol.sign_in(instance, "carol")
    assert [carol.open(instance.url(path)).status for path in paths] == [404, 404]
    reader = Browser()
    reader.sign_in(instance, "bob")
    page = reader.open(instance.url(paths[0]))
    assert page.status == 200 and text in page.text
    assert reader.open(instance.url(paths[1])).status == 302  # to the post's own page
    # Nor can a stranger like it by its id.
    token = _token(carol.open(instance.url("/home")).text)
    reply = carol.open(instance.url(f"/posts/{post.id}/like"), {"csrf_token": token, "next": "/home"})
    assert reply.status == 404
    assert _count(instance, "SELECT count(*) FROM likes") == 0


def test_interaction_forms__forged_tokens_store_nothing(instance):
    alice = instance.create_user("alice").actor
    instance.create_user("bob")
    locked = instance.run(profiles.update_profile(instance.ctx, alice, locked=True))
    post = instance.run(posts.create_local_post(instance.ctx, locked, "hello"))
    bob = Browser()
    bob.sign_in(instance, "bob")
    forged = {"csrf_token": "forged", "next": "/home"}
    for action in ("like", "boost", "bookmark"):
        assert bob.open(instance.url(f"/posts/{post.id}/{action}"), forged).status == 403
    assert bob.open(instance.url(f"/accounts/{alice.id}/follow"), forged).status == 403
    assert _count(instance, "SELECT count(*) FROM likes") == 0
    assert _count(instance, "SELECT count(*) FROM bookmarks") == 0
    assert _count(instance, "SELECT count(*) FROM posts") == 1
    assert _count(instance, "SELECT count(*) FROM follows") == 0

    # A real request, then a forged answer to it.
    token = _token(bob.open(instance.url("/home")).text)
    reply = bob.open(instance.url(f"/accounts/{alice.id}/follow"), {"csrf_token": token, "next": "/@alice"})
    assert reply.status == 303 and reply.headers["Location"] == "/@alice"
    owner = Browser()
    owner.sign_in(instance, "alice")
    bob_id = instance.actor("bob").id
    assert owner.open(instance.url(f"/follow_requests/{bob_id}/accept"), forged).status == 403
    assert _count(instance, "SELECT count(*) FROM follows WHERE state = 'pending'") == 1
    token = _token(owner.open(instance.url("/follow_requests")).text)
    # Off-site "next" values are not followed.
    reply = owner.open(instance.url(f"/follow_requests/{bob_id}/accept"), {"csrf_token": token, "next": "//evil.example/"})
    assert reply.status == 303 and reply.headers["Location"] == "/follow_requests"
    assert _count(instance, "SELECT count(*) FROM follows WHERE state = 'accepted'") == 1
    # Answering a request that no longer exists is a 404, not a second follow.
    assert owner.open(instance.url(f"/follow_requests/{bob_id}/reject"), {"csrf_token": token}).status == 404
    assert _count(instance, "SELECT count(*) FROM follows") == 1


def test_signed_out__the_pages_ask_to_sign_in(instance):
    for path in ("/notifications", "/follow_requests", "/authorize_interaction?uri=x"):
        reply = Browser().open(instance.url(path))
        assert reply.status == 303 and reply.headers["Location"].startswith("/auth/sign_in?next="), path


def test_notifications__every_type_newest_first_paged_and_marked_read(instance):
    alice = instance.create_user("alice").actor
    bob = instance.create_user("bob").actor
    post = instance.run(posts.create_local_post(instance.ctx, alice, "my listing of a bike"))

    async def write(kinds, post_ids=None):
        async with instance.runtime.db.transaction() as conn:
            for number, kind in enumerate(kinds):
                post_id = post_ids[number] if post_ids else post.id if kind not in ("follow", "move") else None
                await notify(conn, alice.id, kind, bob, post_id, 1_000 + number)

    kinds = ["follow", "favourite", "reblog", "poll", "update", "move", "redfed.offer", "redfed.deal", "severed_relationships"]
    instance.run(write(kinds))
    browser = Browser()
    browser.sign_in(instance, "alice")
    page = browser.open(instance.url("/notifications"))
    found = re.findall(r'class="notice notice-([\w-]+)', page.text)
    assert found == [kind.replace(".", "-") for kind in reversed(kinds)]
    for text in ("bob followed you", "bob liked your post", "bob boosted your post", "A poll has ended", "bob edited a post",
                 "bob moved to a new account", "bob made an offer", "A deal with bob has news", "New activity from bob"):
        assert text in page.text
    assert page.text.count("notice-unread") == len(kinds)
    assert browser.open(instance.url("/notifications")).text.count("notice-unread") == 0
    # The client API sees them read too: the marker moved to the newest one.
    assert _count(instance, "SELECT count(*) FROM markers WHERE timeline = 'notifications'") == 1

    # Pages of thirty, newest first, with a link to the older ones.
    liked = [instance.run(posts.create_local_post(instance.ctx, alice, f"post {n}")).id for n in range(30)]
    instance.run(write(["favourite"] * 30, liked))
    first = browser.open(instance.url("/notifications"))
    assert first.text.count('class="notice ') == 30
    older = re.search(r'href="/notifications\?max_id=(\d+)"', first.text)[1]
    second = browser.open(instance.url(f"/notifications?max_id={older}"))
    assert second.text.count('class="notice ') == len(kinds)
    assert 'class="pager"' not in second.text
    assert browser.open(instance.url("/notifications?max_id=junk")).status == 200


def test_script_in_remote_content__is_not_run(instance, hostile, new_page):
    alice = instance.create_user("alice").actor
    mallory = hostile.add_actor("mallory")
    note = mallory.note(
        '<p>hi<script>alert("script")</script><img src="x" onerror="alert(\'img\')">'
        '<a href="javascript:alert(\'link\')">click</a><iframe src="javascript:alert(1)"></iframe></p>',
        summary='<b onmouseover="alert(1)">cw</b>', attachment=[{"type": "Image", "mediaType": "image/png",
                                                                  "url": "javascript:alert('photo')", "name": '"><script>alert("alt")</script>'}],
    )
    hostile.serve(urlsplit(note["id"]).path, {"@context": AS_CONTEXT, **note})
    remote_post = instance.run(posts.fetch_post(instance.ctx, note["id"]))
    reply = instance.run(posts.create_local_post(instance.ctx, alice, "a reply to mallory", in_reply_to=remote_post))
    instance.run(interactions.like(instance.ctx, alice, remote_post))

    page = new_page(width=360, height=780)
    for path in (f"/posts/{remote_post.id}", f"/@alice/{reply.id}"):
        page.goto(instance.url(path))
        for summary in page.locator("details.content-warning > summary").all():
            summary.click()
        for link in page.locator(".post-content a").all():
            link.click(no_wait_after=True, timeout=2000) if link.get_attribute("href") else None
        assert page.locator(".post-content script, .post-content iframe, .post-content [onerror]").count() == 0
        assert page.locator("[href^='javascript:'], [src^='javascript:']").count() == 0
    page.goto(instance.url(f"/posts/{remote_post.id}"))
    assert page.locator(".post-meta a", has_text="View on the original server").get_attribute("href") == note["id"]
    screenshot(page, "remote-post-360")
    assert page.dialogs == []
