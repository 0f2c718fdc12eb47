"""Supporters-only posts (layer 4): who they are addressed and delivered to, and who may read them.

One is stored as a direct post with a mark (store/supporters/grants.py), so that every public,
tag and local timeline, search, trends and other people's feeds leave it out as they leave out
direct posts. It is addressed to the author's supporters collection and to each current
supporter, and delivered to those supporters' inboxes only: a remote server gets a limited post
(no Public, no followers), as Mastodon gets a direct one. Who reads it is decided when it is read:
a new supporter reads the earlier ones, an expired grant reads none.
"""

from dataclasses import dataclass

from ... import content
from ...models import Actor, Post
from ...store import actors as actor_store
from ...store import posts as post_store
from ...store.supporters import grants as store
from ...store.supporters import tiers as tier_store
from ...store.supporters.tiers import Tier
from ...urls import Urls
from ..context import Context
from .grants import current_supporters


def address(note: dict, urls: Urls, author: Actor, supporters: list[Actor]) -> dict:
    """The Note addressed to the supporters (and the collection naming them), mentions in cc."""
    to = [urls.supporters(author.uri)] + [actor.uri for actor in supporters]
    mentioned = [uri for uri in note.get("to", []) + note.get("cc", []) if uri not in to]
    return note | {"to": to, "cc": list(dict.fromkeys(mentioned))}


async def to_supporters(ctx: Context, conn, author: Actor, note: dict) -> dict:
    """A supporters-only post's Note, addressed to the author's supporters of the day."""
    return address(note, ctx.urls, author, await current_supporters(ctx, conn, author))


async def addressing(ctx: Context, conn, post: Post, author: Actor, mentions: list[str]) -> dict | None:
    """A supporters-only post's `to` and `cc` as of now (None for any other post): for an edit's
    Note, and for the Note served at its id."""
    if post.visibility != "direct" or not await store.is_supporters_post(conn, post.id):
        return None
    return await to_supporters(ctx, conn, author, {"to": mentions, "cc": []})


async def recipients(ctx: Context, conn, post: Post, author: Actor) -> list[Actor]:
    """Whom a supporters-only post's activities go to besides its mentions ([] for other posts)."""
    if post.visibility != "direct" or not await store.is_supporters_post(conn, post.id):
        return []
    return await current_supporters(ctx, conn, author)


async def mark(conn, post: Post) -> None:
    await store.mark_post(conn, post.id, post.actor_id)


@dataclass(frozen=True)
class Teaser:
    """What a visitor who may not read a supporters-only post is shown of it instead."""
    author: Actor
    line: str  # its content warning, or else its first line
    tiers: list[Tier]


TEASER_CHARACTERS = 100


async def teaser(ctx: Context, username: str, post_id: int) -> Teaser | None:
    """The teaser of local user `username`'s supporters-only post `post_id`; None for any other."""
    post = await post_store.get_post(ctx.db.reader, post_id)
    if post is None or not post.is_local or not await store.is_supporters_post(ctx.db.reader, post.id):
        return None
    author = await actor_store.get_actor(ctx.db.reader, post.actor_id)
    if author is None or author.username.lower() != username.lower() or author.suspended_at is not None:
        return None
    text = post.summary or (post.source or content.html_to_text(post.content)).strip().split("\n", 1)[0]
    line = text if len(text) <= TEASER_CHARACTERS else text[: TEASER_CHARACTERS - 1] + "…"
    return Teaser(author, line, await tier_store.list_tiers(ctx.db.reader, author.id))
