"""Streaming fan-out: many connections of every kind, over WebSocket and server-sent events, each
receiving exactly the live updates its timeline would show, in order; a consumer too slow to keep
up told and closed while the others lose nothing; blocks, mutes, domain blocks and filters changed
while the streams are open, in force for the very next post."""

import asyncio
import json
import logging
import socket
from urllib.parse import urlencode

import aiohttp
import pytest

from redfed.services.operations import tokens
from redfed.services.social import follows, posts

from ..support import api

TIMEOUT = 10.0
QUIET = 0.5  # how long a stream that got all it should must then stay silent


class Stream:
    """One streaming connection; `next()` is the next (event, payload) it carries."""

    def __init__(self, name: str):
        self.name = name

    async def next(self, timeout: float = TIMEOUT) -> tuple[str, object]:
        raise NotImplementedError

    async def statuses(self, count: int) -> list[str]:
        """The URIs of the next `count` updates (after which nothing more may come), in order."""
        found = []
        while len(found) < count:
            event, payload = await self.next()
            assert event == "update", (self.name, event, payload)
            found.append(payload["uri"])
        with pytest.raises(TimeoutError):
            extra = await self.next(QUIET)
            pytest.fail(f"{self.name} got more than it should: {extra}")
        return found


class SocketStream(Stream):
    def __init__(self, name: str, ws: aiohttp.ClientWebSocketResponse, stream: list[str]):
        super().__init__(name)
        self.ws, self.stream = ws, stream

    async def next(self, timeout: float = TIMEOUT) -> tuple[str, object]:
        async with asyncio.timeout(timeout):
            message = await self.ws.receive_json()
        if "error" in message:
            return "error", message
        assert message["stream"] == self.stream
        payload = message["payload"]
        return message["event"], json.loads(payload) if message["event"] != "delete" else payload


class EventStream(Stream):
    def __init__(self, name: str, reply: aiohttp.ClientResponse):
        super().__init__(name)
        self.reply = reply

    async def next(self, timeout: float = TIMEOUT) -> tuple[str, object]:
        async with asyncio.timeout(timeout):
            event = None
            while True:
                line = (await self.reply.content.readline()).decode()
                if not line:
                    return "end", None
                if line.startswith("event: "):
                    event = line.removeprefix("event: ").strip()
                elif line.startswith("data: ") and event:
                    data = line.removeprefix("data: ").strip()
                    return event, data if event == "delete" else json.loads(data)


SSE_PATHS = {"public": "public", "public:local": "public/local", "public:remote": "public/remote",
             "hashtag": "hashtag", "hashtag:local": "hashtag/local", "user": "user", "list": "list",
             "user:notification": "user/notification", "direct": "direct"}


async def open_stream(session, instance, token: str, name: str, *, sse: bool, **params) -> Stream:
    if sse:
        url = instance.url(f"/api/v1/streaming/{SSE_PATHS[name]}") + ("?" + urlencode(params) if params else "")
        reply = await session.get(url, headers={"Authorization": f"Bearer {token}"})
        assert reply.status == 200
        assert await reply.content.readline() == b":)\n"
        return EventStream(f"{name} (SSE)", reply)
    url = instance.url("/api/v1/streaming").replace("http", "ws", 1) + "?" + urlencode({"access_token": token})
    ws = await session.ws_connect(url)
    await ws.send_json({"type": "subscribe", "stream": name, **params})
    # Commands are handled in order: once a bad one is answered, the subscription is in force.
    await ws.send_json({"type": "subscribe", "stream": "no-such-stream"})
    assert (await ws.receive_json(timeout=TIMEOUT))["status"] == 400
    stream = [name, *(str(v) for v in params.values())]
    return SocketStream(f"{name} (WebSocket)", ws, stream)


def _post(instance, username: str, text: str, **options):
    return instance.run(posts.create_local_post(instance.ctx, instance.actor(username), text, **options))


def _settle(*instances) -> None:
    for _ in range(10):
        if sum(i.drain() for i in instances) == 0:
            return


async def test_a_burst_from_local_users_and_a_remote_instance__reaches_every_stream_exactly_and_in_order(
        instance, start_instance):
    other = start_instance("other")
    other.create_user("erin")
    for name in ("alice", "bob", "carol", "dave"):
        instance.create_user(name)
    erin = instance.resolve(other.url("/users/erin"))
    # bob follows alice back: a private mention from someone he does not follow would wait as a request.
    for follower, followee in (("alice", instance.actor("bob")), ("alice", erin), ("dave", instance.actor("bob")),
                               ("bob", instance.actor("alice"))):
        instance.run(follows.follow(instance.ctx, instance.actor(follower), followee))
    _settle(instance, other)
    alice_api = api.client(instance, "alice")
    friends = alice_api.list_create("friends")
    alice_api.list_accounts_add(friends["id"], [instance.actor("bob").id])
    tokens = {name: api.token_for(instance, name) for name in ("alice", "bob", "carol", "dave")}

    # Given three connections of every kind, over both transports, held by several people
    wanted = [("carol", "public", {}), ("dave", "public:local", {}), ("carol", "public:remote", {}),
              ("carol", "hashtag", {"tag": "burst"}), ("dave", "hashtag:local", {"tag": "burst"}),
              ("alice", "user", {}), ("dave", "user", {}), ("alice", "list", {"list": friends["id"]}),
              ("bob", "user:notification", {}), ("alice", "direct", {}), ("bob", "direct", {}), ("carol", "direct", {})]
    async with aiohttp.ClientSession() as session:
        streams = {}
        for who, name, params in wanted:
            streams[who, name] = [await open_stream(session, instance, tokens[who], name, sse=i % 2 == 1, **params)
                                  for i in range(3)]

        # When local users and a remote one post a burst of every visibility
        made = {}
        for i in range(5):
            made[f"bob {i}"] = _post(instance, "bob", f"bob says {i}" + (" #burst" if i % 2 else ""))
            made[f"carol {i}"] = _post(instance, "carol", f"carol #burst {i}", visibility="unlisted")
            made[f"erin {i}"] = _post(other, "erin", f"erin says {i}" + (" #burst" if i % 2 else ""))
            _settle(instance, other)  # so that erin's post is stored here before the next local one
        made["bob private"] = _post(instance, "bob", "for my followers", visibility="private")
        made["alice mentions bob"] = _post(instance, "alice", "@bob hello", visibility="direct")
        made["dave"] = _post(instance, "dave", "dave #burst")
        _settle(instance, other)

        # Then each stream gets exactly what its timeline shows, in the order the posts were made
        def ids(*names):
            """In the order the posts were stored here."""
            return [post.uri for name, post in made.items() if name in names]

        bob_public = [f"bob {i}" for i in range(5)]
        erin_all = [f"erin {i}" for i in range(5)]
        expected = {
            ("carol", "public"): ids(*bob_public, *erin_all, "dave"),
            ("dave", "public:local"): ids(*bob_public, "dave"),
            ("carol", "public:remote"): ids(*erin_all),
            ("carol", "hashtag"): ids("bob 1", "bob 3", "erin 1", "erin 3", "dave"),
            ("dave", "hashtag:local"): ids("bob 1", "bob 3", "dave"),
            ("alice", "user"): ids(*bob_public, *erin_all, "bob private", "alice mentions bob"),
            ("dave", "user"): ids(*bob_public, "bob private", "dave"),
            ("alice", "list"): ids(*bob_public, "bob private"),
        }
        for key, uris in expected.items():
            for stream in streams[key]:
                assert await stream.statuses(len(uris)) == uris, stream.name
        for stream in streams["bob", "user:notification"]:
            event, notification = await stream.next()
            assert event == "notification" and notification["type"] == "mention"
            assert notification["status"]["uri"] == made["alice mentions bob"].uri
        for who, other_party in (("alice", "bob"), ("bob", "alice")):
            for stream in streams[who, "direct"]:
                event, conversation = await stream.next()
                assert event == "conversation" and conversation["last_status"]["uri"] == made["alice mentions bob"].uri
                assert [a["username"] for a in conversation["accounts"]] == [other_party]
                assert conversation["unread"] is (who == "bob")
        for stream in [*streams["bob", "user:notification"], *streams["alice", "direct"], *streams["bob", "direct"],
                       *streams["carol", "direct"]]:
            with pytest.raises(TimeoutError):
                pytest.fail(f"{stream.name} got {await stream.next(QUIET)}")


async def test_changes_made_while_a_stream_is_open__apply_to_the_next_post(instance, start_instance):
    other = start_instance("other")
    other.create_user("erin")
    for name in ("alice", "bob", "carol"):
        instance.create_user(name)
    erin = instance.resolve(other.url("/users/erin"))
    instance.run(follows.follow(instance.ctx, instance.actor("alice"), instance.actor("bob")))
    instance.run(follows.follow(instance.ctx, instance.actor("alice"), erin))
    instance.run(follows.follow(instance.ctx, instance.actor("carol"), erin))  # so erin's posts come here
    _settle(instance, other)
    alice = api.client(instance, "alice")
    token = api.token_for(instance, "alice")
    async with aiohttp.ClientSession() as session:
        home = await open_stream(session, instance, token, "user", sse=False)
        public = await open_stream(session, instance, token, "public", sse=True)

        async def shown(post, *streams) -> list[dict]:
            """`post` is the next update on each of `streams` (and, by the end, on no other)."""
            found = []
            for stream in streams:
                event, status = await stream.next()
                assert (event, status["uri"]) == ("update", post.uri), (stream.name, status["content"])
                found.append(status)
            return found

        async def passed() -> None:
            """Until both streams are past every post so far: alice's own post, which both show."""
            await shown(_post(instance, "alice", "a marker"), home, public)

        await shown(_post(instance, "bob", "before the mute"), home, public)
        alice.account_mute(instance.actor("bob").id)
        _post(instance, "bob", "while muted")
        await passed()
        alice.account_unmute(instance.actor("bob").id)
        await shown(_post(instance, "bob", "after the mute"), home, public)

        alice.account_block(instance.actor("carol").id)
        _post(instance, "carol", "while blocked")
        await passed()
        alice.account_unblock(instance.actor("carol").id)
        await shown(_post(instance, "carol", "after the block"), public)

        alice.domain_block(other.domain)
        _post(other, "erin", "from a blocked domain")
        _settle(instance, other)
        await passed()
        alice.domain_unblock(other.domain)
        from_erin = _post(other, "erin", "from a domain no longer blocked")
        _settle(instance, other)
        await shown(from_erin, public)  # not on home: blocking the domain ended alice's follow, as on Mastodon

        hiding = alice.create_filter_v2("spoilers", ["home", "public"], filter_action="hide",
                                         keywords_attributes=[{"keyword": "spoiler"}])
        warning = alice.create_filter_v2("coffee", ["home"], filter_action="warn",
                                          keywords_attributes=[{"keyword": "coffee"}])
        _post(instance, "bob", "a spoiler")
        await passed()
        on_home, on_public = await shown(_post(instance, "bob", "coffee time"), home, public)
        assert [r["filter"]["id"] for r in on_home["filtered"]] == [str(warning["id"])]
        assert on_home["filtered"][0]["keyword_matches"] == ["coffee"]
        assert on_public["filtered"] == []  # the coffee filter is for home only
        alice.delete_filter_v2(hiding["id"])
        on_home, on_public = await shown(_post(instance, "bob", "another spoiler"), home, public)
        assert on_home["filtered"] == on_public["filtered"] == []
        for stream in (home, public):
            with pytest.raises(TimeoutError):
                pytest.fail(f"{stream.name} got {await stream.next(QUIET)}")


async def _until(condition, timeout: float = TIMEOUT) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


async def test_a_consumer_too_slow_to_keep_up__is_told_and_closed_while_the_others_lose_nothing(instance, caplog):
    caplog.set_level(logging.WARNING, logger="redfed.services.social.streaming.hub")
    for name in ("alice", "bob"):
        instance.create_user(name)
    token = api.token_for(instance, "alice")
    tags = [f"t{i}" for i in range(40)]
    async with aiohttp.ClientSession() as session:
        first = await open_stream(session, instance, token, "public", sse=False)
        hub = instance.app.extensions["redfed.streaming"]
        hub.queue_size = 20  # for the connections opened from now on
        healthy = [first] + [await open_stream(session, instance, token, "public", sse=bool(i % 2)) for i in range(4)]
        # Two consumers that never read: a WebSocket on forty hashtag streams, whose socket buffers
        # fill quickly, and a server-sent event stream on a socket with a tiny receive buffer.
        slow_ws = await session.ws_connect(instance.url("/api/v1/streaming").replace("http", "ws", 1) + "?" + urlencode(
            {"access_token": token}))
        for tag in tags:
            await slow_ws.send_json({"type": "subscribe", "stream": "hashtag", "tag": tag})
        slow_sse = socket.socket()
        slow_sse.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow_sse.connect(("127.0.0.1", instance.port))
        slow_sse.sendall(f"GET /api/v1/streaming/public HTTP/1.1\r\nHost: {instance.domain}\r\n"
                         f"Authorization: Bearer {token}\r\n\r\n".encode())
        await _until(lambda: hub.subscriber_count == len(healthy) + 2)

        # When posts keep coming until both slow ones are closed (bounded)
        made = []
        while hub.counts.closed_too_slow < 2 and len(made) < 3_000:
            text = " ".join(f"#{t}" for t in tags)
            made += [_post(instance, "bob", f"{text} {len(made) + i}").uri for i in range(50)]
            await asyncio.sleep(0.1)

        # Then the healthy ones got every post, in order, and only the slow ones were closed
        for stream in healthy:
            assert await stream.statuses(len(made)) == made
        assert hub.counts.closed_too_slow == 2 and hub.subscriber_count == len(healthy)
        assert caplog.text.count("fell 20 events behind") == 2

        # The slow ones, read at last: what they had been sent, then the reason, then the end
        reason = "Too slow: the connection fell 20 events behind and was closed; reconnect and reload"
        while (message := await slow_ws.receive(timeout=TIMEOUT)).type == aiohttp.WSMsgType.TEXT:
            last = message.json()
        assert last == {"error": reason, "status": 429}
        assert message.type == aiohttp.WSMsgType.CLOSE and message.data == 1013
        slow_sse.settimeout(TIMEOUT)
        received = b""
        while b"event: error" not in received:
            received += slow_sse.recv(1 << 20)
        slow_sse.close()
        assert json.dumps({"error": reason, "status": 429}).encode() in received


async def test_revoking_a_token__ends_the_streams_opened_with_it(instance):
    instance.create_user("alice")
    kept, revoked = api.token_for(instance, "alice"), api.token_for(instance, "alice")
    async with aiohttp.ClientSession() as session:
        other = await open_stream(session, instance, kept, "public", sse=True)
        streams = [await open_stream(session, instance, revoked, "public", sse=sse) for sse in (True, False)]
        newest = max(token.id for token in instance.run(tokens.list_tokens(instance.runtime.db, "alice")))  # `revoked`
        instance.run(tokens.revoke_token(instance.runtime.db, newest, instance.ctx.now_ms()))

        # Then both streams of the revoked token are told why and end (the hub looks every few seconds)
        for stream in streams:
            event, payload = await stream.next()
            assert (event, payload["error"], payload["status"]) == ("error", "The access token was revoked", 401)
        assert (await streams[0].next())[0] == "end"
        assert (await streams[1].ws.receive(timeout=TIMEOUT)).type == aiohttp.WSMsgType.CLOSE
        assert streams[1].ws.close_code == 1008

        # And the stream of the token that was not revoked goes on
        _post(instance, "alice", "still here")
        assert (await other.next())[0] == "update"
