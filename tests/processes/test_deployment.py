"""The instance as a large deployment runs it (issue 12): two `redfed serve` and two `redfed worker`
processes on one PostgreSQL database and one bucket, federating with another redfed instance, the
Fedify peer and a handful of plain inboxes.

A client's stream on one web process sees what is posted through the other; media posted through
one is served by the other from the bucket; and when one worker is killed with SIGKILL in the
middle of a fan-out, every inbox still gets every post, and only what was in flight at the kill is
sent twice (deliveries are at least once, recorded as each one ends)."""

import io
import json
import time

import aiohttp
import pytest
from mastodon import Mastodon
from PIL import Image

from redfed.services.social import follows
from redfed.store import posts as post_store

from ..support.waiting import wait_until
from ..support.cluster import Cluster
from ..support.databases import database_section, only_on_postgresql
from ..support.fedify_peer import FedifyPeer
from ..support.hostile import HostileServer, sign_post
from ..support.http import request
from ..support.s3 import bucket, s3_server  # noqa: F401 - fixtures

pytestmark = only_on_postgresql

POSTS = 12
INBOXES = 6  # plain inboxes, each on a server of its own, besides bob's instance and the Fedify peer
CONCURRENCY = 4
LEASE_SECONDS = 2


@pytest.fixture
def cluster(tmp_path, s3_server, bucket):  # noqa: F811 - fixtures
    cluster = Cluster(
        tmp_path / "cluster", database_section(tmp_path / "cluster")["url"], s3_server.media_section(bucket),
        workers={"concurrency": CONCURRENCY, "lease_seconds": LEASE_SECONDS},
    ).start()
    cluster.command("user", "create", "alice", "--email", "alice@example.com")
    yield cluster
    cluster.stop()


@pytest.fixture
def inboxes():
    servers = [HostileServer().start() for _ in range(INBOXES)]
    for server in servers:
        server.inbox_delay = 0.5  # slow enough for the fan-out to be caught half-way
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def peer(tmp_path):
    peer = FedifyPeer.start(tmp_path / "fedify")
    yield peer
    peer.stop()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "tomato").save(buffer, "PNG")
    return buffer.getvalue()


def _peer_has(peer, uris: set[str]) -> bool:
    creates = [r for r in peer.received() if r["type"] == "Create"]
    return uris <= {r["json"]["object"]["id"] for r in creates}


def _bob_has(bob_instance, uris: set[str]) -> bool:
    bob_instance.drain()
    reader = bob_instance.runtime.db.reader
    return all(bob_instance.run(post_store.find_post_by_uri(reader, uri)) for uri in uris)


def _follow_alice(cluster, bob_instance, peer, inboxes) -> None:
    alice_uri = cluster.base_url + "/users/alice"
    bob = bob_instance.create_user("bob").actor
    bob_instance.run(follows.follow(bob_instance.ctx, bob, bob_instance.resolve(alice_uri)))
    bob_instance.drain()
    peer.create_actor("fern")
    peer.follow("fern", alice_uri)
    for server in inboxes:
        follower = server.add_actor("reader")
        follow = follower.activity("Follow", alice_uri)
        assert sign_post(alice_uri + "/inbox", follow, follower.signing_key, time.time()).send().status == 202
    followers = lambda: request("GET", alice_uri + "/followers", headers={"Accept": "application/activity+json"})
    wait_until(lambda: json.loads(followers().body)["totalItems"] == INBOXES + 2, "alice's followers")


def _creates(server: HostileServer) -> list[str]:
    """The ids of the Notes created in the Creates `server` received, one per POST, repeats kept."""
    bodies = [json.loads(r.body) for r in server.requests(method="POST")]
    return [body["object"]["id"] for body in bodies if body["type"] == "Create"]


async def _next_update(ws) -> dict:
    while True:
        message = await ws.receive_json(timeout=5)
        if message.get("event") == "update":
            return json.loads(message["payload"])


async def test_two_web_and_two_worker_processes__behave_as_one_instance_through_a_worker_killed_mid_fan_out(
    cluster, start_instance, peer, inboxes,
):
    bob = start_instance("bob")
    _follow_alice(cluster, bob, peer, inboxes)
    token = cluster.command("token", "create", "alice").strip()
    through_one = Mastodon(api_base_url=cluster.urls[0], access_token=token, version_check_mode="none")
    stream = cluster.urls[1].replace("http", "ws", 1) + f"/api/v1/streaming?stream=public:local&access_token={token}"

    async with aiohttp.ClientSession() as session, session.ws_connect(stream) as ws:
        media = through_one.media_post(_png(), mime_type="image/png")
        first = through_one.status_post("post 0, with a photo", media_ids=[media["id"]])
        posted = [first] + [through_one.status_post(f"post {n}") for n in range(1, POSTS)]
        seen = [(await _next_update(ws))["id"] for _ in posted]
    assert seen == [status["id"] for status in posted]

    # The photo posted through process 1 is served by process 2, from the bucket.
    photo = request("GET", first["media_attachments"][0]["url"].replace(cluster.urls[0], cluster.urls[1]))
    assert photo.status == 200 and photo.body[:8] == b"\x89PNG\r\n\x1a\n"

    expected = {status["uri"] for status in posted}
    arrived = lambda: sum(len(set(_creates(server)) & expected) for server in inboxes)
    wait_until(lambda: arrived() >= POSTS, "the fan-out to begin")
    cluster.kill_worker(0)
    assert arrived() < POSTS * INBOXES / 2, "the fan-out was too far along at the kill"

    # The other worker takes the dead one's deliveries over once their lease has run out.
    wait_until(lambda: arrived() == POSTS * INBOXES, "every post in every inbox", seconds=90)
    repeats = sum(len(_creates(server)) - len(set(_creates(server))) for server in inboxes)
    # At most what the killed worker had in flight, or finished but not yet recorded.
    assert repeats <= 2 * CONCURRENCY
    wait_until(lambda: _peer_has(peer, expected), "every post at the Fedify peer")
    wait_until(lambda: _bob_has(bob, expected), "every post at bob's instance")
    assert "delivered" in cluster.log("worker-0")  # the killed worker did take part
    assert "Traceback" not in cluster.log("worker-1") + cluster.log("serve-0") + cluster.log("serve-1")
