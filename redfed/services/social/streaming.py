"""Streaming (layer 4): which live events each subscriber gets, as Mastodon's streaming server
decides it, from the `stream_events` log that triggers fill (migration 0004).

No service announces anything: posts and notifications written by any process land in the log in
the same transaction, and one `StreamHub` per app polls it (`WHERE id > ?`, a primary-key range,
minding the ids that commit late: stream_cursor) while anyone listens. On PostgreSQL each commit
that adds events also wakes the hubs of every process at once (LISTEN/NOTIFY). For each event
and each subscribed channel the hub asks the same question the matching timeline asks, for that
one post: the home timeline's rules for `user`, the list's for `list`, the public and tag
timelines' for the rest, after services.visibility.can_see, and with the subscriber's filters
(Mastodon's `filtered`, `hide` drops the status). A subscriber whose queue overflows is dropped
rather than slowing everyone else.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from ...errors import BadRequest, NotFound, Unauthorized
from ...models import Actor, Post
from ...store import posts as post_store
from ...store.id_pages import Cursor, IdRange
from ...store.social import events as store
from ...store.social import timelines as timeline_store
from ..context import Context
from ..views import StatusView, status_views
from ..visibility import can_see
from . import filters, lists, notifications, timelines
from .notifications import NotificationView
from .stream_cursor import EventCursor

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
BATCH = 200
QUEUE_SIZE = 1_000
PUBLIC_CHANNELS = frozenset({
    "public", "public:media", "public:local", "public:local:media", "public:remote", "public:remote:media",
    "hashtag", "hashtag:local",
})
CHANNELS = PUBLIC_CHANNELS | {"user", "user:notification", "list"}
NO_SCOPE = "Access token does not have the required scopes"


@dataclass(frozen=True)
class Channel:
    name: str
    param: str | None = None  # the tag of a hashtag stream, the list id of a list stream

    @property
    def stream(self) -> tuple[str, ...]:
        return (self.name, self.param) if self.param is not None else (self.name,)

    @property
    def required_scope(self) -> str | None:
        """Mastodon's checkScopes: none for public streams; `read` or the narrower scope otherwise."""
        if self.name in PUBLIC_CHANNELS:
            return None
        return "read:notifications" if self.name == "user:notification" else "read:statuses"


def channel(name: str | None, *, tag: str | None = None, list_id: str | None = None) -> Channel:
    """A stream name and its parameter, checked as Mastodon's streaming server words its errors."""
    if name not in CHANNELS:
        raise BadRequest("Unknown stream type")
    if name.startswith("hashtag"):
        tag = (tag or "").strip().lstrip("#").lower()
        if not tag:
            raise BadRequest("No tag for stream provided")
        return Channel(name, tag)
    if name == "list":
        if not (list_id or "").strip().isdigit() or len(list_id.strip()) > 19:
            raise BadRequest("No list for stream provided")
        return Channel(name, list_id.strip())
    return Channel(name)


@dataclass(frozen=True)
class Message:
    """One event for one channel: a status (update, status.update), an id (delete) or a notification."""

    stream: tuple[str, ...]
    event: str
    status: StatusView | None = None
    filtered: list[dict] = field(default_factory=list)
    deleted_id: int | None = None
    notification: NotificationView | None = None


class Subscriber:
    """One streaming connection: the viewer, its channels, and the messages waiting for it."""

    def __init__(self, viewer: Actor, *, notifications: bool):
        self.viewer = viewer
        self.notifications = notifications  # whether the token may read them (Mastodon: read:notifications)
        self.channels: set[Channel] = set()
        self.closed = False
        self._queue: asyncio.Queue[Message] = asyncio.Queue(QUEUE_SIZE)

    async def next(self, timeout: float) -> Message | None:
        """The next message, or None after `timeout` seconds without one (time for a heartbeat)."""
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None

    def offer(self, message: Message) -> bool:
        """Queue `message`; False when the queue is full."""
        try:
            self._queue.put_nowait(message)
            return True
        except asyncio.QueueFull:
            return False


class StreamHub:
    def __init__(self, ctx: Context, *, poll_seconds: float = POLL_SECONDS):
        self._ctx = ctx
        self._poll = poll_seconds
        self._subscribers: set[Subscriber] = set()
        self._cursor = EventCursor(0)
        self._task: asyncio.Task | None = None
        self._news = asyncio.Event()

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def open(self, viewer: Actor, *, notifications: bool) -> Subscriber:
        """A new subscriber, which receives every event committed after this returns."""
        if not self._running():
            cursor = await store.last_event_id(self._ctx.db.reader)
            if not self._running():
                self._cursor = EventCursor(cursor)
                self._task = asyncio.create_task(self._tail(), name="redfed-streaming")
        subscriber = Subscriber(viewer, notifications=notifications)
        self._subscribers.add(subscriber)
        return subscriber

    async def add(self, subscriber: Subscriber, wanted: Channel, allows) -> None:
        """Subscribe to `wanted`; `allows(scope)` tells what the subscriber's token covers."""
        scope = wanted.required_scope
        if scope is not None and not allows(scope):
            raise Unauthorized(NO_SCOPE)
        if wanted.name == "list":
            await lists.get_list(self._ctx.db, subscriber.viewer, int(wanted.param))  # NotFound if not its own
        subscriber.channels.add(wanted)

    def close(self, subscriber: Subscriber) -> None:
        subscriber.closed = True
        self._subscribers.discard(subscriber)

    async def shutdown(self) -> None:
        """End every stream and stop tailing (the app is stopping)."""
        for subscriber in list(self._subscribers):
            self.close(subscriber)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _tail(self) -> None:
        while self._subscribers:
            self._news.clear()
            try:
                found = await self._read()
            except Exception:
                # The log stays in the database: a failed read is retried, nothing is lost.
                log.exception("reading stream events failed")
                found = []
            for event in self._cursor.take(found):
                await self._dispatch(event)
            if len(found) < BATCH:
                await self._wait_for_news()

    async def _read(self) -> list[store.StreamEvent]:
        reader = self._ctx.db.reader
        found = await store.list_events_after(reader, self._cursor.last_id, BATCH)
        if self._cursor.holes:
            found += await store.list_events_with_ids(reader, list(self._cursor.holes))
        return found

    async def _wait_for_news(self) -> None:
        """Until an event commits in any process (PostgreSQL says so), or `poll` seconds."""
        try:
            await self._ctx.db.listen(store.CHANNEL, self._news.set)
        except Exception as error:  # polling goes on without the wake-ups
            log.warning("cannot listen for stream events: %s", error)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._news.wait(), self._poll)

    async def _dispatch(self, event: store.StreamEvent) -> None:
        try:
            if event.kind == "notification":
                await self._notify(event)
            elif event.kind == "delete":
                await self._delete(event)
            else:
                post = await post_store.get_post(self._ctx.db.reader, event.post_id)
                if post is not None:
                    await self._status(event, post)
        except Exception:
            # One event that cannot be shown must not end every live stream; it stays in the log.
            log.exception("streaming event %d (%s) failed", event.id, event.kind)

    def _deliver(self, subscriber: Subscriber, message: Message) -> None:
        if not subscriber.offer(message):
            log.info("streaming subscriber of actor %d fell behind; dropped", subscriber.viewer.id)
            self.close(subscriber)

    async def _status(self, event: store.StreamEvent, post: Post) -> None:
        for subscriber in list(self._subscribers):
            channels = [c for c in subscriber.channels if c.name != "user:notification"]
            if not channels or not await can_see(self._ctx.db.reader, subscriber.viewer, post):
                continue
            for wanted in channels:
                shown = await self._shown(subscriber.viewer, wanted, post)
                if shown is not None:
                    view, filtered = shown
                    self._deliver(subscriber, Message(wanted.stream, event.kind, status=view, filtered=filtered))

    async def _shown(self, viewer: Actor, wanted: Channel, post: Post) -> tuple[StatusView, list[dict]] | None:
        """The status as `viewer` gets it on `wanted`, or None when that timeline would not show it."""
        if wanted.name == "list":
            page = await lists.timeline(
                self._ctx.db, viewer, int(wanted.param), Cursor(max_id=post.id + 1, since_id=post.id - 1), 1,
                self._ctx.now_ms(),
            )
            return (page.statuses[0], page.filtered.get(post.id, [])) if page.statuses else None
        if not await self._in_timeline(viewer, wanted, post):
            return None
        view = (await status_views(self._ctx.db, [post], viewer))[0]
        context = "home" if wanted.name == "user" else "public"
        matched = await filters.filter_results(self._ctx.db, viewer.id, context, [view], now=self._ctx.now_ms())
        results = matched.get(post.id, [])
        return None if filters.hides(results) else (view, results)

    async def _in_timeline(self, viewer: Actor, wanted: Channel, post: Post) -> bool:
        one = IdRange(max_id=post.id + 1, since_id=post.id - 1, limit=1)
        if wanted.name == "user":
            return bool(await timelines.home(self._ctx, viewer, one))
        if wanted.name.startswith("public"):
            parts = wanted.name.split(":")
            return bool(await timelines.public(
                self._ctx, viewer, one, local="local" in parts, remote="remote" in parts, only_media="media" in parts,
            ))
        if wanted.name.startswith("hashtag"):
            return bool(await timelines.tag(
                self._ctx, viewer, wanted.param, one, any_of=[], all_of=[], none_of=[], local=wanted.name == "hashtag:local",
            ))
        return False

    async def _delete(self, event: store.StreamEvent) -> None:
        for subscriber in list(self._subscribers):
            for wanted in list(subscriber.channels):
                if await self._delete_reaches(subscriber.viewer, wanted, event):
                    self._deliver(subscriber, Message(wanted.stream, "delete", deleted_id=event.post_id))

    async def _delete_reaches(self, viewer: Actor, wanted: Channel, event: store.StreamEvent) -> bool:
        """Whether the post could have reached this channel. It is gone, so the event carries what
        is needed: author, visibility, origin, tags and mentions at the time of deletion."""
        reader = self._ctx.db.reader
        if wanted.name == "user":
            return (event.actor_id == viewer.id or viewer.id in event.mentions
                    or await timeline_store.follows_accepted(reader, viewer.id, event.actor_id))
        if wanted.name == "list":
            return await store.is_list_member(reader, int(wanted.param), event.actor_id)
        if event.visibility != "public" or wanted.name == "user:notification":
            return False
        parts = wanted.name.split(":")
        if ("local" in parts and not event.is_local) or ("remote" in parts and event.is_local):
            return False
        return not wanted.name.startswith("hashtag") or wanted.param in event.tags

    async def _notify(self, event: store.StreamEvent) -> None:
        wanted_names = ("user", "user:notification")
        for subscriber in list(self._subscribers):
            if subscriber.viewer.id != event.actor_id or not subscriber.notifications:
                continue
            targets = [c for c in subscriber.channels if c.name in wanted_names]
            if not targets:
                continue
            try:
                view = await notifications.get_notification(
                    self._ctx.db, subscriber.viewer, event.notification_id, self._ctx.now_ms()
                )
            except NotFound:
                continue  # withdrawn since, or from an account the recipient hides
            if filters.hides(view.filtered):
                continue
            for target in targets:
                self._deliver(subscriber, Message(target.stream, "notification", notification=view))

