"""Payment providers' webhooks that grant support (layer 4): each creator sets a Ko-fi and a
Stripe webhook, whose URL carries an unguessable token and whose secret proves the provider.

A delivery is verified first (kofi.py, stripe.py); one that fails, is stale, is a replay of an
event already acted on, grants nothing (a shop order) or names no handle we can resolve changes
nothing and is logged. A verified payment grants SUPPORT_DAYS of support (the tier named, if the
creator has one by that name); each monthly payment of a subscription extends it.
"""

import logging
import secrets
from dataclasses import dataclass, replace

from ...errors import NotFound, RedfedError, Unprocessable
from ...models import Actor
from ...store import actors as actor_store
from ...store.supporters import grants as grant_store
from ...store.supporters import webhooks as store
from ...store.supporters.grants import Grant
from ...store.supporters.webhooks import Webhook
from ..context import Context
from . import kofi, stripe
from .grants import new_grant, supporter_by_handle
from .payments import Payment
from .tiers import tier_named

log = logging.getLogger(__name__)

PROVIDERS = ("kofi", "stripe")
SUPPORT_DAYS = 35  # a month of support, with room for a renewal that comes a few days late
MAX_SECRET = 200
DAY_MS = 86_400_000


@dataclass(frozen=True)
class Outcome:
    status: str  # granted, duplicate or ignored
    reason: str = ""


async def configure(ctx: Context, creator: Actor, provider: str, secret) -> Webhook:
    """A new webhook URL for `provider` with the secret it proves; any earlier URL stops working."""
    _check_provider(provider)
    if not isinstance(secret, str) or not secret.strip() or len(secret.strip()) > MAX_SECRET:
        raise Unprocessable(f"secret must be the provider's token or signing secret (at most {MAX_SECRET} characters)")
    hook = Webhook(creator.id, provider, secrets.token_urlsafe(24), secret.strip(), ctx.now_ms())
    async with ctx.db.transaction() as conn:
        await store.put_webhook(conn, hook)
    return hook


async def remove(ctx: Context, creator: Actor, provider: str) -> None:
    _check_provider(provider)
    async with ctx.db.transaction() as conn:
        if not await store.delete_webhook(conn, creator.id, provider):
            raise NotFound("Record not found")


async def webhooks_of(ctx: Context, creator: Actor) -> list[Webhook]:
    return await store.list_webhooks(ctx.db.reader, creator.id)


def _check_provider(provider: str) -> None:
    if provider not in PROVIDERS:
        raise NotFound(f"no webhook for {provider[:40]}; providers are {', '.join(PROVIDERS)}")


async def receive(ctx: Context, provider: str, token: str, body: bytes, signature: str | None) -> Outcome:
    """One delivery to a webhook URL: verified, then acted on at most once."""
    _check_provider(provider)
    hook = await store.find_webhook(ctx.db.reader, provider, token[:100])
    if hook is None:
        log.warning("%s webhook: unknown URL token", provider)
        raise NotFound("no such webhook")
    try:
        payment = _verified(hook, body, signature, ctx.clock())
    except RedfedError as error:
        log.warning("%s webhook of creator %s refused: %s", provider, hook.creator_id, error.message)
        raise
    if payment is None:
        return _ignored(hook, "this kind of event grants no support")
    return await _grant(ctx, hook, payment)


def _verified(hook: Webhook, body: bytes, signature: str | None, now: float) -> Payment | None:
    if hook.provider == "kofi":
        return kofi.verified_payment(body, hook.secret)
    return stripe.verified_payment(body, signature, hook.secret, now)


async def _grant(ctx: Context, hook: Webhook, payment: Payment) -> Outcome:
    creator = await actor_store.get_actor(ctx.db.reader, hook.creator_id)
    if payment.handle is None:
        return _ignored(hook, f"payment {payment.event_id} names no handle")
    try:
        supporter = await supporter_by_handle(ctx, payment.handle)
        given = new_grant(
            ctx, creator, supporter, await tier_named(ctx, creator, payment.tier_name),
            expires_at=ctx.now_ms() + SUPPORT_DAYS * DAY_MS, source=hook.provider,
        )
    except RedfedError as error:
        return _ignored(hook, f"payment {payment.event_id} for {payment.handle}: {error.message}")
    async with ctx.db.transaction() as conn:
        if not await store.claim_event(conn, hook.provider, payment.event_id, creator.id, ctx.now_ms()):
            log.info("%s webhook of %s: payment %s replayed", hook.provider, creator.uri, payment.event_id)
            return Outcome("duplicate")
        await grant_store.put_grant(conn, _longer(given, await grant_store.get_grant(conn, creator.id, supporter.id)))
    log.info("%s webhook: %s supports %s (tier %s)", hook.provider, supporter.uri, creator.uri, given.tier_id)
    return Outcome("granted")


def _longer(given: Grant, earlier: Grant | None) -> Grant:
    """A payment never shortens support already granted (by hand until revoked, say)."""
    if earlier is None or (earlier.expires_at is not None and earlier.expires_at < given.expires_at):
        return given
    return replace(given, expires_at=earlier.expires_at, tier_id=given.tier_id or earlier.tier_id)


def _ignored(hook: Webhook, reason: str) -> Outcome:
    log.info("%s webhook of creator %s: nothing granted, %s", hook.provider, hook.creator_id, reason)
    return Outcome("ignored", reason)
