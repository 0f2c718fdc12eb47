"""Who may quote a local post (layer 4): Mastodon's quote_approval_policy.

'public': anyone who can see the post; 'followers': the author's accepted followers; 'nobody':
only the author. Followers-only and direct posts are never quoted by others, whatever the
policy says (Mastodon 4.5 does the same). Approval is automatic or refused: redfed does not yet
queue quotes for the author's manual approval.
"""

from ...db.api import Connection
from ...errors import Unprocessable
from ...models import Actor, Post
from ...store.responses import quotes as store
from ...store.social import timelines as timeline_store
from ..visibility import can_see

POLICIES = ("public", "followers", "nobody")
DEFAULT = "public"


def check(policy: str) -> str:
    if policy not in POLICIES:
        raise Unprocessable(f"Validation failed: quote_approval_policy must be one of {', '.join(POLICIES)}")
    return policy


def effective(post: Post, stored: str | None) -> str:
    """The policy that applies: the post's or its author's, narrowed by the post's visibility."""
    if post.visibility not in ("public", "unlisted"):
        return "nobody"
    return stored or DEFAULT


async def policy_of(conn: Connection, post: Post) -> str:
    return effective(post, await store.policy(conn, post.id, post.actor_id))


async def may_quote(conn: Connection, post: Post, quoter: Actor) -> bool:
    """Whether `quoter` is approved at once to quote `post`, one of ours."""
    if quoter.id == post.actor_id:
        return True
    if not await can_see(conn, quoter, post):
        return False
    policy = await policy_of(conn, post)
    if policy == "followers":
        return await timeline_store.follows_accepted(conn, quoter.id, post.actor_id)
    return policy == "public"


def approval(post: Post, stored: str | None, viewer: Actor | None, follows_author: bool) -> dict:
    """Mastodon's `quote_approval` of a status the viewer can see: who is approved at once, and
    what the viewer would get (a remote post's policy is not known here: 'unknown')."""
    policy = effective(post, stored) if post.is_local else None
    automatic = {"public": ["public"], "followers": ["followers"]}.get(policy, [])
    if viewer is not None and viewer.id == post.actor_id:
        current = "automatic"
    elif viewer is None or policy is None:
        current = "unknown"
    elif policy == "public" or (policy == "followers" and follows_author):
        current = "automatic"
    else:
        current = "denied"
    return {"automatic": automatic, "manual": [], "current_user": current}
