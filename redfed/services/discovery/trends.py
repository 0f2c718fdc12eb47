"""Trends (layer 4): the hashtags and posts more people are using and interacting with now.

A tag's score is the number of distinct discoverable accounts that used it publicly each day
(kept as posts arrive: store/discovery/tag_days.py), halved for each day of age over the last
TAG_DAYS days; a tag fewer than MIN_ACCOUNTS used on its best day is no candidate. As on Mastodon,
a tag trends publicly only once an admin approved it; admins see every candidate, approved,
rejected or waiting (who is an admin is the faces' check). A post's score is the number of other
accounts that liked or boosted it, halved every POST_HALF_LIFE_HOURS of its age, over two days.
"""

from dataclasses import dataclass

from ...clock import id_floor
from ...models import Actor
from ...store import views as view_store
from ...store.discovery import tag_days
from ...store.discovery import trends as store
from .. import views
from ..context import Context
from . import tags
from .names import tag_name

TAG_DAYS = 3
MIN_ACCOUNTS = 2  # a tag that one account alone uses never trends
POST_WINDOW_MS = 2 * tag_days.DAY_MS
POST_HALF_LIFE_HOURS = 12
POST_CANDIDATES = 200


@dataclass(frozen=True)
class TagCandidate:
    tag: tags.TagView
    score: float
    state: str | None  # approved, rejected, or None while no admin has decided


async def _scored_tags(ctx: Context) -> list[tuple[str, float]]:
    today = tag_days.day_of(ctx.now_ms())
    totals: dict[str, float] = {}
    peaks: dict[str, int] = {}
    for name, day, accounts in await tag_days.trending_counts(ctx.db.reader, today - TAG_DAYS + 1):
        totals[name] = totals.get(name, 0.0) + accounts * 0.5 ** (today - day)
        peaks[name] = max(peaks.get(name, 0), accounts)
    scored = [(name, score) for name, score in totals.items() if peaks[name] >= MIN_ACCOUNTS]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))


async def trending_tags(ctx: Context, viewer: Actor | None, offset: int, limit: int) -> list[tags.TagView]:
    scored = await _scored_tags(ctx)
    reviews = await store.reviews_of(ctx.db.reader, [name for name, _ in scored])
    approved = [name for name, _ in scored if reviews.get(name) == "approved"]
    return await tags.tag_views(ctx, approved[offset:offset + limit], viewer)


async def tag_candidates(ctx: Context, admin: Actor, limit: int) -> list[TagCandidate]:
    scored = (await _scored_tags(ctx))[:limit]
    names = [name for name, _ in scored]
    reviews = await store.reviews_of(ctx.db.reader, names)
    shown = await tags.tag_views(ctx, names, admin)
    return [TagCandidate(view, score, reviews.get(view.name)) for view, (_, score) in zip(shown, scored, strict=True)]


async def review_tag(ctx: Context, admin: Actor, value: str, *, approve: bool) -> TagCandidate:
    """Allow a tag to trend, or keep it from trending; either until decided otherwise."""
    name = tag_name(value)
    state = "approved" if approve else "rejected"
    async with ctx.db.transaction() as conn:
        await store.review(conn, name, state, admin.id, ctx.now_ms())
    score = dict(await _scored_tags(ctx)).get(name, 0.0)
    return TagCandidate((await tags.tag_views(ctx, [name], admin))[0], score, state)


async def trending_posts(ctx: Context, viewer: Actor | None, offset: int, limit: int) -> list[views.StatusView]:
    now = ctx.now_ms()
    found = await store.engaged_posts(ctx.db.reader, viewer.id if viewer else None, id_floor(now - POST_WINDOW_MS), now,
                                      POST_CANDIDATES)
    half_life_ms = POST_HALF_LIFE_HOURS * 3_600_000
    ranked = sorted(found, key=lambda row: (-row[2] * 0.5 ** (max(0, now - row[1]) / half_life_ms), -row[0]))
    ids = [post_id for post_id, _, _ in ranked[offset:offset + limit]]
    posts = await view_store.posts_by_ids(ctx.db.reader, ids)
    return await views.status_views(ctx.db, [posts[i] for i in ids if i in posts], viewer)

