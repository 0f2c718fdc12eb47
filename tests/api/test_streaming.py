"""The streaming API: WebSocket (aiohttp's client, as Mastodon.py 2.3 needs websocket-client for
it) and server-sent events (Mastodon.py's own SSE client), fed by posts and notifications made
through the services, as the web faces and the inbox make them."""

import asyncio
import json
import queue
import time
from urllib.parse import urlencode

import aiohttp
import pytest
from mastodon import StreamListener

from redfed.services.social import follows, interactions, posts
from redfed.web.api import streaming as streaming_face

from ..support import api
from ..support.http import get

TIMEOUT = 5.0


def _post(instance, username: str, text: str, **options):
    return instance.run(posts.create_local_post(instance.ctx, instance.actor(username), text, **options))


def _follow(instance, follower: str, followee: str) -> None:
    instance.run(follows.follow(instance.ctx, instance.actor(follower), instance.actor(followee)))


def _ws_url(instance, **params) -> str:
    return instance.url("/api/v1/streaming").replace("http", "ws", 1) + ("?" + urlencode(params) if params else "")


async def _next(ws, event: str | None = None) -> dict:
    """The next message (of kind `event`), its payload decoded."""
    while True:
        message = await ws.receive_json(timeout=TIMEOUT)
        if event is None or message.get("event") == event:
            if message.get("event") in ("update", "status.update", "notification"):
                message["payload"] = json.loads(message["payload"])
            return message


async def _synced(ws) -> None:
    """Commands are handled in order: once a bad one is answered, the ones before it are in force."""
    await ws.send_json({"type": "subscribe", "stream": "no-such-stream"})
    assert await _next(ws) == {"error": "Unknown stream type", "status": 400}


def _hub_subscribers(instance) -> int:
    hub = instance.app.extensions.get("redfed.streaming")
    return hub.subscriber_count if hub else 0


async def _until_no_subscribers(instance) -> None:
    deadline = time.monotonic() + TIMEOUT
    while _hub_subscribers(instance) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert _hub_subscribers(instance) == 0


def test_health__answers_ok(instance):
    reply = get(instance.url("/api/v1/streaming/health"))
    assert reply.status == 200 and reply.text == "OK"
    assert api.client(instance).stream_healthy()


async def test_streams__refuse_a_missing_or_invalid_token_before_the_upgrade(instance):
    instance.create_user("alice")
    async with aiohttp.ClientSession() as session:
        for params, message in (({"stream": "public"}, "Missing access token"),
                                ({"stream": "user", "access_token": "nope"}, "Invalid access token")):
            with pytest.raises(aiohttp.WSServerHandshakeError) as raised:
                await session.ws_connect(_ws_url(instance, **params))
            assert raised.value.status == 401
        async with session.get(instance.url("/api/v1/streaming/user"), headers={"Authorization": "Bearer nope"}) as reply:
            assert reply.status == 401 and (await reply.json()) == {"error": "Invalid access token"}
        token = api.token_for(instance, "alice", scopes="read:accounts")
        async with session.get(instance.url("/api/v1/streaming/user"), params={"access_token": token}) as reply:
            assert reply.status == 401 and "required scopes" in (await reply.json())["error"]
    await _until_no_subscribers(instance)


async def test_user_stream__updates_from_followed_accounts_notifications_and_deletes(instance):
    for name in ("alice", "bob", "carol"):
        instance.create_user(name)
    _follow(instance, "alice", "bob")
    token = api.token_for(instance, "alice")
    mine = _post(instance, "alice", "something to like")
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(_ws_url(instance, stream="user", access_token=token)) as ws:
            _post(instance, "carol", "not followed, not shown")
            followed = _post(instance, "bob", "from bob, followed")
            update = await _next(ws)
            assert update["stream"] == ["user"] and update["event"] == "update"
            assert update["payload"]["id"] == str(followed.id) and update["payload"]["account"]["username"] == "bob"

            instance.run(interactions.like(instance.ctx, instance.actor("carol"), mine))
            notification = await _next(ws)
            assert notification["event"] == "notification" and notification["stream"] == ["user"]
            assert notification["payload"]["type"] == "favourite"
            assert notification["payload"]["account"]["username"] == "carol"
            assert notification["payload"]["status"]["id"] == str(mine.id)

            instance.run(posts.delete_local_post(instance.ctx, instance.actor("bob"), followed))
            assert await _next(ws) == {"stream": ["user"], "event": "delete", "payload": str(followed.id)}
    await _until_no_subscribers(instance)


async def test_websocket__subscribes_and_unsubscribes_hashtag_and_local_streams(instance):
    instance.create_user("alice")
    instance.create_user("bob")
    token = api.token_for(instance, "alice")
    async with aiohttp.ClientSession() as session:
        # The token as the subprotocol, as browsers send it; the server must choose it back.
        async with session.ws_connect(_ws_url(instance), protocols=(token,)) as ws:
            assert ws.protocol == token
            await ws.send_json({"type": "subscribe", "stream": "hashtag", "tag": "Coffee"})
            await ws.send_json({"type": "subscribe", "stream": "public:local"})
            await _synced(ws)
            tagged = _post(instance, "bob", "morning #coffee")
            received = [await _next(ws), await _next(ws)]
            assert sorted(m["stream"] for m in received) == [["hashtag", "coffee"], ["public:local"]]
            assert {m["payload"]["id"] for m in received} == {str(tagged.id)}

            await ws.send_json({"type": "unsubscribe", "stream": "hashtag", "tag": "coffee"})
            await _synced(ws)
            _post(instance, "bob", "#coffee", visibility="unlisted")  # neither public nor local-public
            later = _post(instance, "bob", "more #coffee")
            message = await _next(ws)
            assert message["stream"] == ["public:local"] and message["payload"]["id"] == str(later.id)
            await ws.send_json({"type": "subscribe", "stream": "hashtag"})
            assert await _next(ws) == {"error": "No tag for stream provided", "status": 400}


async def test_public_stream__never_carries_followers_only_posts_to_non_followers(instance):
    for name in ("alice", "bob", "carol"):
        instance.create_user(name)
    _follow(instance, "carol", "bob")
    async with aiohttp.ClientSession() as session:
        alice = await session.ws_connect(_ws_url(instance, stream="public:local", access_token=api.token_for(instance, "alice")))
        carol = await session.ws_connect(_ws_url(instance, stream="user", access_token=api.token_for(instance, "carol")))
        hidden = _post(instance, "bob", "for my followers", visibility="private")
        shown = _post(instance, "bob", "for everyone")
        assert (await _next(alice, "update"))["payload"]["id"] == str(shown.id)
        assert (await _next(carol, "update"))["payload"]["id"] == str(hidden.id)  # a follower's home
        assert (await _next(carol, "update"))["payload"]["id"] == str(shown.id)
        instance.run(posts.delete_local_post(instance.ctx, instance.actor("bob"), hidden))
        instance.run(posts.delete_local_post(instance.ctx, instance.actor("bob"), shown))
        assert await _next(alice) == {"stream": ["public:local"], "event": "delete", "payload": str(shown.id)}
        await alice.close()
        await carol.close()
    await _until_no_subscribers(instance)


class _Collector(StreamListener):
    def __init__(self):
        self.events: queue.Queue = queue.Queue()

    def on_update(self, status):
        self.events.put(("update", status))

    def on_notification(self, notification):
        self.events.put(("notification", notification))

    def on_status_update(self, status):
        self.events.put(("status.update", status))

    def next(self):
        return self.events.get(timeout=TIMEOUT)


def test_server_sent_events__through_mastodon_py(instance, monkeypatch):
    # Mastodon.py's close() waits for the next byte from the server: heartbeats make it prompt.
    monkeypatch.setattr(streaming_face, "HEARTBEAT_SECONDS", 0.2)
    for name in ("alice", "bob"):
        instance.create_user(name)
    _follow(instance, "alice", "bob")
    alice, bob = api.client(instance, "alice"), api.client(instance, "bob")
    collector = _Collector()
    handle = alice.stream_user(collector, run_async=True)
    try:
        deadline = time.monotonic() + TIMEOUT
        while not _hub_subscribers(instance) and time.monotonic() < deadline:
            time.sleep(0.02)  # the stream is open once the server has registered it
        posted = bob.status_post("hello over SSE, 你好")
        kind, status = collector.next()
        assert kind == "update" and status["id"] == posted["id"] and "你好" in status["content"]
        bob.status_favourite(alice.status_post("like me")["id"])
        assert collector.next()[0] == "update"  # alice's own post, on her home
        kind, notification = collector.next()
        assert kind == "notification" and notification["type"] == "favourite"
        bob.status_update(posted["id"], "hello again over SSE")
        kind, status = collector.next()
        assert kind == "status.update" and "again" in status["content"]
    finally:
        handle.close()
    deadline = time.monotonic() + TIMEOUT
    while _hub_subscribers(instance) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _hub_subscribers(instance) == 0


async def test_server_sent_events__hashtag_stream_by_plain_http(instance):
    instance.create_user("alice")
    token = api.token_for(instance, "alice", scopes="read:statuses")
    async with aiohttp.ClientSession() as session:
        url = instance.url("/api/v1/streaming/hashtag/local")
        async with session.get(url, params={"tag": "bread"}, headers={"Authorization": f"Bearer {token}"}) as reply:
            assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/event-stream")
            assert await asyncio.wait_for(reply.content.readline(), TIMEOUT) == b":)\n"
            posted = _post(instance, "alice", "fresh #Bread")
            event = await asyncio.wait_for(reply.content.readline(), TIMEOUT)
            data = await asyncio.wait_for(reply.content.readline(), TIMEOUT)
            assert event == b"event: update\n"
            assert json.loads(data.removeprefix(b"data: "))["id"] == str(posted.id)
    await _until_no_subscribers(instance)


async def test_list_stream__carries_posts_of_members_to_the_list_owner_only(instance):
    for name in ("alice", "bob", "carol"):
        instance.create_user(name)
    _follow(instance, "alice", "bob")
    _follow(instance, "alice", "carol")
    alice = api.client(instance, "alice")
    chosen = alice.list_create("close friends")
    alice.list_accounts_add(chosen["id"], [instance.actor("bob").id])
    async with aiohttp.ClientSession() as session:
        url = _ws_url(instance, stream="list", list=chosen["id"], access_token=api.token_for(instance, "alice"))
        async with session.ws_connect(url) as ws:
            _post(instance, "carol", "not on the list")
            member = _post(instance, "bob", "on the list")
            message = await _next(ws)
            assert message["stream"] == ["list", str(chosen["id"])] and message["payload"]["id"] == str(member.id)
        async with session.ws_connect(_ws_url(instance, access_token=api.token_for(instance, "bob"))) as ws:
            await ws.send_json({"type": "subscribe", "stream": "list", "list": chosen["id"]})
            assert (await _next(ws))["status"] == 404  # someone else's list does not exist for bob
    await _until_no_subscribers(instance)


async def test_public_remote_stream__carries_posts_the_inbox_worker_stored(instance, start_instance):
    # No service announces anything: the inbox worker's insert is in the log like any other.
    other = start_instance("other")
    other.create_user("bob")
    instance.create_user("alice")
    bob_here = instance.resolve(other.url("/users/bob"))
    instance.run(follows.follow(instance.ctx, instance.actor("alice"), bob_here))
    _settle(instance, other)
    url = _ws_url(instance, stream="public:remote", access_token=api.token_for(instance, "alice"))
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        _post(instance, "alice", "local, so not on the remote stream")
        posted = _post(other, "bob", "from the other instance")
        _settle(instance, other)
        message = await _next(ws)
        assert message["stream"] == ["public:remote"] and message["payload"]["uri"] == posted.uri
        assert message["payload"]["account"]["acct"] == f"bob@{other.domain}"


def _settle(*instances) -> None:
    for _ in range(10):
        if sum(i.drain() for i in instances) == 0:
            return
