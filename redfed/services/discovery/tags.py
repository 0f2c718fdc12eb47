"""Hashtags as the client API shows them (layer 4): each with its use over the last week and
whether the viewer follows and features it; following and featuring one. Followed tags bring
their posts to home (store/social/timelines.py, services/social/streaming/audience.py)."""

from dataclasses import dataclass

from ...models import Actor
from ...store.discovery import search as search_store
from ...store.discovery import tag_days
from ...store.discovery import tag_follows as follow_store
from ..context import Context
from . import featured
from .names import tag_name

HISTORY_DAYS = 7


@dataclass(frozen=True)
class DayUse:
    day_ms: int  # midnight UTC
    uses: int  # posts with the tag that day
    accounts: int  # distinct accounts that posted them


@dataclass(frozen=True)
class TagView:
    name: str
    history: tuple[DayUse, ...]  # the last HISTORY_DAYS days, today first
    following: bool = False
    featuring: bool = False


async def tag_views(ctx: Context, names: list[str], viewer: Actor | None) -> list[TagView]:
    """`names` (stored form) with their history, and the viewer's relation to each."""
    today = tag_days.day_of(ctx.now_ms())
    days = range(today, today - HISTORY_DAYS, -1)
    counts = await tag_days.history(ctx.db.reader, names, days[-1])
    followed = await search_store.followed_tag_names(ctx.db.reader, viewer.id, names) if viewer and names else set()
    featuring = await featured.featured_names(ctx, viewer, names) if viewer else set()
    return [
        TagView(name, tuple(DayUse(day * tag_days.DAY_MS, *counts.get(name, {}).get(day, (0, 0))) for day in days),
                name in followed, name in featuring)
        for name in names
    ]


async def one(ctx: Context, viewer: Actor | None, value: str) -> TagView:
    return (await tag_views(ctx, [tag_name(value)], viewer))[0]


async def follow_tag(ctx: Context, viewer: Actor, value: str) -> str:
    name = tag_name(value)
    async with ctx.db.transaction() as conn:
        await follow_store.follow(conn, viewer.id, name, ctx.now_ms())
    return name


async def unfollow_tag(ctx: Context, viewer: Actor, value: str) -> str:
    name = tag_name(value)
    async with ctx.db.transaction() as conn:
        await follow_store.unfollow(conn, viewer.id, name)
    return name


async def follow(ctx: Context, viewer: Actor, value: str) -> TagView:
    return await one(ctx, viewer, await follow_tag(ctx, viewer, value))


async def unfollow(ctx: Context, viewer: Actor, value: str) -> TagView:
    return await one(ctx, viewer, await unfollow_tag(ctx, viewer, value))


async def followed(ctx: Context, viewer: Actor, limit: int) -> list[TagView]:
    return await tag_views(ctx, await follow_store.list_followed(ctx.db.reader, viewer.id, limit), viewer)


async def feature(ctx: Context, viewer: Actor, value: str) -> TagView:
    return await one(ctx, viewer, (await featured.feature(ctx, viewer, value)).name)


async def unfeature(ctx: Context, viewer: Actor, value: str) -> TagView:
    name = tag_name(value)
    await featured.unfeature_name(ctx, viewer, name)
    return await one(ctx, viewer, name)


async def suggested_features(ctx: Context, viewer: Actor) -> list[TagView]:
    """The tags the viewer uses most and does not feature yet."""
    return await tag_views(ctx, await featured.suggestions(ctx, viewer), viewer)
