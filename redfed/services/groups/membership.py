"""Who is in a group (layer 4): moderators let pending members in or turn them away, remove
members, and ban them. Joining and leaving are the members' own Follow and Undo, handled as for
any local actor (services/social/follows.py).

A ban is the group blocking the member, as Mastodon blocks: the follow ends both ways, the member's
server is sent the Block, and a later Follow is answered with Reject.
"""

from ...clock import new_id
from ...errors import NotFound
from ...federation import audience, delivery
from ...models import Actor, Follow
from ...protocol import as2
from ...store.social import follows as follow_store
from ...store.social import interactions as interaction_store
from ..context import Context
from ..notify import withdraw
from .groups import Group, check_moderator


async def pending(ctx: Context, moderator: Actor, group: Group) -> list[Follow]:
    check_moderator(group, moderator)
    return await follow_store.list_pending_requests(ctx.db.reader, group.actor.id)


async def approve(ctx: Context, moderator: Actor, group: Group, member: Actor) -> None:
    check_moderator(group, moderator)
    async with ctx.db.transaction() as conn:
        request = await _follow(conn, group, member, "pending")
        await follow_store.accept_follow(conn, request.id, ctx.now_ms())
        await withdraw(conn, group.actor.id, "follow_request", member, None)
        await _answer(ctx, conn, "Accept", group, member, request)
    ctx.wake_delivery()


async def turn_away(ctx: Context, moderator: Actor, group: Group, member: Actor) -> None:
    """Refuse a pending request, or remove a member: either way the follow ends with a Reject."""
    check_moderator(group, moderator)
    async with ctx.db.transaction() as conn:
        follow = await _follow(conn, group, member, None)
        await follow_store.delete_follow(conn, follow.id)
        await withdraw(conn, group.actor.id, "follow_request", member, None)
        await _answer(ctx, conn, "Reject", group, member, follow)
    ctx.wake_delivery()


async def ban(ctx: Context, moderator: Actor, group: Group, member: Actor) -> None:
    check_moderator(group, moderator)
    if member.id in group.moderator_ids:
        raise NotFound("Record not found")
    uri = ctx.urls.activity(new_id())
    async with ctx.db.transaction() as conn:
        if await interaction_store.find_block(conn, group.actor.id, member.id):
            return
        await interaction_store.insert_block(conn, uri, group.actor.id, member.id, ctx.now_ms())
        await follow_store.delete_follows_between(conn, group.actor.id, member.id)
        block = as2.activity("Block", uri, group.actor.uri, member.uri)
        await _send(ctx, conn, block, group, member)
    ctx.wake_delivery()


async def unban(ctx: Context, moderator: Actor, group: Group, member: Actor) -> None:
    check_moderator(group, moderator)
    async with ctx.db.transaction() as conn:
        uri = await interaction_store.find_block(conn, group.actor.id, member.id)
        if uri is None:
            return
        await interaction_store.delete_block(conn, group.actor.id, member.id)
        block = as2.activity("Block", uri, group.actor.uri, member.uri)
        await _send(ctx, conn, as2.activity("Undo", f"{uri}/undo", group.actor.uri, block), group, member)
    ctx.wake_delivery()


async def _follow(conn, group: Group, member: Actor, state: str | None) -> Follow:
    follow = await follow_store.find_follow(conn, member.id, group.actor.id)
    if follow is None or (state is not None and follow.state != state):
        raise NotFound("no such member or request")
    return follow


async def _answer(ctx: Context, conn, answer: str, group: Group, member: Actor, follow: Follow) -> None:
    followed = as2.activity("Follow", follow.uri, member.uri, group.actor.uri)
    await _send(ctx, conn, as2.activity(answer, ctx.urls.activity(new_id()), group.actor.uri, followed), group, member)


async def _send(ctx: Context, conn, activity: dict, group: Group, member: Actor) -> None:
    await delivery.enqueue(
        conn, activity, group.actor, audience.for_actor(ctx.config, member), is_public=False,
        object_uri=member.uri, now=ctx.now_ms(),
    )
