"""Endorsements (layer 4): accounts a local account features on its profile, among those it
follows (Mastodon's /api/v1/accounts/:id/endorse; an ended follow ends the feature)."""

from ...errors import Unprocessable
from ...models import Actor
from ...store import actors as actor_store
from ...store.social import endorsements as store
from ...store.social import follows as follow_store
from ..context import Context

MAX_ENDORSEMENTS = 80


async def endorse(ctx: Context, viewer: Actor, target: Actor) -> None:
    follow = await follow_store.find_follow(ctx.db.reader, viewer.id, target.id)
    if follow is None or follow.state != "accepted":
        raise Unprocessable("Validation failed: You must be following this account to endorse it")
    if len(await store.list_targets(ctx.db.reader, viewer.id, MAX_ENDORSEMENTS)) >= MAX_ENDORSEMENTS:
        raise Unprocessable(f"Validation failed: You can endorse at most {MAX_ENDORSEMENTS} accounts")
    async with ctx.db.transaction() as conn:
        await store.insert(conn, viewer.id, target.id, ctx.now_ms())


async def unendorse(ctx: Context, viewer: Actor, target: Actor) -> None:
    async with ctx.db.transaction() as conn:
        await store.delete(conn, viewer.id, target.id)


async def endorsed(ctx: Context, actor: Actor, limit: int = MAX_ENDORSEMENTS) -> list[Actor]:
    """The accounts `actor` features, most recently endorsed first (suspended ones left out)."""
    found = []
    for target_id in await store.list_targets(ctx.db.reader, actor.id, limit):
        target = await actor_store.get_actor(ctx.db.reader, target_id)
        if target is not None and target.suspended_at is None:
            found.append(target)
    return found


async def endorsed_among(ctx: Context, viewer: Actor, ids: list[int]) -> set[int]:
    return await store.endorsed_among(ctx.db.reader, viewer.id, ids)
