"""An account's own domain blocks (layer 4), as Mastodon's /api/v1/domain_blocks: the domain's
posts and notifications are hidden from that account, and follows both ways with the domain end
(Mastodon's AfterBlockDomainFromAccountService: unfollow, reject followers and requests, clear
notifications). The instance-wide block an admin sets is a different thing, kept elsewhere."""

from ...clock import new_id
from ...errors import Unprocessable
from ...federation import audience, delivery, ingest
from ...models import Actor
from ...protocol import as2
from ...store import actors as actor_store
from ...store.id_pages import IdRange
from ...store.social import account_domain_blocks as store
from ...store.social import follows as follow_store
from ..context import Context
from .follows import follow_activity, unfollow

MAX_DOMAIN = 253 + 6  # a host name and a port
_FORBIDDEN = set("/@\\?#[] \t\r\n")


def normalise(value: str | None) -> str:
    """A domain as blocks store it: lower case, IDNA, no trailing dot, the port only when given.
    A scheme in front (`https://host`) is dropped; anything else that is not a host is refused."""
    text = (value or "").strip()
    if "://" in text:
        text = text.split("://", 1)[1].rstrip("/")
    if not text or len(text) > MAX_DOMAIN or any(c in _FORBIDDEN for c in text) or text.startswith((".", ":")):
        raise Unprocessable("Validation failed: Domain is not a valid domain name")
    domain = ingest.url_domain(f"https://{text}/")
    if domain is None:
        raise Unprocessable("Validation failed: Domain is not a valid domain name")
    return domain


async def block_domain(ctx: Context, viewer: Actor, value: str | None) -> str:
    """Block `value` for `viewer`; blocking again changes nothing. Returns the stored domain."""
    domain = normalise(value)
    if domain == ctx.config.domain:
        raise Unprocessable("Validation failed: you cannot block your own server")
    async with ctx.db.transaction() as conn:
        await store.insert(conn, new_id(ctx.now_ms()), viewer.id, domain, ctx.now_ms())
        following, followers = await store.follows_with_domain(conn, viewer.id, domain)
        await store.delete_notifications_from(conn, viewer.id, domain)
    for target_id in following:
        target = await actor_store.get_actor(ctx.db.reader, target_id)
        if target is not None:
            await unfollow(ctx, viewer, target)
    for follower_id in followers:
        await _reject_follower(ctx, viewer, follower_id)
    return domain


async def _reject_follower(ctx: Context, viewer: Actor, follower_id: int) -> None:
    """Remove a follower (or a request) and tell its server with Reject, as Mastodon does."""
    follower = await actor_store.get_actor(ctx.db.reader, follower_id)
    if follower is None:
        return
    async with ctx.db.transaction() as conn:
        follow = await follow_store.find_follow(conn, follower.id, viewer.id)
        if follow is None:
            return
        await follow_store.delete_follow(conn, follow.id)
        reject = as2.activity("Reject", ctx.urls.activity(new_id()), viewer.uri, follow_activity(follow, follower, viewer))
        await delivery.enqueue(
            conn, reject, viewer, audience.for_actor(ctx.config, follower), is_public=False, object_uri=follow.uri,
            now=ctx.now_ms(),
        )
    ctx.wake_delivery()


async def unblock_domain(ctx: Context, viewer: Actor, value: str | None) -> None:
    domain = normalise(value)
    async with ctx.db.transaction() as conn:
        await store.delete(conn, viewer.id, domain)


async def blocked_domains(ctx: Context, viewer: Actor, page: IdRange) -> list[tuple[int, str]]:
    return await store.page(ctx.db.reader, viewer.id, page)


async def all_blocked(ctx: Context, viewer: Actor) -> list[str]:
    return await store.domains(ctx.db.reader, viewer.id)


async def blocking_among(ctx: Context, viewer: Actor, target_ids: list[int]) -> set[int]:
    return await store.blocked_among(ctx.db.reader, viewer.id, target_ids)
