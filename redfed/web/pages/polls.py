"""A post's poll on its page (layer 6): the options with their share of the votes, and the vote form
for a signed-in person who may still vote (services/social/polls.py keeps the rules)."""

from dataclasses import dataclass

from quart import request

from ...errors import NotFound
from ...models import Post
from ...services.social import polls, statuses
from ..context import runtime
from .common import _, blueprint, check_csrf, safe_next, see_other, signed_in

MAX_ROW_ID = 2**63 - 1
MAX_CHOICES = 100  # more than any poll's options; polls.vote refuses what is not one of them


@dataclass(frozen=True)
class Option:
    number: int
    title: str
    votes: int
    percent: int
    chosen: bool


@dataclass(frozen=True)
class Poll:
    options: tuple[Option, ...]
    multiple: bool
    voters: int
    ended: bool
    can_vote: bool


def poll_of(post: Post, own_votes: tuple[int, ...] | None, viewer_id: int | None, now_ms: int) -> Poll | None:
    if not post.poll:
        return None
    raw = post.poll.get("options", [])
    total = sum(option.get("votes_count", 0) for option in raw)
    chosen = set(own_votes or ())
    options = tuple(
        Option(n, option["title"], option.get("votes_count", 0), round(100 * option.get("votes_count", 0) / total) if total else 0,
               n in chosen)
        for n, option in enumerate(raw)
    )
    ended = polls.is_expired(post, now_ms)
    voters = post.poll.get("voters_count") or total
    can_vote = viewer_id is not None and viewer_id != post.actor_id and not ended and not chosen
    return Poll(options, bool(post.poll.get("multiple")), voters, ended, can_vote)


@blueprint.post(f"/posts/<int(max={MAX_ROW_ID}):post_id>/vote")
async def vote(post_id: int):
    rt = runtime()
    current, viewer = await signed_in()
    posted = await request.form
    check_csrf(current, posted.get("csrf_token"))
    post = await statuses.visible_post(rt.services, post_id, viewer)
    if not post.poll:
        raise NotFound(_("No such post."))
    choices = [int(value) for value in posted.getlist("choice")[:MAX_CHOICES] if value.isascii() and value.isdigit()
               and len(value) <= 3]
    await polls.vote(rt.services, viewer, post, choices)
    return see_other(safe_next(posted.get("next"), f"/posts/{post_id}"))
