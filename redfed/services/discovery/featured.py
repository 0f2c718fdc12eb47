"""Featured hashtags (layer 4): the tags an account shows on its profile, with how often it used
each, as Mastodon's featured tags; and the collection that federates them."""

from dataclasses import dataclass

from ...clock import new_id
from ...errors import NotFound, Unprocessable
from ...federation import serialize
from ...models import Actor
from ...store.discovery import featured_tags as store
from ..accounts import accounts
from ..context import Context
from .names import tag_name

MAX_FEATURED = 10  # the instance's configuration.accounts.max_featured_tags
MAX_SUGGESTIONS = 10


@dataclass(frozen=True)
class FeaturedTag:
    id: int
    name: str
    statuses_count: int  # the account's public and unlisted posts with the tag
    last_status_at: int | None  # ms


async def list_for(ctx: Context, actor: Actor) -> list[FeaturedTag]:
    rows = await store.list_of(ctx.db.reader, actor.id)
    used = await store.usage(ctx.db.reader, actor.id, [name for _, name in rows])
    return [FeaturedTag(featured_id, name, *used.get(name, (0, None))) for featured_id, name in rows]


async def featured_names(ctx: Context, actor: Actor, names: list[str]) -> set[str]:
    return await store.names_among(ctx.db.reader, actor.id, names)


async def feature(ctx: Context, actor: Actor, value: str) -> FeaturedTag:
    """Feature a tag (featuring it again changes nothing); at most MAX_FEATURED of them."""
    name = tag_name(value)
    async with ctx.db.transaction() as conn:
        if await store.find_by_name(conn, actor.id, name) is None:
            if len(await store.list_of(conn, actor.id)) >= MAX_FEATURED:
                raise Unprocessable(f"Validation failed: You can only feature up to {MAX_FEATURED} hashtags")
            await store.add(conn, new_id(ctx.now_ms()), actor.id, name, ctx.now_ms())
    return next(tag for tag in await list_for(ctx, actor) if tag.name == name)


async def unfeature(ctx: Context, actor: Actor, featured_id: int) -> None:
    async with ctx.db.transaction() as conn:
        if not await store.remove(conn, actor.id, featured_id):
            raise NotFound("Record not found")


async def unfeature_name(ctx: Context, actor: Actor, name: str) -> None:
    async with ctx.db.transaction() as conn:
        await store.remove_name(conn, actor.id, name)


async def suggestions(ctx: Context, actor: Actor) -> list[str]:
    """The tags the account uses most and does not feature yet."""
    return await store.most_used(ctx.db.reader, actor.id, MAX_SUGGESTIONS)


async def collection(ctx: Context, username: str) -> dict:
    """The actor's `featuredTags` collection, as Mastodon serves it."""
    actor = await accounts.find_local_actor(ctx.db, ctx.config, username)
    names = [name for _, name in await store.list_of(ctx.db.reader, actor.id)]
    return serialize.featured_tags_collection(actor, names, ctx.urls)
