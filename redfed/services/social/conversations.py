"""Direct conversations (layer 4): direct posts grouped by the thread they belong to.

A conversation's id is its thread's root post; its last status is the newest direct post in it.
It is unread while its last post is someone else's and newer than what the viewer marked read;
removing it hides it until a newer post arrives.
"""

from dataclasses import dataclass, replace

from ...errors import NotFound
from ...models import Actor, Post
from ...store import posts as post_store
from ...store.social import conversations as store
from ...store.social import timelines as timeline_store
from ..context import Context

SCAN = 400


@dataclass(frozen=True)
class Conversation:
    root_id: int
    last: Post
    participant_ids: tuple[int, ...]
    unread: bool


async def conversations(ctx: Context, viewer: Actor, limit: int, max_id: int | None) -> list[Conversation]:
    found: dict[int, Conversation] = {}
    marks = await store.states(ctx.db.reader, viewer.id)
    for post in await timeline_store.direct_posts(ctx.db.reader, viewer.id, SCAN):
        root = await thread_root_id(ctx, post)
        if root in found:
            continue
        read_up_to, hidden_up_to = marks.get(root, (0, 0))
        if post.id <= hidden_up_to:
            found[root] = None
            continue
        mentioned = await post_store.list_mentioned_actor_ids(ctx.db.reader, post.id)
        participants = tuple(sorted({post.actor_id, *mentioned} - {viewer.id}))
        found[root] = Conversation(root, post, participants, post.actor_id != viewer.id and post.id > read_up_to)
    ordered = sorted((c for c in found.values() if c), key=lambda c: c.last.id, reverse=True)
    if max_id is not None:
        ordered = [c for c in ordered if c.last.id < max_id]
    return ordered[:limit]


async def find(ctx: Context, viewer: Actor, root_id: int) -> Conversation:
    for conversation in await conversations(ctx, viewer, SCAN, None):
        if conversation.root_id == root_id:
            return conversation
    raise NotFound("Record not found")


async def mark_read(ctx: Context, viewer: Actor, root_id: int) -> Conversation:
    conversation = await find(ctx, viewer, root_id)
    async with ctx.db.transaction() as conn:
        await store.mark(conn, viewer.id, root_id, read_up_to=conversation.last.id)
    return replace(conversation, unread=False)


async def mark_unread(ctx: Context, viewer: Actor, root_id: int) -> Conversation:
    """Unread again from its last post, as Mastodon's `unread` (the viewer's own last post stays read)."""
    conversation = await find(ctx, viewer, root_id)
    async with ctx.db.transaction() as conn:
        await store.set_read_up_to(conn, viewer.id, root_id, conversation.last.id - 1)
    return replace(conversation, unread=conversation.last.actor_id != viewer.id)


async def remove(ctx: Context, viewer: Actor, root_id: int) -> None:
    conversation = await find(ctx, viewer, root_id)
    async with ctx.db.transaction() as conn:
        await store.mark(conn, viewer.id, root_id, hidden_up_to=conversation.last.id)


async def thread_root_id(ctx: Context, post: Post) -> int:
    """The conversation a direct post belongs to: the first direct post up its thread."""
    current, steps = post, 0
    while current.in_reply_to_id and steps < 40:
        parent = await post_store.get_post(ctx.db.reader, current.in_reply_to_id)
        if parent is None or parent.visibility != "direct":
            break
        current, steps = parent, steps + 1
    return current.id
