"""The streaming hub (layer 4): tails the `stream_events` log that triggers fill (migration 0004)
and fans each event out to the connections of this process.

No service announces anything: posts and notifications written by any process land in the log in
the same transaction, and one hub per app polls it (`WHERE id > ?`, a primary-key range, minding
the ids that commit late: stream_cursor) while anyone listens. On PostgreSQL each commit that adds
events also wakes the hubs of every process at once (LISTEN/NOTIFY).

The cost of an event does not grow with the database work per subscriber: before each round of
events the hub re-reads what it holds about its viewers (viewers.load, five queries), then loads
and renders each event once (audience.load_post_event) and checks every subscriber in memory.

Each connection has a bounded queue. A consumer that lets it fill is too slow to keep up: it is
closed with its reason, so that the app reconnects and reloads (as Mastodon's clients do after any
reconnect), and counted; the others lose nothing.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from ....errors import NotFound, Unauthorized
from ....models import Actor
from ....store import posts as post_store
from ....store.accounts import oauth as token_store
from ....store.discovery import tag_follows
from ....store.social import events as store
from ....store.social import stream_audience as audience_store
from ...context import Context
from ...views import AccountView, StatusView, account_views
from .. import conversations, filters, lists, notifications
from ..notifications import NotificationView
from ..stream_cursor import EventCursor
from . import audience, viewers
from .channels import STATUS_CHANNELS, Channel

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
BATCH = 200
QUEUE_SIZE = 1_000
NO_SCOPE = "Access token does not have the required scopes"
TOO_SLOW = "Too slow: the connection fell {} events behind and was closed; reconnect and reload"
REVOKED = "The access token was revoked"
TOKEN_CHECK_SECONDS = 5.0  # how soon a revoked token's open streams end


@dataclass
class Message:
    """One event for one channel: a status or a deleted id as JSON text, or a notification.

    Subscribers that get the same status on the same stream share one Message; `encoded` keeps the
    face's encodings of it, so that they too are made once."""

    stream: tuple[str, ...]
    event: str
    payload: str | None = None
    notification: NotificationView | None = None
    encoded: dict = field(default_factory=dict, compare=False, repr=False)


class Subscriber:
    """One streaming connection: the viewer, its channels, and the messages waiting for it."""

    def __init__(self, viewer: Actor, *, notifications: bool, token_id: int | None = None, queue_size: int = QUEUE_SIZE):
        self.viewer = viewer
        self.token_id = token_id  # the access token it was opened with: revoking it ends the stream
        self.notifications = notifications  # whether the token may read them (Mastodon: read:notifications)
        self.channels: set[Channel] = set()
        self.closed = False
        self.reason: str | None = None  # why the hub closed it, to tell the client
        self.status = 429  # and the HTTP status that reason goes with
        self._queue: asyncio.Queue[Message] = asyncio.Queue(queue_size)

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

    def wake(self) -> None:
        """Make a waiting `next` return at once, so that the connection sees it is closed."""
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(Message((), "close"))


@dataclass
class Counts:
    delivered: int = 0
    closed_too_slow: int = 0


@dataclass(frozen=True)
class Renderers:
    """The client API's entities, made by the face that serves them."""
    status: Callable[[StatusView], dict]
    account: Callable[[AccountView], dict]


class StreamHub:
    def __init__(self, ctx: Context, render: Renderers, *,
                 poll_seconds: float = POLL_SECONDS, queue_size: int = QUEUE_SIZE):
        self._ctx = ctx
        self._render = render
        self._poll = poll_seconds
        self.queue_size = queue_size
        self.counts = Counts()
        self._subscribers: set[Subscriber] = set()
        self._viewers: dict[int, viewers.Viewer] = {}
        self._cursor = EventCursor(0)
        self._task: asyncio.Task | None = None
        self._news = asyncio.Event()

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def open(self, viewer: Actor, *, notifications: bool, token_id: int | None = None) -> Subscriber:
        """A new subscriber, which receives every event committed after this returns."""
        if not self._running():
            cursor = await store.last_event_id(self._ctx.db.reader)
            if not self._running():
                self._cursor = EventCursor(cursor)
                self._task = asyncio.create_task(self._tail(), name="redfed-streaming")
        subscriber = Subscriber(viewer, notifications=notifications, token_id=token_id, queue_size=self.queue_size)
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

    def close(self, subscriber: Subscriber, reason: str | None = None, status: int = 429) -> None:
        if not subscriber.closed:
            subscriber.reason, subscriber.status = reason, status
        subscriber.closed = True
        subscriber.wake()
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
        checked_tokens_at = self._ctx.clock()
        while self._subscribers:
            self._news.clear()
            try:
                if self._ctx.clock() - checked_tokens_at >= TOKEN_CHECK_SECONDS:
                    checked_tokens_at = self._ctx.clock()
                    await self._close_revoked()
                found = await self._read()
                if found:
                    await self._refresh_viewers()
            except Exception:
                # The log stays in the database: a failed read is retried, nothing is lost.
                log.exception("reading stream events failed")
                found = []
            for event in self._cursor.take(found):
                await self._dispatch(event)
            if len(found) < BATCH:
                await self._wait_for_news()

    async def _close_revoked(self) -> None:
        """End the streams whose token was revoked since they opened, in this process or another."""
        held = {s.token_id for s in self._subscribers if s.token_id is not None}
        live = await token_store.live_among(self._ctx.db.reader, sorted(held)) if held else set()
        for subscriber in list(self._subscribers):
            if subscriber.token_id is not None and subscriber.token_id not in live:
                self.close(subscriber, REVOKED, 401)

    async def _read(self) -> list[store.StreamEvent]:
        reader = self._ctx.db.reader
        found = await store.list_events_after(reader, self._cursor.last_id, BATCH)
        if self._cursor.holes:
            found += await store.list_events_with_ids(reader, list(self._cursor.holes))
        return found

    async def _refresh_viewers(self) -> None:
        """What the stream holds about its viewers, as of now: after the events just read."""
        ids = sorted({s.viewer.id for s in self._subscribers})
        self._viewers = await viewers.load(self._ctx.db, ids, self._ctx.now_ms())

    async def _load_missing_viewers(self, targets: list[tuple[Subscriber, list[Channel]]]) -> None:
        """Those who subscribed since the round began are read now (once)."""
        missing = [s.viewer.id for s, _ in targets if s.viewer.id not in self._viewers]
        if missing:
            self._viewers.update(await viewers.load(self._ctx.db, sorted(set(missing)), self._ctx.now_ms()))

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
        if subscriber.closed:
            return
        if subscriber.offer(message):
            self.counts.delivered += 1
            return
        self.counts.closed_too_slow += 1
        log.warning("streaming: closed a connection of actor %d that fell %d events behind (%d closed so far)",
                    subscriber.viewer.id, self.queue_size, self.counts.closed_too_slow)
        self.close(subscriber, TOO_SLOW.format(self.queue_size))

    def _subscribed(self, names: Callable[[str], bool]) -> list[tuple[Subscriber, list[Channel]]]:
        """Open subscribers with the channels of theirs whose name passes `names`."""
        found = []
        for subscriber in list(self._subscribers):
            channels = [c for c in subscriber.channels if names(c.name)]
            if channels:
                found.append((subscriber, channels))
        return found

    async def _status(self, event: store.StreamEvent, post) -> None:
        targets = self._subscribed(STATUS_CHANNELS.__contains__)
        conversing = self._subscribed("direct".__eq__) if post.visibility == "direct" else []
        if not targets and not conversing:
            return
        await self._load_missing_viewers(targets + conversing)
        with_lists = any(c.name == "list" for _, channels in targets for c in channels)
        loaded = await audience.load_post_event(self._ctx.db, post, with_lists=with_lists)
        rendered = self._render.status(loaded.view)
        if conversing:
            await self._conversation(loaded, rendered, conversing)
        plain_payload = json.dumps({**rendered, "filtered": []}, ensure_ascii=False)
        plain: dict[tuple[str, ...], Message] = {}  # one per stream, shared by its subscribers
        now = self._ctx.now_ms()
        for subscriber, channels in targets:
            viewer = self._viewers[subscriber.viewer.id]
            if not audience.can_see(viewer, loaded):
                continue
            for wanted in channels:
                if not audience.shows(wanted, viewer, loaded, now):
                    continue
                results = viewer.filter_results(wanted.filter_context, loaded.view, now)
                if filters.hides(results):
                    continue
                if results:
                    payload = json.dumps({**rendered, "filtered": results}, ensure_ascii=False)
                    self._deliver(subscriber, Message(wanted.stream, event.kind, payload))
                else:
                    self._deliver(subscriber, plain.setdefault(
                        wanted.stream, Message(wanted.stream, event.kind, plain_payload)))

    async def _conversation(self, loaded: audience.PostEvent, rendered: dict,
                            targets: list[tuple[Subscriber, list[Channel]]]) -> None:
        """Mastodon's `conversation` event on the `direct` stream of the author and of everyone
        the post mentions: the Conversation entity as /api/v1/conversations shows it."""
        involved = loaded.mentions | {loaded.post.actor_id}
        targets = [(s, c) for s, c in targets if s.viewer.id in involved
                   and audience.can_see(self._viewers[s.viewer.id], loaded)]
        if not targets:
            return
        root = await conversations.thread_root_id(self._ctx, loaded.post)
        people = [loaded.view.account] + await account_views(self._ctx.db, list(loaded.view.mentions))
        accounts = {view.actor.id: self._render.account(view) for view in people}
        for subscriber, channels in targets:
            viewer_id = subscriber.viewer.id
            payload = json.dumps({
                "id": str(root), "unread": loaded.post.actor_id != viewer_id,
                "accounts": [accounts[actor_id] for actor_id in sorted(accounts) if actor_id != viewer_id],
                "last_status": rendered,
            }, ensure_ascii=False)
            for wanted in channels:
                self._deliver(subscriber, Message(wanted.stream, "conversation", payload))

    async def _delete(self, event: store.StreamEvent) -> None:
        targets = self._subscribed(STATUS_CHANNELS.__contains__)
        if not targets:
            return
        names = {c.name for _, channels in targets for c in channels}
        reader = self._ctx.db.reader
        followers = set()
        if "user" in names:
            followers = await audience_store.followers_of(reader, event.actor_id)
            if event.visibility in ("public", "unlisted"):  # it may have reached home by a followed tag
                followers |= await tag_follows.followers_of_tags(reader, list(event.tags))
        on_lists = ({str(row[0]) for row in await audience_store.lists_with_member(reader, event.actor_id, None)}
                    if "list" in names else set())
        for subscriber, channels in targets:
            for wanted in channels:
                if audience.delete_reaches(wanted, subscriber.viewer.id, event, followers, on_lists):
                    self._deliver(subscriber, Message(wanted.stream, "delete", str(event.post_id)))

    async def _notify(self, event: store.StreamEvent) -> None:
        targets = [(s, c) for s, c in self._subscribed(lambda name: name in ("user", "user:notification"))
                   if s.viewer.id == event.actor_id and s.notifications]
        if not targets:
            return
        try:
            view = await notifications.get_notification(
                self._ctx.db, targets[0][0].viewer, event.notification_id, self._ctx.now_ms()
            )
        except NotFound:
            return  # withdrawn since, or from an account the recipient hides
        if filters.hides(view.filtered):
            return
        for subscriber, channels in targets:
            for target in channels:
                self._deliver(subscriber, Message(target.stream, "notification", notification=view))
