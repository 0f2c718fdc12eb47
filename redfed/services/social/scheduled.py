"""Scheduled posts (layer 4): kept until their time, then published by the workers.

Publishing is exactly once: a worker process claims a due post with a lease (CLAIM_LEASE_MS), so
no two publish it at once and one killed meanwhile leaves it to the others; and each scheduled
post publishes under an idempotency key of its own, so a crash between publishing and deleting
the schedule row publishes nothing twice.
"""

import logging

from ...clock import new_id
from ...errors import NotFound, RedfedError, Unprocessable
from ...models import Actor, Media
from ...store import actors as actor_store
from ...store import posts as post_store
from ...store.media import media as media_store
from ...store.social import scheduled as store
from ...store.social.scheduled import ScheduledPost
from ..context import Context
from ..media import media
from . import posts, statuses

log = logging.getLogger(__name__)

MIN_LEAD_MS = 5 * 60 * 1000
CLAIM_LEASE_MS = 5 * 60 * 1000


async def schedule(ctx: Context, author: Actor, params: dict, at_ms: int) -> ScheduledPost:
    _check_time(ctx, at_ms)
    async with ctx.db.transaction() as conn:
        return await store.insert(conn, new_id(ctx.now_ms()), author.id, params, at_ms, ctx.now_ms())


async def list_scheduled(ctx: Context, author: Actor, limit: int) -> list[ScheduledPost]:
    return await store.list_for(ctx.db.reader, author.id, limit)


async def find(ctx: Context, author: Actor, scheduled_id: int) -> ScheduledPost:
    found = await store.get(ctx.db.reader, scheduled_id, author.id)
    if found is None:
        raise NotFound("Record not found")
    return found


async def attached_media(ctx: Context, items: list[ScheduledPost]) -> dict[int, list[Media]]:
    """Each scheduled post's media (by scheduled post id), in the order it was attached."""
    wanted = {item.id: [int(i) for i in item.params.get("media_ids", [])] for item in items}
    found = await media_store.find_many(ctx.db.reader, {i for ids in wanted.values() for i in ids})
    return {item_id: [found[i] for i in ids if i in found] for item_id, ids in wanted.items()}


async def reschedule(ctx: Context, author: Actor, scheduled_id: int, at_ms: int) -> ScheduledPost:
    await find(ctx, author, scheduled_id)
    _check_time(ctx, at_ms)
    async with ctx.db.transaction() as conn:
        await store.reschedule(conn, scheduled_id, at_ms)
    return await find(ctx, author, scheduled_id)


async def cancel(ctx: Context, author: Actor, scheduled_id: int) -> None:
    await find(ctx, author, scheduled_id)
    async with ctx.db.transaction() as conn:
        await store.delete(conn, scheduled_id)


async def publish_due(ctx: Context, limit: int = 20) -> int:
    """Publish every scheduled post whose time has come; how many were taken."""
    now = ctx.now_ms()
    if not await store.any_due(ctx.db.reader, now):
        return 0
    async with ctx.db.transaction() as conn:
        due = await store.claim_due(conn, now, now + CLAIM_LEASE_MS, limit)
    for item in due:
        await _publish(ctx, item)
        async with ctx.db.transaction() as conn:
            await store.delete(conn, item.id)
    return len(due)


async def _publish(ctx: Context, item: ScheduledPost) -> None:
    author = await actor_store.get_actor(ctx.db.reader, item.actor_id)
    key = f"scheduled:{item.id}"
    if author is None or await statuses.remembered(ctx, author, key):
        return
    p = item.params
    parent = await post_store.get_post(ctx.db.reader, int(p["in_reply_to_id"])) if p.get("in_reply_to_id") else None
    try:
        # The uploads chosen when it was scheduled; one deleted since stops the post, with a trace.
        attached = await media.claim_for_post(
            ctx.db, author.id, [int(i) for i in p.get("media_ids", [])], max_attachments=ctx.config.media.max_attachments
        )
        await posts.create_local_post(
            ctx, author, p.get("text", ""), visibility=p.get("visibility", "public"), summary=p.get("spoiler_text", ""),
            sensitive=bool(p.get("sensitive")), language=p.get("language"), poll=p.get("poll"),
            app_id=p.get("application_id"), in_reply_to=parent, idempotency_key=key, media=attached,
        )
    except RedfedError as error:
        # What was valid when scheduled may not be now (the account was limited, say): keep a trace.
        log.warning("scheduled post %s of %s not published: %s", item.id, author.uri, error.message)
        return


def _check_time(ctx: Context, at_ms: int) -> None:
    if at_ms < ctx.now_ms() + MIN_LEAD_MS:
        raise Unprocessable("Validation failed: Scheduled at the specified time must be at least 5 minutes in the future")
