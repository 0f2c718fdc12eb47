"""A post with its thread, as its page shows it (layer 4): the post the viewer may see, the posts
it replies to above it, and the replies below it nested by what they answer.

Which posts a viewer sees is decided exactly as for the client API (services/social/statuses.py and
services/visibility.py): followers-only and direct posts only to those allowed, everything else
hidden as if it did not exist (404, never 403).
"""

from dataclasses import dataclass

from ...errors import NotFound
from ...models import Actor, Post
from ...store import posts as post_store
from ..accounts import accounts
from ..context import Context
from ..objects import Deleted
from ..views import StatusView, status_views
from ..visibility import can_see
from . import statuses

# Deeper replies are drawn at this depth: a narrow screen has no room for a staircase.
MAX_DEPTH = 4


@dataclass(frozen=True)
class Reply:
    view: StatusView
    depth: int  # 1 for a direct reply, up to MAX_DEPTH


@dataclass(frozen=True)
class Thread:
    view: StatusView
    ancestors: list[StatusView]  # oldest first
    replies: list[Reply]  # depth first, each reply under what it answers, oldest first


async def local_post(ctx: Context, viewer: Actor | None, username: str, post_id: int) -> Post:
    """Post `post_id` at `/@username/post_id`: a local post of that user the viewer may see.
    A deleted one raises Deleted (410); a hidden or unknown one NotFound."""
    author = await accounts.find_local_actor(ctx.db, ctx.config, username)
    post = await post_store.get_post(ctx.db.reader, post_id)
    if post is None or post.actor_id != author.id or not post.is_local:
        uri = ctx.urls.post(author.uri, post_id)
        deleted_at = await post_store.find_tombstone(ctx.db.reader, uri)
        if deleted_at is not None:
            raise Deleted(uri, deleted_at)
        raise NotFound("no such post")
    if not await can_see(ctx.db.reader, viewer, post):
        raise NotFound("no such post")
    return post


async def known_post(ctx: Context, viewer: Actor | None, post_id: int) -> Post:
    """Any post we store (a remote one too) that the viewer may see."""
    return await statuses.visible_post(ctx, post_id, viewer)


async def boosted(ctx: Context, boost: Post) -> Post:
    original = await post_store.get_post(ctx.db.reader, boost.reblog_of_id)
    if original is None:
        raise NotFound("no such post")
    return original


async def thread(ctx: Context, viewer: Actor | None, post: Post) -> Thread:
    ancestors, descendants = await statuses.context(ctx, post, viewer)
    shown = await status_views(ctx.db, [post, *ancestors, *descendants], viewer)
    view, above, below = shown[0], shown[1 : 1 + len(ancestors)], shown[1 + len(ancestors) :]
    return Thread(view, above, _nested(post.id, below))


def _nested(root_id: int, replies: list[StatusView]) -> list[Reply]:
    children: dict[int, list[StatusView]] = {}
    shown = {root_id} | {reply.post.id for reply in replies}
    for reply in replies:
        # A reply to a post the viewer may not see hangs from the post itself, as Mastodon
        # shows it, rather than vanishing with its parent.
        parent = reply.post.in_reply_to_id if reply.post.in_reply_to_id in shown else root_id
        children.setdefault(parent, []).append(reply)
    ordered: list[Reply] = []
    # Iterative, so that a long chain of replies cannot exhaust the stack.
    stack = [(child, 1) for child in reversed(sorted(children.get(root_id, []), key=_age))]
    while stack:
        reply, depth = stack.pop()
        ordered.append(Reply(reply, min(depth, MAX_DEPTH)))
        stack += [(child, depth + 1) for child in reversed(sorted(children.get(reply.post.id, []), key=_age))]
    return ordered


def _age(view: StatusView) -> tuple[int, int]:
    return view.post.published_at, view.post.id
