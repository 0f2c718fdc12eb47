"""A local actor's collections as ActivityStreams documents (layer 4): outbox, followers,
following and featured, shaped and paginated as Mastodon serves them.

- outbox: `first` is `?page=true`; pages hold the activities as we published them, newest first,
  20 to a page, the next page keyed by `max_id` (ActivityPub::OutboxesController).
- followers and following: numbered pages of actor ids, 40 to a page, `?page=1` first
  (FollowerAccountsController and FollowingAccountsController). Mastodon hides the pages when the
  user asks it to; we have no such setting yet, so they are always shown.
- featured: the pinned posts as full Notes, unpaginated (ActivityPub::CollectionsController).
"""

import json

from ..protocol import as2
from ..store import deliveries as delivery_store
from ..store.social import follows as follow_store
from ..store.social import interactions as interaction_store
from .accounts import accounts
from .context import Context
from .groups import groups
from .objects import PUBLIC_VISIBILITIES, note_of, view_of

OUTBOX_PAGE_SIZE = 20
FOLLOWS_PAGE_SIZE = 40
FOLLOW_DIRECTIONS = ("followers", "following")


async def outbox(ctx: Context, username: str, *, page: bool, max_id: int | None = None) -> dict:
    """The outbox, or with `page` one page of it: the activities older than `max_id` (a row id)."""
    actor = await accounts.find_local_actor(ctx.db, ctx.config, username)
    base = actor.outbox_uri
    if not page:
        total = await delivery_store.count_outbox(ctx.db.reader, actor.id)
        return _collection(base, total, f"{base}?page=true")
    # One row more than a page tells whether a next page exists without a count.
    rows = await delivery_store.list_outbox(ctx.db.reader, actor.id, OUTBOX_PAGE_SIZE + 1, max_id)
    shown = rows[:OUTBOX_PAGE_SIZE]
    following = f"{base}?page=true&max_id={shown[-1][0]}" if len(rows) > OUTBOX_PAGE_SIZE else None
    page_id = f"{base}?page=true" + (f"&max_id={max_id}" if max_id is not None else "")
    return _page(page_id, base, [json.loads(raw) for _, raw in shown], next_id=following)


async def follows(ctx: Context, username: str, direction: str, *, page: int | None = None) -> dict:
    """Followers or following (accepted follows only), or with `page` (from 1) one page of it."""
    if direction not in FOLLOW_DIRECTIONS:
        raise ValueError(f"direction must be one of {FOLLOW_DIRECTIONS}")
    actor = await accounts.find_local_actor(ctx.db, ctx.config, username)
    base = actor.followers_uri if direction == "followers" else actor.following_uri
    total = await follow_store.count_follows(ctx.db.reader, actor.id, direction)
    if direction == "followers" and await groups.members_hidden(ctx, actor):
        return _collection(base, total, None)  # a group that hides its members shows only their count
    if page is None:
        return _collection(base, total, f"{base}?page=1")
    offset = (page - 1) * FOLLOWS_PAGE_SIZE
    uris = await follow_store.list_follow_uris_at(ctx.db.reader, actor.id, direction, FOLLOWS_PAGE_SIZE + 1, offset)
    return _page(
        f"{base}?page={page}", base, uris[:FOLLOWS_PAGE_SIZE], total=total,
        next_id=f"{base}?page={page + 1}" if len(uris) > FOLLOWS_PAGE_SIZE else None,
        prev_id=f"{base}?page={page - 1}" if page > 1 else None,
    )


async def featured(ctx: Context, username: str) -> dict:
    """The pinned posts as Notes. Mastodon lists pinned posts that are not public as bare ids; we
    leave them out, since even an id tells a stranger that a hidden post exists (checklist 35)."""
    actor = await accounts.find_local_actor(ctx.db, ctx.config, username)
    posts = await interaction_store.list_featured_posts(ctx.db.reader, actor.id)
    notes = [
        note_of(await view_of(ctx, actor, post), ctx.urls)
        for post in posts
        if post.visibility in PUBLIC_VISIBILITIES and post.reblog_of_id is None
    ]
    return as2.ordered_collection(actor.featured_uri, notes)


def _collection(collection_id: str, total: int, first: str | None) -> dict:
    doc = {"@context": as2.AS_CONTEXT, "id": collection_id, "type": "OrderedCollection", "totalItems": total}
    return doc | ({"first": first} if first else {})


def _page(
    page_id: str, collection_id: str, items: list, *, total: int | None = None, next_id: str | None = None,
    prev_id: str | None = None,
) -> dict:
    doc = {
        "@context": as2.AS_CONTEXT, "id": page_id, "type": "OrderedCollectionPage", "totalItems": total,
        "next": next_id, "prev": prev_id, "partOf": collection_id, "orderedItems": items,
    }
    return {name: value for name, value in doc.items() if value is not None}
