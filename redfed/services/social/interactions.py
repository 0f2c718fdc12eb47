"""Likes, boosts, blocks and pinned posts, local and remote (layer 4).

A boost is a post row pointing at the boosted post (Mastodon's model); its uri is the Announce's
id. Only public and unlisted posts can be boosted, by anyone but a blocked account.
"""

from ...clock import new_id
from ...errors import Forbidden, NotFound, Unprocessable
from ...federation import audience, delivery
from ...models import Actor, Post
from ...protocol import as2
from ...store import actors as actor_store
from ...store import deliveries as delivery_store
from ...store import posts as post_store
from ...store.social import follows as follow_store
from ...store.social import interactions as store
from ..context import Context
from ..notify import notify, withdraw
from ..visibility import can_see
from .posts import fetch_post

BOOSTABLE = ("public", "unlisted")


async def like(ctx: Context, actor: Actor, post: Post) -> None:
    author = await _visible_author(ctx, actor, post)
    uri = ctx.urls.activity(new_id())
    async with ctx.db.transaction() as conn:
        if not await store.insert_like(conn, uri, actor.id, post.id, ctx.now_ms()):
            return
        await notify(conn, author.id, "favourite", actor, post.id, ctx.now_ms())
        activity = as2.activity("Like", uri, actor.uri, post.uri)
        await _send(ctx, conn, activity, actor, audience.for_actor(ctx.config, author), post.uri)
    ctx.wake_delivery()


async def unlike(ctx: Context, actor: Actor, post: Post) -> None:
    author = await actor_store.get_actor(ctx.db.reader, post.actor_id)
    async with ctx.db.transaction() as conn:
        found = await store.find_like(conn, actor.id, post.id)
        if found is None:
            return
        await store.delete_like(conn, actor.id, post.id)
        await withdraw(conn, post.actor_id, "favourite", actor, post.id)
        liked = as2.activity("Like", found[1], actor.uri, post.uri)
        undo = as2.activity("Undo", f"{found[1]}/undo", actor.uri, liked)
        await _send(ctx, conn, undo, actor, audience.for_actor(ctx.config, author), post.uri)
    ctx.wake_delivery()


async def boost(ctx: Context, actor: Actor, post: Post) -> Post:
    author = await _visible_author(ctx, actor, post)
    if post.visibility not in BOOSTABLE or post.reblog_of_id is not None:
        raise Unprocessable("this post cannot be boosted")
    reblog_id = new_id(ctx.now_ms())
    reblog = _reblog(post, actor, ctx.urls.post(actor.uri, reblog_id) + "/activity", reblog_id, "public", ctx.now_ms())
    async with ctx.db.transaction() as conn:
        existing = await post_store.find_reblog(conn, actor.id, post.id)
        if existing:
            return existing
        await post_store.insert_post(conn, reblog)
        await notify(conn, author.id, "reblog", actor, post.id, ctx.now_ms())
        announce = as2.activity(
            "Announce", reblog.uri, actor.uri, post.uri, to=[as2.PUBLIC], cc=[author.uri, actor.followers_uri],
            published=as2.iso_time(reblog.published_at),
        )
        inboxes = await audience.for_followers(conn, ctx.config, actor, [author])
        # Filed under the boosted post, so that deleting the post takes its boosts off outboxes.
        await delivery.enqueue(conn, announce, actor, inboxes, is_public=True, object_uri=post.uri, now=ctx.now_ms())
    ctx.wake_delivery()
    return reblog


async def unboost(ctx: Context, actor: Actor, post: Post) -> None:
    author = await actor_store.get_actor(ctx.db.reader, post.actor_id)
    async with ctx.db.transaction() as conn:
        reblog = await post_store.find_reblog(conn, actor.id, post.id)
        if reblog is None:
            return
        await post_store.delete_post(conn, reblog.id)
        await delivery_store.unpublish_activity(conn, reblog.uri)
        await withdraw(conn, post.actor_id, "reblog", actor, post.id)
        announce = as2.activity("Announce", reblog.uri, actor.uri, post.uri)
        undo = as2.activity("Undo", f"{reblog.uri}/undo", actor.uri, announce, to=[as2.PUBLIC])
        inboxes = await audience.for_followers(conn, ctx.config, actor, [author])
        await delivery.enqueue(conn, undo, actor, inboxes, is_public=False, object_uri=reblog.uri, now=ctx.now_ms())
    ctx.wake_delivery()


async def block(ctx: Context, actor: Actor, target: Actor) -> None:
    """Blocking also ends follows both ways, as on Mastodon."""
    if actor.id == target.id:
        raise Unprocessable("you cannot block yourself")
    uri = ctx.urls.activity(new_id())
    async with ctx.db.transaction() as conn:
        if await store.find_block(conn, actor.id, target.id):
            return
        await store.insert_block(conn, uri, actor.id, target.id, ctx.now_ms())
        await follow_store.delete_follows_between(conn, actor.id, target.id)
        activity = as2.activity("Block", uri, actor.uri, target.uri)
        await _send(ctx, conn, activity, actor, audience.for_actor(ctx.config, target), target.uri)
    ctx.wake_delivery()


async def unblock(ctx: Context, actor: Actor, target: Actor) -> None:
    async with ctx.db.transaction() as conn:
        uri = await store.find_block(conn, actor.id, target.id)
        if uri is None:
            return
        await store.delete_block(conn, actor.id, target.id)
        undo = as2.activity("Undo", f"{uri}/undo", actor.uri, as2.activity("Block", uri, actor.uri, target.uri))
        await _send(ctx, conn, undo, actor, audience.for_actor(ctx.config, target), target.uri)
    ctx.wake_delivery()


async def _visible_author(ctx: Context, actor: Actor, post: Post) -> Actor:
    if not await can_see(ctx.db.reader, actor, post):
        raise NotFound("no such post")
    author = await actor_store.get_actor(ctx.db.reader, post.actor_id)
    if await store.is_blocked_either_way(ctx.db.reader, actor.id, author.id):
        raise Forbidden("you cannot interact with this account")
    return author


async def _send(ctx: Context, conn, activity: dict, actor: Actor, inboxes: list[str], object_uri: str) -> None:
    await delivery.enqueue(conn, activity, actor, inboxes, is_public=False, object_uri=object_uri, now=ctx.now_ms())


def _reblog(post: Post, actor: Actor, uri: str, reblog_id: int, visibility: str, now: int) -> Post:
    return Post(
        id=reblog_id, uri=uri, url=None, actor_id=actor.id, is_local=actor.is_local, type="Announce",
        visibility=visibility, content="", source=None, summary="", sensitive=False, language=None,
        in_reply_to_uri=None, in_reply_to_id=None, reblog_of_id=post.id, conversation=None, audience=(),
        attachments=(), poll=None, published_at=now, edited_at=None, created_at=now,
    )


# Inbound ---------------------------------------------------------------------------------------


async def receive_like(ctx: Context, actor: Actor, like_id: str, object_uri: str) -> bool:
    """Likes are kept for our own posts and for posts we already have; others are not fetched."""
    post = await post_store.find_post_by_uri(ctx.db.reader, object_uri)
    if post is None or not await can_see(ctx.db.reader, actor, post):
        return False
    async with ctx.db.transaction() as conn:
        if not await store.insert_like(conn, like_id, actor.id, post.id, ctx.now_ms()):
            return False
        await notify(conn, post.actor_id, "favourite", actor, post.id, ctx.now_ms())
    return True


async def receive_undo_like(ctx: Context, actor: Actor, like_id: str | None, object_uri: str | None) -> bool:
    async with ctx.db.transaction() as conn:
        post_id = await store.delete_like_by_uri(conn, like_id, actor.id) if like_id else None
        if post_id is None and object_uri:
            post = await post_store.find_post_by_uri(conn, object_uri)
            if post and await store.find_like(conn, actor.id, post.id):
                await store.delete_like(conn, actor.id, post.id)
                post_id = post.id
        if post_id is None:
            return False
        liked = await post_store.get_post(conn, post_id)
        await withdraw(conn, liked.actor_id, "favourite", actor, post_id)
        return True


async def receive_announce(ctx: Context, actor: Actor, announce_id: str, object_uri: str, to: list, cc: list) -> Post | None:
    """A remote boost: the boosted post is fetched from its own origin when we lack it."""
    post = await fetch_post(ctx, object_uri)
    if post is None or post.visibility not in BOOSTABLE or post.reblog_of_id is not None:
        return None
    visibility = as2.visibility_of(to, cc, actor.followers_uri)
    now = ctx.now_ms()
    reblog = _reblog(post, actor, announce_id, new_id(now), "public" if visibility == "public" else "unlisted", now)
    async with ctx.db.transaction() as conn:
        existing = await post_store.find_reblog(conn, actor.id, post.id)
        if existing or await post_store.find_post_by_uri(conn, announce_id):
            return existing
        await post_store.insert_post(conn, reblog)
        await notify(conn, post.actor_id, "reblog", actor, post.id, ctx.now_ms())
    return reblog


async def receive_undo_announce(ctx: Context, actor: Actor, announce_id: str) -> bool:
    async with ctx.db.transaction() as conn:
        reblog = await post_store.find_post_by_uri(conn, announce_id)
        if reblog is None or reblog.actor_id != actor.id or reblog.reblog_of_id is None:
            return False
        await post_store.delete_post(conn, reblog.id)
        boosted = await post_store.get_post(conn, reblog.reblog_of_id)
        if boosted:
            await withdraw(conn, boosted.actor_id, "reblog", actor, boosted.id)
    return True


async def receive_block(ctx: Context, actor: Actor, target: Actor, block_id: str) -> None:
    async with ctx.db.transaction() as conn:
        await store.insert_block(conn, block_id, actor.id, target.id, ctx.now_ms())
        await follow_store.delete_follows_between(conn, actor.id, target.id)


async def receive_undo_block(ctx: Context, actor: Actor, block_id: str | None, target: Actor | None) -> None:
    async with ctx.db.transaction() as conn:
        if block_id:
            await store.delete_block_by_uri(conn, block_id, actor.id)
        if target:
            await store.delete_block(conn, actor.id, target.id)


async def receive_featured(ctx: Context, actor: Actor, object_uri: str, featured: bool) -> bool:
    """Add/Remove on the actor's own `featured` collection: pins of its own posts."""
    post = await post_store.find_post_by_uri(ctx.db.reader, object_uri)
    if post is None or post.actor_id != actor.id:
        return False
    async with ctx.db.transaction() as conn:
        await store.set_featured(conn, actor.id, post.id, featured, ctx.now_ms())
    return True
