"""What the pages show (layer 4): the landing page's photo grid, a profile with its posts, the
signed-in home feed, and the reader's language setting. Each is one call for a page, over the
timelines and views the client API uses too, so both faces apply the same visibility rules."""

from dataclasses import dataclass
from typing import BinaryIO

from ...db.api import Database
from ...models import Actor, User
from ...store.accounts import user_settings
from ...store.id_pages import IdRange
from .. import views
from ..context import Context
from . import relationships, timelines

PAGE_SIZE = 30
MAX_PHOTOS = 4  # photos at their full size limit that one form body may carry (web/pages/common.py)
PROFILE_TABS = ("posts", "replies", "media")


@dataclass(frozen=True)
class ProfilePage:
    account: views.AccountView
    relationship: relationships.Relationship | None  # the signed-in viewer's, unless it is their own
    posts: list[views.StatusView]
    tab: str


async def recent_photo_posts(ctx: Context, viewer: Actor | None, *, local: bool = True, limit: int = PAGE_SIZE) -> list[views.StatusView]:
    """Recent public posts with media, newest first: local ones, or those from everywhere."""
    posts = await timelines.public(ctx, viewer, IdRange(limit=limit), local=local, remote=not local, only_media=True)
    return await views.status_views(ctx.db, posts, viewer)


async def profile(ctx: Context, viewer: Actor | None, actor: Actor, tab: str, max_id: int | None = None) -> ProfilePage:
    """A profile: the account with its counts, the viewer's relationship to it, and one tab of its
    posts as the viewer may see them (posts and self-threads, everything with replies, or media)."""
    if tab not in PROFILE_TABS:
        tab = "posts"
    posts = await timelines.account_posts(
        ctx, viewer, actor, IdRange(max_id=max_id, limit=PAGE_SIZE), exclude_replies=tab == "posts",
        exclude_reblogs=tab == "media", only_media=tab == "media", tagged_name=None, pinned=False,
    )
    relationship = None
    if viewer is not None and viewer.id != actor.id:
        relationship = (await relationships.relationships(ctx, viewer, [actor.id]))[0]
    return ProfilePage(
        await views.account_view(ctx.db, actor), relationship, await views.status_views(ctx.db, posts, viewer), tab
    )


async def home_feed(ctx: Context, viewer: Actor, max_id: int | None = None) -> list[views.StatusView]:
    posts = await timelines.home(ctx, viewer, IdRange(max_id=max_id, limit=PAGE_SIZE))
    return await views.status_views(ctx.db, posts, viewer)


@dataclass(frozen=True)
class NewPhoto:
    file: BinaryIO
    description: str


async def set_locale(db: Database, user: User, locale: str) -> None:
    """Keep the language a user chose for the pages: a language code the pages speak, which only
    they know (web.i18n.stored_value)."""
    async with db.transaction() as conn:
        await user_settings.set_locale(conn, user.id, locale)
