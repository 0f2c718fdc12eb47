"""Listing reviews (layer 4): a review is a post replying to a listing's post with a 1-5 rating.

Locally it is written as an ordinary reply whose text starts with the stars ("★★★★☆ 4/5"), so
Mastodon readers see the rating, and its Note carries the `rating` extension property for redfed
receivers. One review per account and listing counts (a later one replaces the earlier); the
seller's own replies never count. FEDERATION.md, "Deals and reviews".
"""

import logging
from dataclasses import replace

from ...clock import new_id
from ...errors import Unprocessable
from ...federation import deals as ap
from ...federation import serialize
from ...models import Actor, Post, Review
from ...store import posts as post_store
from ...store import views as view_store
from ...store.id_pages import IdRange
from ...store.shop import deals as store
from ...store.shop import listings as listing_store
from ..context import Context
from ..languages.detection import language_of
from ..social import posts
from . import listings

log = logging.getLogger(__name__)

MAX_TEXT = 400  # the stars line and this fit in a 500-character post


def check_rating(value) -> int:
    text = str(value).strip() if value is not None and not isinstance(value, bool) else ""
    if text not in ("1", "2", "3", "4", "5"):
        raise Unprocessable("rating must be a whole number from 1 to 5")
    return int(text)


async def review(ctx: Context, author: Actor, listing_id: int, rating, text: str = "") -> tuple[Review, Post]:
    """A local review: a public reply to the listing's post, starting with the stars."""
    posts.check_can_post(author)
    rating = check_rating(rating)
    if len(text) > MAX_TEXT:
        raise Unprocessable(f"a review's text is at most {MAX_TEXT} characters")
    listing, parent = await listings.visible_listing(ctx, listing_id, author)
    if listing.actor_id == author.id:
        raise Unprocessable("you cannot review your own listing")
    body = ap.stars(rating) + ("\n\n" + text.strip() if text.strip() else "")
    rendered, mentioned = await posts.render_text(ctx, body)
    language = await language_of(ctx.config, text)
    now = ctx.now_ms()
    post_id = new_id(now)
    post = Post(
        id=post_id, uri=ctx.urls.post(author.uri, post_id), url=ctx.urls.post_page(author.username, post_id),
        actor_id=author.id, is_local=True, type="Note", visibility="public", content=rendered.html, source=body,
        summary="", sensitive=False, language=language, in_reply_to_uri=parent.uri, in_reply_to_id=parent.id,
        reblog_of_id=None, conversation=None, audience=(), attachments=(), poll=None,
        published_at=now, edited_at=None, created_at=now,
    )
    note = ap.with_rating(serialize.post_to_ap(post, author, mentioned, list(rendered.hashtags), ctx.urls), rating)
    post = replace(post, audience=tuple(note["to"] + note["cc"]))
    seller = (await view_store.actors_by_ids(ctx.db.reader, [listing.actor_id]))[listing.actor_id]
    counted = Review(listing.post_id, author.id, post.id, rating, now)
    async with ctx.db.transaction() as conn:
        await post_store.insert_post(conn, post)
        await posts.link_and_fan_out(ctx, conn, post, author, rendered, mentioned, seller,
                                     serialize.create_activity(note), is_public=True)
        await store.upsert_review(conn, counted)
    ctx.wake_delivery()
    return counted, post


async def receive(ctx: Context, actor: Actor, post: Post, note: dict) -> bool:
    """A received reply with a `rating`: counted when it answers a listing's post and does not
    come from the seller. The reply itself is stored as a post either way."""
    rating = ap.rating_of(note)
    listing = await listing_store.get_listing(ctx.db.reader, post.in_reply_to_id) if post.in_reply_to_id else None
    if rating is None or listing is None or post.visibility not in ("public", "unlisted"):
        return False
    if listing.actor_id == actor.id or post.actor_id != actor.id:
        log.info("review %s by %s not counted: the seller's own, or not the author's", post.uri, actor.uri)
        return False
    async with ctx.db.transaction() as conn:
        await store.upsert_review(conn, Review(listing.post_id, actor.id, post.id, rating, ctx.now_ms()))
    return True


def is_review(note) -> bool:
    """Whether an inbound object claims to be a review: a reply carrying a rating."""
    return isinstance(note, dict) and note.get("inReplyTo") is not None and ap.rating_of(note) is not None


async def reviews_of(ctx: Context, listing_id: int, viewer: Actor | None, page: IdRange) -> list[tuple[Review, Post]]:
    """The counted reviews of a listing the viewer may see, newest first."""
    await listings.visible_listing(ctx, listing_id, viewer)
    found = await store.list_reviews(ctx.db.reader, listing_id, page)
    by_id = await view_store.posts_by_ids(ctx.db.reader, [r.post_id for r in found])
    return [(r, by_id[r.post_id]) for r in found if r.post_id in by_id]


async def ratings(ctx: Context, listing_ids: list[int]) -> dict[int, dict]:
    """`{average, count}` for each listing id (average None when unreviewed)."""
    found = await store.ratings(ctx.db.reader, listing_ids)
    return {
        i: {"average": round(found[i][0], 2), "count": found[i][1]} if i in found else {"average": None, "count": 0}
        for i in listing_ids
    }
