"""Deleting a local account for good (layer 4), from the operator's command line: a federated
Delete of the actor goes to every server that knows it (they then remove the account and its
posts, as Mastodon does on an actor's Delete), and the account's data goes here."""

import logging

from ...errors import NotFound
from ...federation import delivery
from ...protocol import as2
from ...store import actors as actor_store
from ...store.accounts import users as user_store
from ...store.moderation import account_deletions as store
from ..context import Context

log = logging.getLogger(__name__)


async def delete_local_account(ctx: Context, username: str) -> int:
    """Delete `username`'s account; how many servers are told."""
    user = await user_store.find_user_by_username(ctx.db.reader, username)
    actor = user and await actor_store.get_actor(ctx.db.reader, user.actor_id)
    if actor is None or actor.suspended_at is not None:
        raise NotFound(f"no local user named '{username}'")
    activity = as2.activity("Delete", f"{actor.uri}#delete", actor.uri, actor.uri, to=[as2.PUBLIC])
    now = ctx.now_ms()
    async with ctx.db.transaction() as conn:
        inboxes = await store.inboxes_known_to(conn, actor.id)
        files = await store.media_keys_of(conn, actor.id)
        await store.erase_account(conn, actor.id, user.id, now)
        await delivery.enqueue(conn, activity, actor, inboxes, is_public=False, object_uri=actor.uri, now=now)
    # After the commit: a file whose row is gone is only an orphan, a row without its file an error.
    await ctx.files.media.delete(*files)
    ctx.wake_delivery()
    log.info("deleted local account %s (%s); %d servers to be told", username, actor.uri, len(inboxes))
    return len(inboxes)
