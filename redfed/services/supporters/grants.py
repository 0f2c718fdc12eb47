"""Who supports whom (layer 4): a creator grants a tier by handle, local or remote (resolved
through WebFinger), with an optional expiry, revokes it, and alone sees the list. A payment
provider's webhook grants through the same checks (new_grant; services/supporters/webhooks.py).

Expiry is read against the instance's clock when a grant is used, so nothing has to run at
the moment a grant runs out.
"""

import logging

from ...errors import NotFound, RedfedError, Unprocessable
from ...models import Actor
from ...store import views as view_store
from ...store.supporters import grants as store
from ...store.supporters.grants import Grant
from ...store.supporters.tiers import Tier
from ..context import Context

log = logging.getLogger(__name__)

MAX_HANDLE = 300


async def supporter_by_handle(ctx: Context, handle) -> Actor:
    """`user` (local) or `user@domain`, with or without a leading '@'; remote ones by WebFinger."""
    if not isinstance(handle, str) or not handle.strip().lstrip("@") or len(handle) > MAX_HANDLE:
        raise Unprocessable("handle must be user@domain")
    handle = handle.strip().lstrip("@")
    if "@" not in handle:
        handle = f"{handle}@{ctx.config.domain}"
    try:
        return await ctx.resolver.webfinger(handle)
    except RedfedError as error:
        log.info("supporter %s not resolved: %s", handle, error.message)
        raise NotFound(f"no account {handle} was found") from error


def new_grant(ctx: Context, creator: Actor, supporter: Actor, tier: Tier | None, *,
              expires_at: int | None, source: str) -> Grant:
    if supporter.id == creator.id:
        raise Unprocessable("you cannot support yourself")
    if expires_at is not None and expires_at <= ctx.now_ms():
        raise Unprocessable("expires_at must be in the future")
    return Grant(creator.id, supporter.id, tier.id if tier else None, source, expires_at, ctx.now_ms())


async def grant(ctx: Context, creator: Actor, supporter: Actor, tier: Tier | None, *, expires_at: int | None) -> Grant:
    """The creator's own grant, by hand: it replaces any earlier one, a webhook's too."""
    given = new_grant(ctx, creator, supporter, tier, expires_at=expires_at, source="manual")
    async with ctx.db.transaction() as conn:
        await store.put_grant(conn, given)
    log.info("%s granted support of %s by hand (tier %s)", creator.uri, supporter.uri, given.tier_id)
    return given


async def revoke(ctx: Context, creator: Actor, supporter: Actor) -> None:
    async with ctx.db.transaction() as conn:
        if not await store.delete_grant(conn, creator.id, supporter.id):
            raise NotFound("this account does not support you")


async def grants_of(ctx: Context, creator: Actor) -> list[tuple[Grant, Actor]]:
    """The creator's own list, expired grants included (their expiry says so)."""
    found = await store.list_grants(ctx.db.reader, creator.id)
    actors = await view_store.actors_by_ids(ctx.db.reader, [g.supporter_id for g in found])
    return [(g, actors[g.supporter_id]) for g in found if g.supporter_id in actors]


async def current_supporters(ctx: Context, conn, creator: Actor) -> list[Actor]:
    ids = await store.list_supporter_ids(conn, creator.id, ctx.now_ms())
    return list((await view_store.actors_by_ids(conn, ids)).values())
