"""Emoji reactions, local and remote (layer 4), as Misskey and Pleroma have them.

One person may react to a post with several emoji, each once. A local account reacts with a
Unicode emoji, or with a custom emoji someone already reacted to the post with (its image is
known); the local custom emoji catalogue is the custom emoji issue's. Remote reactions are kept
for posts we have and the sender may see, and bounded: MAX_PER_POST emoji per person and post,
MAX_PER_HOUR reactions per remote person, the rest ignored (checklist: a flood of distinct emoji).
"""

from ...clock import new_id
from ...errors import Forbidden, NotFound, Unprocessable
from ...federation import audience, delivery
from ...federation import reactions as ap
from ...federation.reactions import Reaction
from ...models import Actor, Post
from ...protocol import as2
from ...store import actors as actor_store
from ...store import posts as post_store
from ...store.responses import reactions as store
from ...store.social import interactions as interaction_store
from ..context import Context
from ..notify import notify, withdraw
from ..visibility import can_see

MAX_PER_POST = 20
MAX_PER_HOUR = 500
HOUR_MS = 3_600_000
NOTIFICATION = "pleroma:emoji_reaction"
WHO_LIMIT = 80  # people listed per emoji, as Pleroma lists them


async def chosen(ctx: Context, post: Post, name: str) -> Reaction:
    """What a local account picked: a Unicode emoji, or `:shortcode:` (or `shortcode`) of a custom
    emoji already on the post."""
    found = ap.unicode_reaction(name)
    if found is not None:
        return found
    shortcode = f":{name.strip(':')}:"
    url = await store.emoji_url(ctx.db.reader, post.id, shortcode)
    if url is None:
        raise Unprocessable("Validation failed: not an emoji, nor a custom emoji on this post")
    return Reaction(shortcode, url)


async def react(ctx: Context, actor: Actor, post: Post, reaction: Reaction) -> None:
    author = await _visible_author(ctx, actor, post)
    uri = ctx.urls.activity(new_id())
    async with ctx.db.transaction() as conn:
        if await store.count_by_actor(conn, actor.id, 0, post.id) >= MAX_PER_POST:
            raise Unprocessable(f"Validation failed: at most {MAX_PER_POST} reactions to one post")
        if not await store.insert(conn, new_id(ctx.now_ms()), uri, post.id, actor.id, reaction.emoji, reaction.emoji_url, ctx.now_ms()):
            return
        await notify(conn, author.id, NOTIFICATION, actor, post.id, ctx.now_ms())
        like = ap.reaction_like(uri, actor.uri, post.uri, reaction, [author.uri])
        await _send(ctx, conn, like, actor, author, post)
    ctx.wake_delivery()


async def unreact(ctx: Context, actor: Actor, post: Post, reaction: Reaction) -> None:
    author = await actor_store.get_actor(ctx.db.reader, post.actor_id)
    async with ctx.db.transaction() as conn:
        uri = await store.delete(conn, post.id, actor.id, reaction.emoji)
        if uri is None:
            return
        await _withdraw_if_last(conn, post, actor)
        like = ap.reaction_like(uri, actor.uri, post.uri, reaction, [author.uri])
        undo = as2.activity("Undo", f"{uri}/undo", actor.uri, {k: v for k, v in like.items() if k != "@context"})
        await _send(ctx, conn, undo, actor, author, post)
    ctx.wake_delivery()


async def _visible_author(ctx: Context, actor: Actor, post: Post) -> Actor:
    if post.reblog_of_id is not None or not await can_see(ctx.db.reader, actor, post):
        raise NotFound("Record not found")
    author = await actor_store.get_actor(ctx.db.reader, post.actor_id)
    if await interaction_store.is_blocked_either_way(ctx.db.reader, actor.id, author.id):
        raise Forbidden("you cannot interact with this account")
    return author


async def _send(ctx: Context, conn, activity: dict, actor: Actor, author: Actor, post: Post) -> None:
    inboxes = audience.for_actor(ctx.config, author)
    await delivery.enqueue(conn, activity, actor, inboxes, is_public=False, object_uri=post.uri, now=ctx.now_ms())


async def _withdraw_if_last(conn, post: Post, actor: Actor) -> None:
    """One notification stands for all of a person's reactions to a post; it goes with the last."""
    if await store.count_by_actor(conn, actor.id, 0, post.id) == 0:
        await withdraw(conn, post.actor_id, NOTIFICATION, actor, post.id)


# Inbound ---------------------------------------------------------------------------------------


async def receive(ctx: Context, actor: Actor, activity_id: str, object_uri: str | None, reaction: Reaction) -> bool:
    """A Like with an emoji, or an EmojiReact, for a post we have."""
    post = await post_store.find_post_by_uri(ctx.db.reader, object_uri) if isinstance(object_uri, str) else None
    if post is None or not await can_see(ctx.db.reader, actor, post):
        return False
    async with ctx.db.transaction() as conn:
        if await _over_limits(ctx, conn, actor, post):
            return False
        if not await store.insert(conn, new_id(ctx.now_ms()), activity_id, post.id, actor.id, reaction.emoji, reaction.emoji_url, ctx.now_ms()):
            return False
        await notify(conn, post.actor_id, NOTIFICATION, actor, post.id, ctx.now_ms())
    return True


async def _over_limits(ctx: Context, conn, actor: Actor, post: Post) -> bool:
    if await store.count_by_actor(conn, actor.id, 0, post.id) >= MAX_PER_POST:
        return True
    return await store.count_by_actor(conn, actor.id, ctx.now_ms() - HOUR_MS) >= MAX_PER_HOUR


async def receive_undo(ctx: Context, actor: Actor, reaction_uri: str | None) -> bool:
    if not reaction_uri:
        return False
    async with ctx.db.transaction() as conn:
        post_id = await store.delete_by_uri(conn, reaction_uri, actor.id)
        if post_id is None:
            return False
        await _withdraw_if_last(conn, await post_store.get_post(conn, post_id), actor)
    return True


async def reactions_of(ctx: Context, post: Post, viewer: Actor | None, name: str | None) -> list[tuple[store.ReactionCount, list[Actor]]]:
    """Each emoji on a post (or the one named) with the first people who reacted with it."""
    emoji = None if name is None else (ap.unicode_reaction(name) or Reaction(f":{name.strip(':')}:")).emoji
    counts = (await store.counts(ctx.db.reader, [post.id], viewer.id if viewer else None)).get(post.id, [])
    shown = [c for c in counts if emoji is None or c.emoji == emoji]
    return [(c, [a for _, a in await store.reactors(ctx.db.reader, post.id, c.emoji, WHO_LIMIT)]) for c in shown]
