"""Timelines as the client API serves them (layer 4): which posts, in which order, for whom."""

from ...models import Actor, Post
from ...store.id_pages import IdRange
from ...store.social import timelines as store
from ..context import Context
from . import lists


async def home(ctx: Context, viewer: Actor, page: IdRange) -> list[Post]:
    """Home, less the members of the viewer's exclusive lists (their posts live in the list)."""
    excluded = await lists.exclusive_member_ids(ctx.db, viewer)
    posts = await store.home(ctx.db.reader, viewer.id, page.limit, page=page, now=ctx.now_ms())
    return [p for p in posts if p.actor_id not in excluded or p.actor_id == viewer.id]


async def public(ctx: Context, viewer: Actor | None, page: IdRange, *, local: bool, remote: bool, only_media: bool) -> list[Post]:
    where = True if local and not remote else False if remote and not local else None
    return await store.public(ctx.db.reader, viewer.id if viewer else None, page, local=where, only_media=only_media, now=ctx.now_ms())


async def tag(ctx: Context, viewer: Actor | None, name: str, page: IdRange, *, any_of: list[str], all_of: list[str],
              none_of: list[str], local: bool) -> list[Post]:
    names = [n.lower().lstrip("#") for n in [name, *any_of]]
    return await store.tagged(
        ctx.db.reader, viewer.id if viewer else None, names, [n.lower().lstrip("#") for n in all_of],
        [n.lower().lstrip("#") for n in none_of], page, local=True if local else None, now=ctx.now_ms(),
    )


async def account_posts(ctx: Context, viewer: Actor | None, author: Actor, page: IdRange, **options) -> list[Post]:
    return await store.by_account(ctx.db.reader, viewer.id if viewer else None, author.id, page, now=ctx.now_ms(), **options)


async def favourites(ctx: Context, viewer: Actor, page: IdRange) -> list[tuple[int, Post]]:
    return await store.favourited_by(ctx.db.reader, viewer.id, page)


async def bookmarks(ctx: Context, viewer: Actor, page: IdRange) -> list[tuple[int, Post]]:
    return await store.bookmarked_by(ctx.db.reader, viewer.id, page)
