"""Who may see a post (layer 4): Mastodon's rules for the four visibilities.

public and unlisted: anyone. private (followers only): the author, accepted followers and the
people it mentions. direct: the author and the people it mentions. Blocks hide in both directions,
and a suspended author (by a moderator, or with its domain) hides its posts from everyone.
A supporters-only post (stored as direct) is also seen by the author's supporters whose grant is
in force at `now`, the instance's clock (the real one when the caller has none at hand).
"""

from ..clock import now_ms
from ..db.api import Connection
from ..models import Actor, Post
from ..store import actors as actor_store
from ..store.social import interactions as interaction_store
from ..store.social import timelines as timeline_store
from ..store.supporters import grants as supporter_store


async def can_see(conn: Connection, viewer: Actor | None, post: Post, now: int | None = None) -> bool:
    if viewer is not None and viewer.id == post.actor_id:
        return True
    if viewer is not None and await interaction_store.is_blocked_either_way(conn, viewer.id, post.actor_id):
        return False
    author = await actor_store.get_actor(conn, post.actor_id)
    if author is None or author.suspended_at is not None:
        return False
    if post.visibility in ("public", "unlisted"):
        return True
    if viewer is None:
        return False
    if await timeline_store.is_mentioned(conn, post.id, viewer.id):
        return True
    if post.visibility == "direct" and await supporter_store.is_supporters_post(conn, post.id):
        return await supporter_store.is_supporter(conn, post.actor_id, viewer.id, now_ms() if now is None else now)
    return post.visibility == "private" and await timeline_store.follows_accepted(conn, viewer.id, post.actor_id)
