"""Quotes and emoji reactions with an independent server (Fedify): its `quoteUrl` quotes and its
EmojiReact reach redfed, and redfed's reactions reach Fedify, verified by Fedify."""

from urllib.parse import quote

import pytest

from ..support import api
from ..support.fedify_peer import PUBLIC
from ..support.http import request


@pytest.fixture
def peer(fedify_peer):
    fedify_peer.create_actor("fern")
    return fedify_peer


@pytest.fixture
def alice(instance):
    instance.create_user("alice")
    return api.client(instance, "alice")


def _drain(instance):
    for _ in range(3):
        instance.drain()


def test_fedify_quote__of_a_redfed_post_is_shown_as_a_quote(instance, peer, alice):
    original = alice.status_post("quotable")
    sent = peer.post("fern", "RE: this", to=[PUBLIC, instance.url("/users/alice")], quote_url=original["uri"])
    _drain(instance)
    shown = alice.search_v2(sent["note"], resolve=False)["statuses"][0]
    assert shown["quote"]["state"] == "accepted" and shown["quote"]["quoted_status"]["id"] == original["id"]
    assert alice.status(original["id"])["quotes_count"] == 1


def test_fedify_emoji_react__counts_and_its_undo_takes_it_back(instance, peer, alice):
    original = alice.status_post("react to me")
    sent = peer.react("fern", original["uri"], "🦊")
    assert sent["deliveries"][-1]["status"] == 202
    _drain(instance)
    assert alice.status(original["id"])["pleroma"]["emoji_reactions"] == [{"name": "🦊", "count": 1, "me": False}]
    peer.undo("fern", sent["id"])
    _drain(instance)
    assert alice.status(original["id"])["pleroma"]["emoji_reactions"] == []


def test_redfed_reaction__reaches_fedify_verified(instance, peer, alice):
    sent = peer.post("fern", "a fox", to=[PUBLIC, instance.url("/users/alice")])
    _drain(instance)
    on_redfed = alice.search_v2(sent["note"], resolve=False)["statuses"][0]
    token = api.token_for(instance, "alice")
    reply = request("PUT", instance.url(f"/api/v1/pleroma/statuses/{on_redfed['id']}/reactions/{quote('🦊')}"),
                    headers={"Authorization": f"Bearer {token}"})
    assert reply.status == 200
    _drain(instance)
    [like] = [r for r in peer.received() if r["type"] == "Like"]
    assert like["verified"] and like["object"] == sent["note"]
    assert like["json"]["content"] == "🦊" and like["json"]["_misskey_reaction"] == "🦊"
