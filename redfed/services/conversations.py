"""Direct conversations (layer 4): direct posts grouped by the thread they belong to.

A conversation's id is its thread's root post; its last status is the newest direct post in it.
A conversation is unread when its last post is someone else's.
"""

from dataclasses import dataclass

from ..models import Actor, Post
from ..store import posts as post_store
from ..store import timelines as timeline_store
from .context import Context

SCAN = 400


@dataclass(frozen=True)
class Conversation:
    root_id: int
    last: Post
    participant_ids: tuple[int, ...]


async def conversations(ctx: Context, viewer: Actor, limit: int, max_id: int | None) -> list[Conversation]:
    found: dict[int, Conversation] = {}
    for post in await timeline_store.direct_posts(ctx.db.reader, viewer.id, SCAN):
        root = await _root_id(ctx, post)
        if root in found:
            continue
        mentioned = await post_store.list_mentioned_actor_ids(ctx.db.reader, post.id)
        participants = tuple(sorted({post.actor_id, *mentioned} - {viewer.id}))
        found[root] = Conversation(root, post, participants)
    ordered = sorted(found.values(), key=lambda c: c.last.id, reverse=True)
    if max_id is not None:
        ordered = [c for c in ordered if c.last.id < max_id]
    return ordered[:limit]


async def _root_id(ctx: Context, post: Post) -> int:
    current, steps = post, 0
    while current.in_reply_to_id and steps < 40:
        parent = await post_store.get_post(ctx.db.reader, current.in_reply_to_id)
        if parent is None or parent.visibility != "direct":
            break
        current, steps = parent, steps + 1
    return current.id
