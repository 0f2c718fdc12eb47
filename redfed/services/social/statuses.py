"""What the client API does with statuses beyond writing them (layer 4): finding one a viewer may
see, threads, edit history, bookmarks, pins, conversation mutes and idempotent creation."""

from ...clock import new_id
from ...errors import NotFound, Unprocessable
from ...federation import audience, delivery
from ...models import Actor, Post
from ...protocol import as2
from ...store import posts as post_store
from ...store.social import bookmarks as bookmark_store
from ...store.social import interactions as interaction_store
from ...store.social import timelines as timeline_store
from ..context import Context
from ..visibility import can_see
from . import posts

MAX_ANCESTORS = 40
MAX_DESCENDANTS = 60
MAX_PINNED = 5


async def visible_post(ctx: Context, post_id: int, viewer: Actor | None) -> Post:
    """The post, if it exists and the viewer may see it; else NotFound (never 403: existence is
    not revealed)."""
    post = await post_store.get_post(ctx.db.reader, post_id)
    if post is None or not await can_see(ctx.db.reader, viewer, post, ctx.now_ms()):
        raise NotFound("Record not found")
    return post


async def visible_posts(ctx: Context, post_ids: list[int], viewer: Actor | None) -> list[Post]:
    """Those of the posts the viewer may see, in the order asked; the others are left out."""
    found = []
    for post_id in dict.fromkeys(post_ids):
        try:
            found.append(await visible_post(ctx, post_id, viewer))
        except NotFound:
            continue
    return found


async def own_post(ctx: Context, post_id: int, author: Actor) -> Post:
    post = await post_store.get_post(ctx.db.reader, post_id)
    if post is None or post.actor_id != author.id or post.reblog_of_id is not None:
        raise NotFound("Record not found")
    return post


async def context(ctx: Context, post: Post, viewer: Actor | None) -> tuple[list[Post], list[Post]]:
    """(ancestors oldest first, descendants in thread order) the viewer may see."""
    ancestors, current = [], post
    while current.in_reply_to_id and len(ancestors) < MAX_ANCESTORS:
        current = await post_store.get_post(ctx.db.reader, current.in_reply_to_id)
        if current is None:
            break
        ancestors.append(current)
    descendants: list[Post] = []
    queue = [post.id]
    while queue and len(descendants) < MAX_DESCENDANTS:
        replies = await timeline_store.replies_to(ctx.db.reader, queue.pop(0))
        descendants += replies
        queue += [reply.id for reply in replies]
    visible = [p for p in ancestors[::-1] + descendants[:MAX_DESCENDANTS] if await can_see(ctx.db.reader, viewer, p, ctx.now_ms())]
    return [p for p in visible if p in ancestors], [p for p in visible if p not in ancestors]


async def history(ctx: Context, post: Post) -> list[tuple[str, str, bool, int]]:
    """Every version (content, spoiler, sensitive, created_at), oldest first, ending with the current one."""
    earlier = await post_store.list_edits(ctx.db.reader, post.id)
    return earlier + [(post.content, post.summary, post.sensitive, post.edited_at or post.published_at)]


async def bookmark(ctx: Context, viewer: Actor, post: Post, on: bool) -> None:
    async with ctx.db.transaction() as conn:
        await bookmark_store.set_bookmark(conn, viewer.id, post.id, on, ctx.now_ms())


async def pin(ctx: Context, author: Actor, post: Post, on: bool) -> None:
    """Pin to the profile (the `featured` collection); only one's own public or unlisted posts, five
    at most, as Mastodon. Followers' servers learn it through Add and Remove."""
    if post.actor_id != author.id:
        raise Unprocessable("Validation failed: you can only pin your own posts")
    if on and post.visibility not in ("public", "unlisted"):
        raise Unprocessable("Validation failed: you can only pin public posts")
    async with ctx.db.transaction() as conn:
        if on and len(await interaction_store.list_featured_uris(conn, author.id)) >= MAX_PINNED:
            raise Unprocessable(f"Validation failed: you can pin at most {MAX_PINNED} posts")
        await interaction_store.set_featured(conn, author.id, post.id, on, ctx.now_ms())
        activity = as2.activity(
            "Add" if on else "Remove", ctx.urls.activity(new_id(ctx.now_ms())), author.uri, post.uri,
            to=[as2.PUBLIC],
        )
        activity["target"] = author.featured_uri
        inboxes = await audience.for_followers(conn, ctx.config, author)
        await delivery.enqueue(conn, activity, author, inboxes, is_public=False, object_uri=post.uri, now=ctx.now_ms())
    ctx.wake_delivery()


async def mute_conversation(ctx: Context, viewer: Actor, post: Post, on: bool) -> None:
    root = post
    while root.in_reply_to_id:
        parent = await post_store.get_post(ctx.db.reader, root.in_reply_to_id)
        if parent is None:
            break
        root = parent
    async with ctx.db.transaction() as conn:
        await bookmark_store.set_conversation_mute(conn, viewer.id, root.id, on)


async def remembered(ctx: Context, author: Actor, key: str | None) -> Post | None:
    """The post an earlier request with this Idempotency-Key made; a quick look before the work of
    a new post, which looks again inside its own transaction (posts.create_local_post)."""
    return await posts.earlier_post(ctx, ctx.db.reader, author, key) if key else None
