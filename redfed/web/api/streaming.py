"""Streaming (layer 6): Mastodon's /api/v1/streaming as server-sent events (one stream per
connection) and over a WebSocket (several, subscribed and unsubscribed by message).

Authentication as Mastodon's streaming server (4.2 and later) does it: every stream needs a user's
token, from the Authorization header, the `access_token` parameter or, for browsers that cannot
set headers on a WebSocket, the Sec-WebSocket-Protocol header (echoed back, as the protocol
requires). A bad token is refused before the upgrade, with 401.
"""

import asyncio
import json
import logging

from quart import Blueprint, Response, current_app, request, stream_with_context, websocket

from ...errors import NotFound, RedfedError, Unauthorized
from ...services.accounts import oauth
from ...services.social.streaming import channels
from ...services.social.streaming.hub import Message, Renderers, StreamHub, Subscriber
from .. import inputs
from ..context import runtime
from . import entities
from .notifications import notification as notification_entity
from .params import Params

log = logging.getLogger(__name__)

blueprint = Blueprint("api_streaming", __name__)

HEARTBEAT_SECONDS = 15.0
MISSING_TOKEN = "Missing access token"
INVALID_TOKEN = "Invalid access token"
# SSE path under /api/v1/streaming/ → stream name.
SSE_STREAMS = {
    "user": "user", "user/notification": "user:notification", "public": "public", "public/local": "public:local",
    "public/remote": "public:remote", "hashtag": "hashtag", "hashtag/local": "hashtag:local", "list": "list",
    "direct": "direct",
}


def _hub() -> StreamHub:
    """One hub per app, made on first use (no module state: tests run several apps at once)."""
    hub = current_app.extensions.get("redfed.streaming")
    if hub is None:
        urls = runtime().urls
        render = Renderers(status=lambda view: entities.status(view, urls),
                           account=lambda view: entities.account(view, urls))
        hub = StreamHub(runtime().services, render)
        current_app.extensions["redfed.streaming"] = hub
        runtime().metrics.watch_streams(lambda: (hub.subscriber_count, hub.counts.delivered, hub.counts.closed_too_slow))
    return hub


async def _authenticate(headers, args) -> tuple[oauth.Caller, str | None]:
    """The caller, and the subprotocol to accept when the token came as one."""
    scheme, _, bearer = headers.get("Authorization", "").partition(" ")
    token, protocol = (bearer.strip() if scheme.lower() == "bearer" else ""), None
    if not token:
        token = args.get("access_token", "").strip()
    if not token:
        token = protocol = headers.get("Sec-WebSocket-Protocol", "").strip() or None
    if not token:
        raise Unauthorized(MISSING_TOKEN)
    caller = await oauth.authenticate_token(runtime().db, token)
    if caller is None or caller.actor is None:
        raise Unauthorized(INVALID_TOKEN)
    return caller, protocol


def _render(message: Message) -> tuple[str, str]:
    """(event name, payload): the payload is JSON text, a deleted status's id plain text."""
    if message.payload is not None:
        return message.event, message.payload
    return message.event, json.dumps(notification_entity(message.notification), ensure_ascii=False)


def _event_stream(message: Message) -> bytes:
    """The message as a server-sent event, encoded once for all who get it."""
    if "sse" not in message.encoded:
        event, payload = _render(message)
        message.encoded["sse"] = f"event: {event}\ndata: {payload}\n\n".encode()
    return message.encoded["sse"]


def _socket_frame(message: Message) -> str:
    """The message as a WebSocket text frame, encoded once for all who get it."""
    if "ws" not in message.encoded:
        event, payload = _render(message)
        message.encoded["ws"] = json.dumps({"stream": list(message.stream), "event": event, "payload": payload})
    return message.encoded["ws"]


@blueprint.after_app_serving
async def stop_streaming():
    hub = current_app.extensions.get("redfed.streaming")
    if hub is not None:
        await hub.shutdown()


@blueprint.get("/api/v1/streaming/health")
async def health():
    return Response("OK", content_type="text/plain; charset=utf-8")


@blueprint.get("/api/v1/streaming/<path:path>")
async def server_sent_events(path: str):
    name = SSE_STREAMS.get(path)
    if name is None:
        raise NotFound("Unknown stream type")
    params = Params.query()
    if name.startswith("public") and params.flag("only_media", False):
        name += ":media"
    caller, _ = await _authenticate(request.headers, request.args)
    list_id = _list_id(params.text("list", max_length=20))
    wanted = channels.channel(name, tag=params.text("tag", max_length=200), list_id=list_id)
    hub = _hub()
    subscriber = await hub.open(caller.actor, notifications=caller.allows("read:notifications"), token_id=caller.token_id)
    try:
        await hub.add(subscriber, wanted, caller.allows)
    except BaseException:
        hub.close(subscriber)
        raise

    @stream_with_context  # rendering a notification reads the app's runtime
    async def events():
        try:
            yield b":)\n"
            while True:
                message = await subscriber.next(HEARTBEAT_SECONDS)
                if subscriber.closed:
                    break
                yield b":thump\n" if message is None else _event_stream(message)
            if subscriber.reason:
                # Told as Mastodon's streaming server tells errors, then the stream ends.
                yield f"event: error\ndata: {json.dumps({'error': subscriber.reason, 'status': subscriber.status})}\n\n".encode()
        finally:
            hub.close(subscriber)

    response = Response(events(), content_type="text/event-stream", headers={"Cache-Control": "no-store"})
    response.timeout = None  # Quart ends responses after 60 s unless told otherwise
    return response


@blueprint.websocket("/api/v1/streaming")
async def socket():
    try:
        caller, protocol = await _authenticate(websocket.headers, websocket.args)
    except RedfedError as error:
        # Answered instead of the upgrade (the ASGI websocket.http.response extension).
        return {"error": error.message}, error.status
    hub = _hub()
    subscriber = await hub.open(caller.actor, notifications=caller.allows("read:notifications"), token_id=caller.token_id)
    lock = asyncio.Lock()
    try:
        await websocket.accept(subprotocol=protocol)
        if websocket.args.get("stream"):
            await _subscribe(hub, subscriber, caller, dict(websocket.args), lock)
        sender = asyncio.create_task(_send_messages(subscriber, lock))
        try:
            await _receive_commands(hub, subscriber, caller, lock)
        finally:
            sender.cancel()
    finally:
        hub.close(subscriber)


async def _send_messages(subscriber: Subscriber, lock: asyncio.Lock) -> None:
    while True:
        message = await subscriber.next(HEARTBEAT_SECONDS)
        if subscriber.closed:
            break
        if message is None:
            continue  # hypercorn answers pings; an idle connection needs nothing from us
        async with lock:
            await websocket.send(_socket_frame(message))
    if subscriber.reason:
        await _send_error(lock, subscriber.reason, subscriber.status)
    # 1013 "try again later": the client reconnects, and reloads what it missed; 1008 (policy
    # violation) when the token no longer allows the stream.
    code = 1011 if not subscriber.reason else 1013 if subscriber.status == 429 else 1008
    await websocket.close(code, subscriber.reason or "")


async def _receive_commands(hub: StreamHub, subscriber: Subscriber, caller: oauth.Caller, lock: asyncio.Lock) -> None:
    """`{"type": "subscribe" | "unsubscribe", "stream": ..., "tag": ..., "list": ...}` until closed."""
    while True:
        command = _command(await websocket.receive())
        if not isinstance(command, dict) or command.get("type") not in ("subscribe", "unsubscribe"):
            await _send_error(lock, "Invalid message", 400)
            continue
        if command["type"] == "subscribe":
            await _subscribe(hub, subscriber, caller, command, lock)
            continue
        try:
            subscriber.channels.discard(_channel(command))
        except RedfedError as error:
            await _send_error(lock, error.message, error.status)


def _command(raw: str | bytes) -> dict | None:
    """A client's JSON command, through the same checks as any request body (UTF-8, nesting,
    surrogates); None when it is not one."""
    try:
        command = inputs.json_object(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
        inputs.check_values(command)
    except RedfedError:
        return None
    return command


def _channel(values: dict) -> channels.Channel:
    def text(name: str) -> str | None:
        value = values.get(name)
        return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None

    return channels.channel(text("stream"), tag=text("tag"), list_id=_list_id(text("list")))


def _list_id(value: str | None) -> str | None:
    """A list id the store can look up; anything else is left out, which the stream refuses."""
    try:
        return str(inputs.record_id(value))
    except NotFound:
        return None


async def _subscribe(hub: StreamHub, subscriber: Subscriber, caller: oauth.Caller, values: dict, lock: asyncio.Lock) -> None:
    try:
        await hub.add(subscriber, _channel(values), caller.allows)
    except RedfedError as error:
        await _send_error(lock, error.message, error.status)


async def _send_error(lock: asyncio.Lock, message: str, status: int) -> None:
    async with lock:
        await websocket.send(json.dumps({"error": message, "status": status}))
