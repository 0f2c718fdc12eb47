"""Emoji reactions: between two redfed instances over Pleroma's API routes, and arriving as
Misskey (a Like with `content`), Pleroma and Akkoma (EmojiReact) send them, custom emoji included.

alice is on A, bob on B; alice follows bob."""

import json
from urllib.parse import quote

import pytest

from ..support import api
from ..support.hostile import sign_post
from ..support.http import request
from .test_posts import _connect, _settle

BLOBCAT = "https://misskey.example/files/blobcat.png"


@pytest.fixture
def pair(start_instance):
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob")
    _connect(a, b)
    return a, b


def _pleroma(instance, token, method, status_id, emoji=None):
    path = f"/api/v1/pleroma/statuses/{status_id}/reactions" + (f"/{quote(emoji)}" if emoji else "")
    reply = request(method, instance.url(path), headers={"Authorization": f"Bearer {token}"})
    assert reply.status == 200, reply.body
    return reply.json()


def _reactions(client, status_id):
    return client.status(status_id)["pleroma"]["emoji_reactions"]


def _reaction_notices(client):
    return sum(n["type"] == "pleroma:emoji_reaction" for n in client.notifications())


def test_reaction__reaches_the_author_with_its_count_and_undo_takes_it_back(pair):
    a, b = pair
    alice_token, bob = api.token_for(a, "alice"), api.client(b, "bob")
    original = bob.status_post("new shoes")
    _settle(a, b)
    on_a = api.client(a, "alice").search_v2(original["uri"], resolve=True)["statuses"][0]
    shown = _pleroma(a, alice_token, "PUT", on_a["id"], "🎉")
    assert shown["pleroma"]["emoji_reactions"] == [{"name": "🎉", "count": 1, "me": True}]
    _pleroma(a, alice_token, "PUT", on_a["id"], "👍🏽")
    _pleroma(a, alice_token, "PUT", on_a["id"], "🎉")  # twice is once
    _settle(a, b)
    assert {r["name"]: r["count"] for r in _reactions(bob, original["id"])} == {"🎉": 1, "👍🏽": 1}
    assert _reaction_notices(bob) == 1  # one for all of alice's reactions to the post
    who = _pleroma(b, api.token_for(b, "bob"), "GET", original["id"], "🎉")
    assert [(acc["username"], acc["url"]) for acc in who[0]["accounts"]] == [("alice", a.url("/@alice"))]
    _pleroma(a, alice_token, "DELETE", on_a["id"], "🎉")
    _settle(a, b)
    assert [r["name"] for r in _reactions(bob, original["id"])] == ["👍🏽"]
    _pleroma(a, alice_token, "DELETE", on_a["id"], "👍🏽")
    _settle(a, b)
    assert _reactions(bob, original["id"]) == [] and _reaction_notices(bob) == 0


def test_reaction__must_be_one_emoji(instance):
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    post = api.client(instance, "alice").status_post("hi")
    for wrong in ("hello", "👍👍", "<b>", ":unknown:"):
        reply = request("PUT", instance.url(f"/api/v1/pleroma/statuses/{post['id']}/reactions/{quote(wrong)}"),
                        headers={"Authorization": f"Bearer {token}"})
        assert reply.status == 422, wrong


@pytest.fixture
def alice(instance):
    instance.create_user("alice")
    return api.client(instance, "alice")


def _send(instance, actor, activity):
    reply = sign_post(instance.url("/inbox"), activity, actor.signing_key, instance.clock()).send()
    assert reply.status == 202, reply.body
    instance.drain()


def _custom_like(actor, object_uri):
    emoji_tag = {"id": BLOBCAT, "type": "Emoji", "name": ":blobcat:", "icon": {"type": "Image", "url": BLOBCAT}}
    return actor.activity("Like", object_uri, content=":blobcat:", _misskey_reaction=":blobcat:", tag=[emoji_tag])


def test_misskey_reaction__with_a_custom_emoji_is_a_reaction_not_a_like(instance, alice, hostile):
    mika = hostile.add_actor("mika")
    post = alice.status_post("my cat")
    like = _custom_like(mika, post["uri"])
    _send(instance, mika, like)
    shown = alice.status(post["id"])
    assert shown["favourites_count"] == 0
    assert shown["pleroma"]["emoji_reactions"] == [
        {"name": "blobcat", "count": 1, "me": False, "url": BLOBCAT, "static_url": BLOBCAT}
    ]
    # Now alice can react with the same custom emoji, by its shortcode.
    token = api.token_for(instance, "alice")
    _pleroma(instance, token, "PUT", post["id"], ":blobcat:")
    assert _reactions(alice, post["id"])[0]["count"] == 2
    _send(instance, mika, mika.activity("Undo", like))
    assert _reactions(alice, post["id"]) == [{"name": "blobcat", "count": 1, "me": True, "url": BLOBCAT, "static_url": BLOBCAT}]


def test_emoji_react__from_pleroma_and_its_undo(instance, alice, hostile):
    lain = hostile.add_actor("lain")
    post = alice.status_post("my dog")
    react = lain.activity("EmojiReact", post["uri"], content="🐕")
    _send(instance, lain, react)
    assert _reactions(alice, post["id"]) == [{"name": "🐕", "count": 1, "me": False}]
    assert [n["type"] for n in alice.notifications()] == ["pleroma:emoji_reaction"]
    _send(instance, lain, lain.activity("Undo", react["id"]))
    assert _reactions(alice, post["id"]) == []


def test_reaction_flood__from_one_remote_actor_is_capped(instance, alice, hostile):
    """Thousands of distinct emoji from one actor on one post: the first 20 count, the rest are
    ignored (each delivery still answered 202; nothing else is stored)."""
    troll = hostile.add_actor("troll")
    post = alice.status_post("hello")
    flood = [chr(code) for code in range(0x1F600, 0x1F650)]  # 80 distinct emoji
    for emoji in flood:
        reply = sign_post(instance.url("/inbox"), troll.activity("EmojiReact", post["uri"], content=emoji),
                          troll.signing_key, instance.clock()).send()
        assert reply.status == 202
    while instance.drain():
        pass
    assert sum(r["count"] for r in _reactions(alice, post["id"])) == 20
    garbage = troll.activity("EmojiReact", post["uri"], content="<script>x</script>")
    _send(instance, troll, garbage)
    assert all("<" not in r["name"] for r in _reactions(alice, post["id"]))
