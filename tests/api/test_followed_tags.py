"""Followed hashtags through Mastodon.py: a public or unlisted post carrying a tag someone follows
reaches their home timeline and user stream once, local or federated, unless they hide its author."""

import asyncio
import json

import aiohttp

from redfed.services.social import follows

from ..support import api

TIMEOUT = 5.0


def _home_ids(client) -> list[str]:
    return [status["id"] for status in client.timeline_home()]


def _settle(*instances) -> None:
    for _ in range(10):
        if sum(i.drain() for i in instances) == 0:
            return


def test_home__carries_public_and_unlisted_posts_with_a_followed_tag_once(instance):
    for name in ("alice", "bob", "carol"):
        instance.create_user(name)
    alice, bob = api.client(instance, "alice"), api.client(instance, "bob")
    alice.tag_follow("Picnic")
    public = bob.status_post("lunch on the grass #picnic")
    unlisted = bob.status_post("quietly #Picnic", visibility="unlisted")
    bob.status_post("for followers #picnic", visibility="private")
    bob.status_post("no tag here")
    assert _home_ids(alice) == [unlisted["id"], public["id"]]

    alice.account_follow(alice.account_lookup("bob")["id"])  # the author followed too: still once
    assert _home_ids(alice).count(public["id"]) == 1
    alice.account_unfollow(alice.account_lookup("bob")["id"])

    alice.tag_unfollow("picnic")
    assert _home_ids(alice) == []


def test_home__leaves_out_tagged_posts_of_hidden_authors_and_filtered_words(instance):
    for name in ("alice", "bob", "carol", "dave"):
        instance.create_user(name)
    alice = api.client(instance, "alice")
    alice.tag_follow("picnic")
    alice.account_block(alice.account_lookup("bob")["id"])
    alice.account_mute(alice.account_lookup("carol")["id"])
    alice.create_filter_v2("No ants", ["home"], "hide", keywords_attributes=[{"keyword": "ants"}])
    api.client(instance, "bob").status_post("blocked #picnic")
    api.client(instance, "carol").status_post("muted #picnic")
    api.client(instance, "dave").status_post("ants everywhere #picnic")
    shown = api.client(instance, "dave").status_post("shown #picnic")
    assert _home_ids(alice) == [shown["id"]]


def test_home__carries_a_federated_post_with_a_followed_tag_once(instance, start_instance):
    other = start_instance("other")
    other.create_user("bob")
    instance.create_user("alice")
    instance.create_user("carol")
    bob_here = instance.resolve(other.url("/users/bob"))
    # carol's follow brings bob's posts here; alice only follows the tag.
    instance.run(follows.follow(instance.ctx, instance.actor("carol"), bob_here))
    _settle(instance, other)
    alice = api.client(instance, "alice")
    alice.tag_follow("picnic")
    posted = api.client(other, "bob").status_post("from afar #Picnic")
    api.client(other, "bob").status_post("untagged, from afar")
    _settle(instance, other)
    assert [s["uri"] for s in alice.timeline_home()] == [posted["uri"]]
    assert alice.tag("picnic")["history"][0]["uses"] == "1"  # federated posts count in the history too

    instance.run(follows.follow(instance.ctx, instance.actor("alice"), bob_here))
    _settle(instance, other)
    assert [s["uri"] for s in alice.timeline_home()].count(posted["uri"]) == 1


async def test_user_stream__carries_a_post_with_a_followed_tag_once(instance):
    for name in ("alice", "bob", "carol", "dave"):
        instance.create_user(name)
    alice = api.client(instance, "alice")
    alice.tag_follow("picnic")
    alice.account_follow(alice.account_lookup("bob")["id"])
    alice.account_mute(alice.account_lookup("carol")["id"])
    token = api.token_for(instance, "alice")
    url = instance.url("/api/v1/streaming").replace("http", "ws", 1) + f"?stream=user&access_token={token}"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        posted = [await asyncio.to_thread(api.client(instance, name).status_post, text, visibility=visibility)
                  for name, text, visibility in (
                      ("carol", "muted #picnic", "public"),
                      ("bob", "for followers #picnic", "private"),  # reaches alice as bob's follower
                      ("dave", "not followed #picnic", "public"),
                      ("bob", "followed and tagged #picnic", "public"),
                      ("alice", "the end", "public"),
                  )]
        received = [await _next_update(ws) for _ in range(4)]
    assert [status["id"] for status in received] == [str(status["id"]) for status in posted[1:]]


async def _next_update(ws) -> dict:
    while True:
        message = await ws.receive_json(timeout=TIMEOUT)
        if message.get("event") == "update":
            return json.loads(message["payload"])
