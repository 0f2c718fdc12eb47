"""Polls (layer 4): creating them on local posts, voting on local and remote ones, counting votes
that arrive from other servers.

A local poll keeps its counts in the post's `poll` JSON, recomputed from the votes table at every
vote. A vote on a remote poll is sent as Mastodon sends it: a Create of a Note whose `name` is the
option, in reply to the Question, addressed only to its author.
"""

import json
from dataclasses import replace

from ...clock import new_id
from ...errors import Unprocessable
from ...federation import audience, delivery
from ...models import Actor, Post
from ...protocol import as2
from ...store import actors as actor_store
from ...store.social import polls as store
from ..context import Context

MAX_OPTIONS = 4
MAX_OPTION_LENGTH = 50
MIN_EXPIRY = 300
MAX_EXPIRY = 2_629_746


def new_poll(options: list[str], expires_in: int, multiple: bool, now: int) -> dict:
    """The poll of a new local post, validated as Mastodon validates it."""
    options = [o.strip() for o in options]
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise Unprocessable(f"Validation failed: a poll needs 2 to {MAX_OPTIONS} options")
    if any(not o or len(o) > MAX_OPTION_LENGTH for o in options) or len(set(options)) != len(options):
        raise Unprocessable(f"Validation failed: poll options must be distinct, 1 to {MAX_OPTION_LENGTH} characters")
    if not MIN_EXPIRY <= expires_in <= MAX_EXPIRY:
        raise Unprocessable(f"Validation failed: a poll lasts {MIN_EXPIRY} to {MAX_EXPIRY} seconds")
    return {
        "options": [{"title": o, "votes_count": 0} for o in options], "multiple": multiple,
        "expires_at": now + expires_in * 1000, "closed": None, "voters_count": 0,
    }


def is_expired(post: Post, now: int) -> bool:
    expires = (post.poll or {}).get("expires_at")
    return bool((post.poll or {}).get("closed")) or (expires is not None and expires <= now)


async def vote(ctx: Context, voter: Actor, post: Post, choices: list[int]) -> Post:
    if not post.poll:
        raise Unprocessable("Validation failed: this post has no poll")
    if is_expired(post, ctx.now_ms()):
        raise Unprocessable("Validation failed: the poll has already ended")
    if post.actor_id == voter.id:
        raise Unprocessable("Validation failed: you cannot vote in your own poll")
    options = post.poll["options"]
    choices = sorted(set(choices))
    if not choices or any(not 0 <= c < len(options) for c in choices) or (len(choices) > 1 and not post.poll.get("multiple")):
        raise Unprocessable("Validation failed: invalid choices")
    author = await actor_store.get_actor(ctx.db.reader, post.actor_id)
    async with ctx.db.transaction() as conn:
        if await store.votes_of(conn, post.id, voter.id):
            raise Unprocessable("Validation failed: you have already voted on this poll")
        await store.insert_votes(conn, post.id, voter.id, choices, None, ctx.now_ms())
        if post.is_local:
            post = await _recount(conn, post)
        else:
            for choice in choices:
                await _send_vote(ctx, conn, voter, author, post, options[choice]["title"])
    ctx.wake_delivery()
    return post


async def receive_vote(ctx: Context, voter: Actor, post: Post, option_name: str, vote_uri: str) -> bool:
    """A remote account voted on a local poll: a Note named after the option, replying to it."""
    options = [o["title"] for o in (post.poll or {}).get("options", [])]
    if not post.is_local or option_name not in options or is_expired(post, ctx.now_ms()):
        return False
    async with ctx.db.transaction() as conn:
        earlier = await store.votes_of(conn, post.id, voter.id)
        if earlier and not post.poll.get("multiple"):
            return False
        await store.insert_votes(conn, post.id, voter.id, [options.index(option_name)], vote_uri, ctx.now_ms())
        await _recount(conn, post)
    return True


async def own_votes(ctx: Context, viewer: Actor, post: Post) -> list[int]:
    return await store.votes_of(ctx.db.reader, post.id, viewer.id)


async def _recount(conn, post: Post) -> Post:
    per_choice, voters = await store.tally(conn, post.id)
    options = [{**o, "votes_count": per_choice.get(i, 0)} for i, o in enumerate(post.poll["options"])]
    poll = {**post.poll, "options": options, "voters_count": voters}
    await store.set_poll(conn, post.id, json.dumps(poll))
    return replace(post, poll=poll)


async def _send_vote(ctx: Context, conn, voter: Actor, author: Actor, post: Post, option: str) -> None:
    vote_id = ctx.urls.activity(new_id(ctx.now_ms()))
    note = {"id": vote_id + "/note", "type": "Note", "name": option, "attributedTo": voter.uri,
            "inReplyTo": post.uri, "to": [author.uri]}
    activity = as2.activity("Create", vote_id, voter.uri, note, to=[author.uri])
    await delivery.enqueue(
        conn, activity, voter, audience.for_actor(ctx.config, author), is_public=False, object_uri=post.uri, now=ctx.now_ms()
    )
