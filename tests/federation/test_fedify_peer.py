"""The Fedify peer itself, against a live redfed: each side can find and read the other.

These hold whatever redfed's inbox answers today; the peer records every delivery attempt with
its status, so that later tests can assert 202 (or a refusal) on the same records.
"""

import json

import pytest

from redfed.federation.http import HttpClient

from ..support.fedify_peer import CAVAGE, RFC9421, PeerError
from ..support.http import request

AS_PERSON = "https://www.w3.org/ns/activitystreams#Person"


async def test_peer_actor__is_fetched_by_redfeds_client(instance, fedify_peer):
    fedify_peer.create_actor("bob")

    async with HttpClient(instance.config) as http:
        document = await http.fetch_activitypub(fedify_peer.actor_uri("bob"))

    assert document["id"] == fedify_peer.actor_uri("bob")
    assert document["type"] == "Person"
    assert document["inbox"] == fedify_peer.actor_uri("bob") + "/inbox"
    assert document["endpoints"]["sharedInbox"] == fedify_peer.base_url + "/inbox"
    key = document["publicKey"]
    assert key["id"] == fedify_peer.actor_uri("bob") + "#main-key"
    assert key["owner"] == fedify_peer.actor_uri("bob")
    assert key["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")


async def test_peer_webfinger__answers_for_its_acct_handle(instance, fedify_peer):
    fedify_peer.create_actor("bob")
    resource = f"acct:bob@{fedify_peer.domain}"  # the port is part of the host

    async with HttpClient(instance.config) as http:
        _, jrd = await http.get_json(
            f"{fedify_peer.base_url}/.well-known/webfinger?resource={resource}", accept="application/jrd+json"
        )

    assert jrd["subject"] == resource
    links = [link for link in jrd["links"] if link["rel"] == "self"]
    assert links == [{"rel": "self", "href": fedify_peer.actor_uri("bob"), "type": "application/activity+json"}]


def test_peer_lookup__resolves_a_redfed_actor_by_uri_and_by_handle(instance, fedify_peer):
    instance.create_user("alice")
    alice_uri = instance.url("/users/alice")

    by_uri = fedify_peer.lookup(alice_uri)
    by_handle = fedify_peer.lookup(f"@alice@{instance.domain}")

    for found in (by_uri, by_handle):
        assert found["id"] == alice_uri
        assert found["type"] == AS_PERSON
        assert found["preferredUsername"] == "alice"
        assert found["publicKey"] == {"id": alice_uri + "#main-key", "owner": alice_uri}
    # Fedify builds https://HOST/.well-known/webfinger for every acct: handle; the peer sends
    # loopback well-known lookups over plain http instead, and says so.
    webfinger = [r for r in fedify_peer.outgoing() if "/.well-known/webfinger" in r["url"]]
    assert webfinger and all(r["rewrittenFromHttps"] and r["status"] == 200 for r in webfinger)


def test_peer_lookup__unknown_actor_is_a_404_from_the_control_api(instance, fedify_peer):
    with pytest.raises(PeerError) as caught:
        fedify_peer.lookup(instance.url("/users/nobody"))
    assert caught.value.status == 404


@pytest.mark.parametrize("first_knock", [RFC9421, CAVAGE])
def test_peer_follow__delivery_to_redfed_is_attempted_and_recorded(instance, start_fedify_peer, first_knock):
    # Given a redfed user and a peer actor
    instance.create_user("alice")
    alice_uri = instance.url("/users/alice")
    peer = start_fedify_peer(first_knock=first_knock)
    peer.create_actor("bob")

    # When the peer follows her
    sent = peer.follow("bob", alice_uri)

    # Then it POSTed the Follow to her inbox, signed first in the style it was told to use
    assert sent["target"] == alice_uri
    [result] = sent["results"]
    assert result["inbox"] == instance.url("/users/alice/inbox")
    attempts = sent["deliveries"]
    assert attempts and all(a["url"] == result["inbox"] for a in attempts)
    assert attempts[0]["signatureStyle"] == first_knock
    assert all(isinstance(a["status"], int) for a in attempts)
    assert attempts[0]["body"]["type"] == "Follow"
    assert attempts[0]["body"]["object"] == alice_uri
    # Fedify knocks a second time, in the other style, only after a status of 400 or more.
    if attempts[0]["status"] < 400:
        assert len(attempts) == 1
    else:
        other = CAVAGE if first_knock == RFC9421 else RFC9421
        assert [a["signatureStyle"] for a in attempts] == [first_knock, other]
    assert result["ok"] == (attempts[-1]["status"] < 300)
    # and keeps the follow pending until an Accept arrives
    assert peer.following("bob") == [{"id": sent["id"], "target": alice_uri, "state": "pending"}]


def test_peer_inbox__records_a_delivery_it_refused(instance, fedify_peer):
    fedify_peer.create_actor("bob")
    like = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": instance.url("/activities/1"),
        "type": "Like",
        "actor": instance.url("/users/alice"),
        "object": fedify_peer.actor_uri("bob"),
    }

    reply = request(
        "POST", fedify_peer.actor_uri("bob") + "/inbox",
        headers={"Content-Type": "application/activity+json"}, body=json.dumps(like).encode(),
    )

    assert reply.status == 401
    [logged] = fedify_peer.inbox_log()
    assert (logged["type"], logged["status"], logged["signatureStyle"]) == ("Like", 401, None)
    assert logged["refusal"]["type"] == "noSignature"
    assert fedify_peer.received() == []
