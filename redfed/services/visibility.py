"""Who may see a post (layer 4): Mastodon's rules for the four visibilities.

public and unlisted: anyone. private (followers only): the author, accepted followers and the
people it mentions. direct: the author and the people it mentions. Blocks hide in both directions,
and a suspended author (by a moderator, or with its domain) hides its posts from everyone.
"""

from ..db.api import Connection
from ..models import Actor, Post
from ..store import actors as actor_store
from ..store.social import interactions as interaction_store
from ..store.social import timelines as timeline_store


async def can_see(conn: Connection, viewer: Actor | None, post: Post) -> bool:
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
    return post.visibility == "private" and await timeline_store.follows_accepted(conn, viewer.id, post.actor_id)
