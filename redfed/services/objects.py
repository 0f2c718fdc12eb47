"""Local posts as ActivityPub objects at their ids (layer 4): lookup, visibility, authorized fetch.

A post is served at `/users/<name>/statuses/<id>` (its uri) and its Create at `…/activity`. As on
Mastodon, a boost is no Note: its uri is the Announce's id, `…/statuses/<id>/activity`, and the
bare `…/statuses/<id>` of a boost leads to the boosted post. Followers-only and direct posts are
shown only to a signed fetch by someone allowed to see them; to anyone else they do not exist
(404, never 403: checklist 35). Deleted posts are remembered as tombstones and answer 410.
"""

import json
from dataclasses import dataclass

from ..errors import Gone, NotFound
from ..federation import emoji as emoji_ap
from ..federation import imported, serialize
from ..federation.deals import with_rating
from ..models import Actor, Post
from ..store import actors as actor_store
from ..store import deliveries as delivery_store
from ..store import posts as post_store
from ..store import post_origins
from ..store.emoji import emojis as emoji_store
from ..store.shop import deals as deal_store
from ..store.shop import listings as listing_store
from ..urls import Urls
from .accounts import accounts
from .context import Context
from .emoji import emojis as custom_emojis
from .fetch_auth import FetchRequest, signer_of
from .responses import quotes
from .shop import listings
from .supporters import posts as supporter_posts
from .visibility import can_see

PUBLIC_VISIBILITIES = ("public", "unlisted")


@dataclass(frozen=True)
class PostView:
    post: Post
    author: Actor
    mentioned: list[Actor]
    tags: list[str]
    boosted: Post | None = None  # set when `post` is a boost: the post it boosts
    listing_note: dict | None = None  # a listing's Note, carrying its Proposal (FEP-0837)
    rating: int | None = None  # a counted review's rating, carried as `rating` on its Note
    imported_from: str | None = None  # an imported post's id where it was first published
    quoting: dict | None = None  # what the Note says it quotes and who may quote it (FEP-044f)
    emoji_tags: tuple[dict, ...] = ()  # the custom emoji its text shows, as Emoji tags
    addressing: dict | None = None  # a supporters-only post's to and cc, as its delivery had them


class Deleted(Gone):
    """The post was deleted; `tombstone` is what an ActivityPub client is shown instead."""

    def __init__(self, uri: str, deleted_at: int):
        super().__init__("this post was deleted")
        self.tombstone = serialize.tombstone(uri, deleted_at)


async def find_post(ctx: Context, username: str, post_id: int, request: FetchRequest) -> PostView:
    """Post `post_id` of local user `username`, if whoever signed `request` may see it."""
    try:
        author = await accounts.find_local_actor(ctx.db, ctx.config, username)
    except NotFound:
        await _raise_if_deleted(ctx, ctx.urls.post(ctx.urls.actor(username), post_id))  # the account was deleted
        raise
    post = await post_store.get_post(ctx.db.reader, post_id)
    # Ids are shared by every post we store; only the author's own local posts live at its URLs.
    if post is None or post.actor_id != author.id or not post.is_local:
        await _raise_if_deleted(ctx, ctx.urls.post(author.uri, post_id))
        raise NotFound("no such post")
    # Public posts need no signature: checking one would cost a key fetch for nothing.
    viewer = None if post.visibility in PUBLIC_VISIBILITIES else await signer_of(ctx, request)
    if not await can_see(ctx.db.reader, viewer, post, ctx.now_ms()):
        raise NotFound("no such post")
    return await view_of(ctx, author, post)


async def _raise_if_deleted(ctx: Context, uri: str) -> None:
    deleted_at = await post_store.find_tombstone(ctx.db.reader, uri)
    if deleted_at is not None:
        raise Deleted(uri, deleted_at)


async def find_activity(ctx: Context, username: str, post_id: int, request: FetchRequest) -> dict:
    """The activity that published the post: its Create, or for a boost the Announce."""
    view = await find_post(ctx, username, post_id, request)
    if view.boosted is None:
        # Built from the post as it is now, so an edited post's Create shows the edit (Mastodon's
        # ActivityPresenter.from_status does the same).
        return serialize.create_activity(note_of(view, ctx.urls))
    raw = await delivery_store.find_activity(ctx.db.reader, view.post.uri)
    if raw is None:
        raise NotFound("no such post")
    return json.loads(raw)


async def view_of(ctx: Context, author: Actor, post: Post) -> PostView:
    """`post` (by `author`) with what its Note names: mentioned actors, hashtags, boosted post."""
    if post.reblog_of_id is not None:
        boosted = await post_store.get_post(ctx.db.reader, post.reblog_of_id)
        if boosted is None:
            raise NotFound("no such post")
        return PostView(post, author, [], [], boosted)
    mention_ids = await post_store.list_mentioned_actor_ids(ctx.db.reader, post.id)
    mentioned = [await actor_store.get_actor(ctx.db.reader, actor_id) for actor_id in mention_ids]
    tags = await post_store.list_tags(ctx.db.reader, post.id)
    # A listing's or a review's Note is served as its Create carried it (services/shop/listings.py,
    # services/shop/reviews.py): with the Proposal, or with the rating.
    listing = await listing_store.get_listing(ctx.db.reader, post.id) if post.is_local else None
    carried = await listings.carrying_note(ctx, author, post, listing) if listing else None
    rating = await deal_store.rating_of_post(ctx.db.reader, post.id) if post.in_reply_to_id else None
    origin = await post_origins.origin_of(ctx.db.reader, post.id) if post.is_local else None
    quoting = await quotes.stored_note(ctx.db.reader, {}, post, author) if post.is_local else None
    emojis = (await emoji_store.emojis_of_posts(ctx.db.reader, [post.id])).get(post.id, [])
    mentioned = [actor for actor in mentioned if actor is not None]
    addressing = await supporter_posts.addressing(ctx, ctx.db.reader, post, author, [a.uri for a in mentioned])
    return PostView(
        post, author, mentioned, tags, None, carried, rating, origin, quoting=quoting,
        emoji_tags=tuple(custom_emojis.ap_tags(emojis)), addressing=addressing,
    )


def note_of(view: PostView, urls: Urls) -> dict:
    if view.listing_note is not None:
        return imported.mark(view.listing_note, view.imported_from)  # a listing that moved here names its old post too
    note = imported.mark(serialize.post_to_ap(view.post, view.author, view.mentioned, view.tags, urls), view.imported_from)
    note = quotes.merged(note, view.quoting) if view.quoting else note
    note = emoji_ap.with_emoji_tags(note, list(view.emoji_tags))
    note = note | view.addressing if view.addressing else note
    return with_rating(note, view.rating) if view.rating is not None else note
