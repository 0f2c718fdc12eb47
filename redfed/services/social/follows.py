"""Follows in both directions: follow, unfollow, accept and reject requests (layer 4).

A follow of a remote account is pending until its server sends Accept. A follow of a local account
is accepted at once unless the account approves followers by hand (locked), in which case it waits
for `accept_request` or `reject_request`.
"""

import dataclasses
import logging

from ...clock import new_id
from ...errors import Forbidden, NotFound, Unprocessable
from ...federation import audience, delivery
from ...models import Actor, Follow
from ...protocol import as2
from ...store import actors as actor_store
from ...store.social import account_domain_blocks as domain_block_store
from ...store.social import follows as follow_store
from ...store.social import interactions as interaction_store
from ..context import Context
from ..notify import notify, withdraw
from . import posts

log = logging.getLogger(__name__)


def follow_activity(follow: Follow, follower: Actor, followee: Actor) -> dict:
    return as2.activity("Follow", follow.uri, follower.uri, followee.uri)


async def follow(ctx: Context, follower: Actor, target: Actor, *, backfill: bool = True) -> Follow:
    """`follower` (local) follows `target`. Following again returns the existing follow.
    `backfill=False` leaves the target's outbox unfetched (a caller following it for many at once)."""
    if follower.id == target.id:
        raise Unprocessable("you cannot follow yourself")
    if await interaction_store.is_blocked_either_way(ctx.db.reader, follower.id, target.id) or \
            await domain_block_store.blocked_among(ctx.db.reader, follower.id, [target.id]):
        raise Forbidden("you cannot follow this account")
    auto_accept = target.is_local and not target.manually_approves_followers
    async with ctx.db.transaction() as conn:
        existing = await follow_store.find_follow(conn, follower.id, target.id)
        if existing:
            return existing
        uri = ctx.urls.activity(new_id())
        created = await follow_store.insert_follow(
            conn, uri, follower.id, target.id, "accepted" if auto_accept else "pending", ctx.now_ms()
        )
        await notify(conn, target.id, "follow" if auto_accept else "follow_request", follower, None, ctx.now_ms())
        activity = follow_activity(created, follower, target)
        await delivery.enqueue(
            conn, activity, follower, audience.for_actor(ctx.config, target), is_public=False,
            object_uri=target.uri, now=ctx.now_ms(),
        )
    ctx.wake_delivery()
    if backfill and not target.is_local:
        # The fediverse's most-asked missing feature: a followed profile that is not empty.
        await posts.backfill_outbox(ctx, target)
    return created


async def unfollow(ctx: Context, follower: Actor, target: Actor) -> None:
    async with ctx.db.transaction() as conn:
        existing = await follow_store.find_follow(conn, follower.id, target.id)
        if existing is None:
            return
        await follow_store.delete_follow(conn, existing.id)
        undo = as2.activity("Undo", f"{existing.uri}/undo", follower.uri, follow_activity(existing, follower, target))
        await delivery.enqueue(
            conn, undo, follower, audience.for_actor(ctx.config, target), is_public=False, object_uri=existing.uri,
            now=ctx.now_ms(),
        )
    ctx.wake_delivery()


async def accept_request(ctx: Context, followee: Actor, follower: Actor) -> Follow:
    """A locked local account lets a pending follower in."""
    async with ctx.db.transaction() as conn:
        pending = await _pending(conn, follower, followee)
        await follow_store.accept_follow(conn, pending.id, ctx.now_ms())
        await withdraw(conn, followee.id, "follow_request", follower, None)
        await notify(conn, followee.id, "follow", follower, None, ctx.now_ms())
        await _answer(ctx, conn, "Accept", pending, follower, followee)
        accepted = await follow_store.find_follow(conn, follower.id, followee.id)
    ctx.wake_delivery()
    return accepted


async def reject_request(ctx: Context, followee: Actor, follower: Actor) -> None:
    async with ctx.db.transaction() as conn:
        pending = await _pending(conn, follower, followee)
        await follow_store.delete_follow(conn, pending.id)
        await _answer(ctx, conn, "Reject", pending, follower, followee)
    ctx.wake_delivery()


async def remove_follower(ctx: Context, followee: Actor, follower: Actor) -> None:
    """`followee` (local) stops `follower` following it; a remote follower's server is sent a
    Reject of the follow, as Mastodon's remove_from_followers does."""
    async with ctx.db.transaction() as conn:
        existing = await follow_store.find_follow(conn, follower.id, followee.id)
        if existing is None:
            return
        await follow_store.delete_follow(conn, existing.id)
        await _answer(ctx, conn, "Reject", existing, follower, followee)
    ctx.wake_delivery()


async def _pending(conn, follower: Actor, followee: Actor) -> Follow:
    found = await follow_store.find_follow(conn, follower.id, followee.id)
    if found is None or found.state != "pending":
        raise NotFound("no such follow request")
    return found


async def _answer(ctx: Context, conn, answer: str, follow: Follow, follower: Actor, followee: Actor) -> None:
    activity = as2.activity(answer, ctx.urls.activity(new_id()), followee.uri, follow_activity(follow, follower, followee))
    await delivery.enqueue(
        conn, activity, followee, audience.for_actor(ctx.config, follower), is_public=False, object_uri=follow.uri,
        now=ctx.now_ms(),
    )


# Inbound ---------------------------------------------------------------------------------------


async def receive_follow(ctx: Context, actor: Actor, target: Actor, activity_id: str) -> Follow | None:
    """A remote actor follows a local one: accepted at once unless the account is locked.
    A blocked actor is refused with Reject; None is returned then."""
    if not target.is_local or target.type == "Application":
        raise NotFound("no such local account to follow")
    async with ctx.db.transaction() as conn:
        existing = await follow_store.find_follow(conn, actor.id, target.id)
        # A blocked account, or one on a domain the account blocks, is refused (as Mastodon).
        if await interaction_store.is_blocked_either_way(conn, actor.id, target.id) or \
                await domain_block_store.blocked_among(conn, target.id, [actor.id]):
            refused = Follow(0, activity_id, actor.id, target.id, "pending", True, False, 0, None)
            await _answer(ctx, conn, "Reject", refused, actor, target)
            follow = None
        else:
            state = "pending" if target.manually_approves_followers else "accepted"
            follow = existing or await follow_store.insert_follow(conn, activity_id, actor.id, target.id, state, ctx.now_ms())
            if existing is None:
                kind = "follow" if state == "accepted" else "follow_request"
                await notify(conn, target.id, kind, actor, None, ctx.now_ms())
            if follow.state == "accepted":
                # A repeated Follow is answered again: the first Accept may have been lost. The
                # Accept names the Follow as this actor sent it.
                await _answer(ctx, conn, "Accept", dataclasses.replace(follow, uri=activity_id), actor, target)
    ctx.wake_delivery()
    return follow


async def receive_accept(ctx: Context, actor: Actor, follow_id: str | None, follower_uri: str | None) -> bool:
    """`actor` accepted a local account's follow, named by its Follow id or by who followed."""
    async def accept(conn, follow: Follow) -> None:
        await follow_store.accept_follow(conn, follow.id, ctx.now_ms())

    return await _answered(ctx, actor, follow_id, follower_uri, accept)


async def receive_reject(ctx: Context, actor: Actor, follow_id: str | None, follower_uri: str | None) -> bool:
    """`actor` refused (or removed) a local account as follower."""
    async def drop(conn, follow: Follow) -> None:
        await follow_store.delete_follow(conn, follow.id)

    return await _answered(ctx, actor, follow_id, follower_uri, drop)


async def _answered(ctx: Context, followee: Actor, follow_id: str | None, follower_uri: str | None, apply) -> bool:
    """Apply `apply` to the local account's follow of `followee` that this answer names, if any."""
    async with ctx.db.transaction() as conn:
        follow = await _outgoing_follow(conn, followee, follow_id, follower_uri)
        if follow is None:
            return False
        await apply(conn, follow)
    return True


async def receive_undo_follow(ctx: Context, actor: Actor, follow_id: str | None, followee_uri: str | None) -> bool:
    """A remote follower stops following a local account."""
    async with ctx.db.transaction() as conn:
        follow = follow_id and await follow_store.find_follow_by_uri(conn, follow_id)
        if not follow and followee_uri:
            followee = await actor_store.find_actor_by_uri(conn, followee_uri)
            follow = followee and await follow_store.find_follow(conn, actor.id, followee.id)
        # Only the follower may undo its follow.
        if not follow or follow.follower_id != actor.id:
            return False
        await follow_store.delete_follow(conn, follow.id)
    return True


async def _outgoing_follow(conn, followee: Actor, follow_id: str | None, follower_uri: str | None) -> Follow | None:
    """The follow of `followee` by a local account, found by Follow id or by the follower's uri.
    Only the followee may answer it."""
    follow = follow_id and await follow_store.find_follow_by_uri(conn, follow_id)
    if not follow and follower_uri:
        follower = await actor_store.find_actor_by_uri(conn, follower_uri)
        follow = follower and follower.is_local and await follow_store.find_follow(conn, follower.id, followee.id)
    if not follow or follow.followee_id != followee.id:
        return None
    return follow
