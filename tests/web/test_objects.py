"""Posts at their ids: Notes by content negotiation, their activities, tombstones, and authorized
fetch of followers-only and direct posts (checklist 34, 35), signed for real by another instance."""

import asyncio
import json

import pytest

from redfed.federation.http import HttpClient
from redfed.protocol import as2
from redfed.protocol.signatures import SigningKey, sign_request
from redfed.services.social import follows, interactions, posts
from redfed.store import actors as actor_store
from redfed.store.social import follows as follow_store

from ..support.http import AP, get

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
NOT_FOUND = {"error": "no such post"}


def _post(instance, actor, text, visibility="public"):
    return instance.run(posts.create_local_post(instance.ctx, actor, text, visibility=visibility))


def _signing_key(instance, actor):
    return SigningKey.newest_rsa(instance.run(actor_store.list_keys(instance.runtime.db.reader, actor.id)))


def signed_get(instance, actor, url, rfc9421=False):
    """GET `url` signed with the key of `actor`, a user of `instance`, the way that instance signs."""

    async def fetch():
        async with HttpClient(instance.config, clock=instance.clock) as client:
            return await client.request("GET", url, headers=AP, key=_signing_key(instance, actor), rfc9421=rfc9421)

    return asyncio.run(fetch())


def _json(reply):
    return json.loads(reply.body)


def _follow(follower_instance, follower, followee_uri):
    follower_instance.run(follows.follow(follower_instance.ctx, follower, follower_instance.resolve(followee_uri)))


def _follow_accepted(follower_instance, followee_instance, follower, followee_uri):
    """A follow across instances, delivered and accepted (the followee's account is open)."""
    _follow(follower_instance, follower, followee_uri)
    follower_instance.drain()  # the Follow reaches the followee's server
    followee_instance.drain()  # which accepts it and delivers the Accept
    follower_instance.drain()


@pytest.mark.parametrize(
    ("visibility", "to", "cc"),
    [
        ("public", [as2.PUBLIC], ["followers"]),
        ("unlisted", ["followers"], [as2.PUBLIC]),
        ("private", ["followers"], []),
    ],
)
def test_note__is_served_at_its_id_addressed_as_mastodon_does(instance, visibility, to, cc):
    alice = instance.create_user("alice").actor
    post = _post(instance, alice, "hello <world>", visibility)
    followers = instance.url("/users/alice/followers")
    # The author may always fetch her own post; a signature is what a private one needs.
    reply = signed_get(instance, alice, post.uri)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/activity+json"
    assert reply.headers["Vary"] == "Accept"
    note = _json(reply)
    assert note["id"] == post.uri == instance.url(f"/users/alice/statuses/{post.id}")
    assert note["type"] == "Note"
    assert note["attributedTo"] == alice.uri
    assert note["url"] == instance.url(f"/@alice/{post.id}")
    assert note["content"] == "<p>hello &lt;world&gt;</p>"
    assert note["published"].endswith("Z")
    assert note["to"] == [followers if x == "followers" else x for x in to]
    assert note["cc"] == [followers if x == "followers" else x for x in cc]
    if visibility != "private":
        assert get(post.uri, AP).json() == note  # public posts need no signature


def test_note__browsers_are_sent_to_the_post_page(instance):
    alice = instance.create_user("alice").actor
    post = _post(instance, alice, "hello from alice")
    reply = get(post.uri, BROWSER)
    assert reply.status == 302
    assert reply.headers["Location"] == instance.url(f"/@alice/{post.id}")

    page = get(instance.url(f"/@alice/{post.id}"), BROWSER)
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Accept" in page.headers["Vary"]
    assert "<p>hello from alice</p>" in page.text
    assert f'<link rel="alternate" type="application/activity+json" href="{post.uri}">' in page.text

    # The page URL answers ActivityPub clients too, as the profile URL does.
    assert get(instance.url(f"/@alice/{post.id}"), AP).json()["id"] == post.uri


def test_activity__is_the_create_that_published_the_post(instance):
    alice = instance.create_user("alice").actor
    post = _post(instance, alice, "hello", "unlisted")
    reply = get(post.uri + "/activity", AP)
    assert reply.headers["Content-Type"] == "application/activity+json"
    create = reply.json()
    assert create["id"] == post.uri + "/activity"
    assert create["type"] == "Create"
    assert create["actor"] == alice.uri
    assert create["object"]["id"] == post.uri
    assert create["to"] == create["object"]["to"] and create["cc"] == create["object"]["cc"]


def test_boost__its_id_is_the_announce_and_its_status_leads_to_the_original(instance):
    alice, bob = instance.create_user("alice").actor, instance.create_user("bob").actor
    original = _post(instance, alice, "boost me")
    boost = instance.run(interactions.boost(instance.ctx, bob, original))
    assert boost.uri.endswith("/activity")

    announce = get(boost.uri, AP).json()
    assert announce["type"] == "Announce"
    assert announce["id"] == boost.uri
    assert announce["actor"] == bob.uri
    assert announce["object"] == original.uri

    reply = get(boost.uri.removesuffix("/activity"), AP)
    assert reply.status == 302
    assert reply.headers["Location"] == original.uri


def test_deleted_post__is_410_with_a_tombstone(instance):
    alice = instance.create_user("alice").actor
    post = _post(instance, alice, "regrettable")
    instance.run(posts.delete_local_post(instance.ctx, alice, post))

    reply = get(post.uri, AP)
    assert reply.status == 410
    assert reply.headers["Content-Type"] == "application/activity+json"
    tombstone = reply.json()
    assert tombstone["id"] == post.uri
    assert tombstone["type"] == "Tombstone"
    assert tombstone["deleted"].endswith("Z")
    assert get(post.uri + "/activity", AP).status == 410

    page = get(instance.url(f"/@alice/{post.id}"), BROWSER)
    assert page.status == 410
    assert page.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/users/alice/statuses/123", "/users/alice/statuses/123/activity", "/@alice/123"])
def test_unknown_post__is_404_with_an_error(instance, path):
    instance.create_user("alice")
    reply = get(instance.url(path), AP)
    assert reply.status == 404
    assert reply.json() == NOT_FOUND
    assert "Accept" in reply.headers["Vary"]


def test_post__is_not_found_under_another_account(instance):
    alice = instance.create_user("alice").actor
    instance.create_user("bob")
    post = _post(instance, alice, "mine")
    assert get(instance.url(f"/users/bob/statuses/{post.id}"), AP).json() == NOT_FOUND
    assert get(instance.url(f"/@bob/{post.id}"), AP).json() == NOT_FOUND
    assert get(instance.url(f"/users/nobody/statuses/{post.id}"), AP).json() == {"error": "no such account"}


# Authorized fetch (checklist 34, 35) ----------------------------------------------------------


@pytest.mark.parametrize("rfc9421", [False, True], ids=["cavage", "rfc9421"])
def test_followers_only_post__is_served_only_to_a_signed_fetch_by_a_follower(start_instance, rfc9421):
    a, b = start_instance("a"), start_instance("b")
    alice, bob = a.create_user("alice").actor, b.create_user("bob").actor
    post = _post(a, alice, "followers only", "private")

    # To anyone else the post does not exist: the same answer as for an unknown id.
    for reply in (get(post.uri, AP), get(post.uri + "/activity", AP), get(post.uri, BROWSER)):
        assert reply.status == 404
    assert get(post.uri, AP).json() == NOT_FOUND
    stranger = signed_get(b, bob, post.uri, rfc9421)
    assert stranger.status == 404
    assert _json(stranger) == NOT_FOUND

    _follow_accepted(b, a, bob, alice.uri)

    note = _json(signed_get(b, bob, post.uri, rfc9421))
    assert note["id"] == post.uri
    assert note["to"] == [a.url("/users/alice/followers")]
    create = _json(signed_get(b, bob, post.uri + "/activity", rfc9421))
    assert create["type"] == "Create" and create["object"]["id"] == post.uri
    assert get(post.uri, AP).status == 404  # still nothing without a signature


def test_followers_only_post__is_not_fetchable_before_a_locked_account_accepts(start_instance):
    a, b = start_instance("a"), start_instance("b")
    alice, bob = a.create_user("alice").actor, b.create_user("bob").actor
    a.run(_lock(a, alice))
    post = _post(a, alice, "followers only", "private")
    _follow(b, bob, alice.uri)
    b.drain()  # the request reaches a...
    a.drain()  # ...where it waits for alice
    bob_on_a = a.resolve(bob.uri)
    assert a.run(follow_store.find_follow(a.runtime.db.reader, bob_on_a.id, alice.id)).state == "pending"
    assert signed_get(b, bob, post.uri).status == 404

    a.run(follows.accept_request(a.ctx, a.actor("alice"), bob_on_a))
    assert signed_get(b, bob, post.uri).status == 200


async def _lock(instance, actor):
    # No service edits the profile yet; the column is what follows.receive_follow reads.
    async with instance.runtime.db.transaction() as conn:
        await conn.execute("UPDATE actors SET manually_approves_followers = 1 WHERE id = ?", (actor.id,))


def test_followers_only_post__a_badly_signed_fetch_is_404(start_instance):
    a, b = start_instance("a"), start_instance("b")
    alice, bob = a.create_user("alice").actor, b.create_user("bob").actor
    post = _post(a, alice, "followers only", "private")
    _follow_accepted(b, a, bob, alice.uri)
    assert signed_get(b, bob, post.uri).status == 200

    key = _signing_key(b, bob)
    # A signature made for another post's URL, replayed here; and one whose bytes were altered.
    elsewhere = sign_request("GET", a.url("/users/alice/statuses/1"), AP, None, key, b.clock())
    tampered = sign_request("GET", post.uri, AP, None, key, b.clock())
    tampered["Signature"] = tampered["Signature"].replace('signature="', 'signature="AAAA')
    expired = sign_request("GET", post.uri, AP, None, key, b.clock() - 2 * 86400)
    for headers in (elsewhere, tampered, expired, {**AP, "Signature": 'keyId="nonsense"'}):
        reply = get(post.uri, {k: v for k, v in headers.items() if k != "Host"})
        assert reply.status == 404
        assert reply.json() == NOT_FOUND


def test_direct_post__is_served_only_to_the_mentioned_account(start_instance):
    a, b = start_instance("a"), start_instance("b")
    alice = a.create_user("alice").actor
    bob, carol = b.create_user("bob").actor, b.create_user("carol").actor
    post = _post(a, alice, f"@bob@{b.domain} hi", "direct")

    note = _json(signed_get(b, bob, post.uri, rfc9421=True))
    assert note["to"] == [bob.uri] and note["cc"] == []
    assert note["tag"] == [{"type": "Mention", "href": bob.uri, "name": f"@bob@{b.domain}"}]
    assert signed_get(b, bob, post.uri).status == 200
    assert signed_get(b, carol, post.uri).status == 404
    assert get(post.uri, AP).status == 404

    # Following alice does not open her direct posts to anyone else.
    _follow_accepted(b, a, carol, alice.uri)
    assert signed_get(b, carol, post.uri).status == 404
