"""What a creator is shown of their reach (layer 4): a post's views by day and source, its
responses and deliveries by server; the account's profile views, follower growth and followers by
server, and its recent posts by views. Only the author may see them; with insights turned off
there is nothing to see (404).

Remote servers' own views are unknowable: what is counted here is what this server saw.
"""

import datetime
from dataclasses import dataclass, field

from ...errors import NotFound
from ...models import Actor, Post
from ...store import posts as post_store
from ...store.insights import reach
from ...store.insights import views as stored_views
from ..context import Context
from .views import DAY_SECONDS, SOURCES

WINDOW_DAYS = 30
RECENT_POSTS = 20


@dataclass(frozen=True)
class ByServer:
    local: int
    remote: dict[str, int]  # server → count, the largest first

    @property
    def total(self) -> int:
        return self.local + sum(self.remote.values())


@dataclass(frozen=True)
class Views:
    by_day: list[tuple[str, int]]  # (ISO date, views) for each day of the window, oldest first
    by_source: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_source.values())


@dataclass(frozen=True)
class PostInsights:
    post: Post
    views: Views
    responses: dict[str, ByServer]  # likes, boosts, replies, saves, quotes
    delivered_servers: int
    deliveries_sent: int
    deliveries_failed: int


@dataclass(frozen=True)
class AccountInsights:
    profile_views: Views
    post_views: Views
    new_followers_by_day: list[tuple[str, int]]
    followers: ByServer
    recent_posts: list[tuple[Post, int]] = field(default_factory=list)  # (post, views kept of it)


def _check_enabled(ctx: Context) -> None:
    if not ctx.config.insights.enabled:
        raise NotFound("insights are turned off on this server")


def _by_server(rows: list[tuple[str, bool, int]]) -> ByServer:
    return ByServer(sum(n for _, is_local, n in rows if is_local), {d: n for d, is_local, n in rows if not is_local})


def _window(ctx: Context) -> list[int]:
    today = int(ctx.clock() // DAY_SECONDS)
    return list(range(today - WINDOW_DAYS + 1, today + 1))


def _iso(day: int) -> str:
    return datetime.date.fromordinal(datetime.date(1970, 1, 1).toordinal() + day).isoformat()


def _views(days: list[int], rows: list[tuple[int, str, int]]) -> Views:
    per_day = dict.fromkeys(days, 0)
    per_source = dict.fromkeys(SOURCES, 0)
    for day, source, views in rows:
        per_day[day] = per_day.get(day, 0) + views
        per_source[source] = per_source.get(source, 0) + views
    return Views([(_iso(day), per_day[day]) for day in days], per_source)


async def post_insights(ctx: Context, author: Actor, post_id: int) -> PostInsights:
    """The reach of one of `author`'s posts; NotFound for anyone else's (existence not revealed)."""
    _check_enabled(ctx)
    post = await post_store.get_post(ctx.db.reader, post_id)
    if post is None or post.actor_id != author.id or post.reblog_of_id is not None:
        raise NotFound()
    conn = ctx.db.reader
    responses = {m: _by_server(await reach.responses_by_server(conn, m, post.id)) for m in reach.MEASURES}
    servers, sent, failed = await reach.deliveries(conn, post.uri)
    days = _window(ctx)
    views = _views(days, await stored_views.by_day_and_source(conn, "post", [post.id], days[0]))
    return PostInsights(post, views, responses, servers, sent, failed)


async def account_insights(ctx: Context, author: Actor) -> AccountInsights:
    _check_enabled(ctx)
    conn = ctx.db.reader
    days = _window(ctx)
    gained = dict(await reach.new_followers_by_day(conn, author.id, days[0] * DAY_SECONDS * 1000))
    post_ids = await reach.recent_post_ids(conn, author.id, RECENT_POSTS)
    totals = await stored_views.totals(conn, "post", post_ids)
    posts = [p for p in [await post_store.get_post(conn, i) for i in post_ids] if p is not None]
    return AccountInsights(
        profile_views=_views(days, await stored_views.by_day_and_source(conn, "profile", [author.id], days[0])),
        post_views=_views(days, await stored_views.post_views_of_author(conn, author.id, days[0])),
        new_followers_by_day=[(_iso(day), gained.get(day, 0)) for day in days],
        followers=_by_server(await reach.followers_by_server(conn, author.id)),
        recent_posts=sorted(((p, totals.get(p.id, 0)) for p in posts), key=lambda pair: -pair[1]),
    )
