"""Account moves (layer 4): a local account moving out to another, and a `Move` received from a
remote account, which takes its local followers along (FEP-7628, as Mastodon does it).

Moving out (Mastodon's MoveService): the new account must already list the old one in its
`alsoKnownAs`, read fresh from its server; no move to oneself or twice to the same account, and
30 days between two moves. The old account then shows `movedTo`, its followers get an Update and
the `Move`, its local followers follow the new account at once, and it can no longer post.

Moving in (Mastodon's ActivityPub::Activity::Move): only the account itself may announce its
move (object == actor, and the signature already bound the actor); the target is fetched fresh
and must alias the origin. Every local follower then unfollows the old account and follows the
new one - a real Follow, pending if the new account is locked - and gets a `move` notification;
local blocks and mutes of the old account carry over to the new one.
A Move of the same account within 7 days of one carried out does nothing. Each Move, honoured or
refused, is recorded in `account_moves`.
"""

import logging
from dataclasses import replace
from typing import NoReturn

from ...clock import new_id
from ...errors import BadRequest, Forbidden, Gone, NotFound, Unprocessable
from ...federation import audience, delivery, ingest, serialize
from ...models import Actor
from ...protocol import as2
from ...store import actors as actor_store
from ...store.accounts import users as user_store
from ...store.portability import moves as store
from ...store.portability.moves import MoveRecord
from ...store.social import follows as follow_store
from ..accounts import passwords
from ..accounts.profiles import announce_update
from ..context import Context
from ..notify import notify
from ..social import follows, interactions, posts
from .aliases import ChangeRefused, resolve_account

log = logging.getLogger(__name__)

DAY_MS = 24 * 3600 * 1000
# Mastodon's AccountMigration::COOLDOWN_PERIOD and ActivityPub::Activity::Move's PROCESSING_COOLDOWN.
COOLDOWN_MS = 30 * DAY_MS
REPEAT_WINDOW_MS = 7 * DAY_MS


class MoveRefused(Forbidden):
    """An inbound Move that changes nothing; the reason is kept on its record and inbox row."""


# Moving out -----------------------------------------------------------------------------------


async def check_password(ctx: Context, actor: Actor, password) -> None:
    """A move is confirmed with the account's password, as on Mastodon."""
    user = await user_store.find_user_by_actor(ctx.db.reader, actor.id)
    valid = isinstance(password, str) and 0 < len(password) <= passwords.MAX_LENGTH
    if user is None or not valid or not await passwords.verify_password(user.password_hash, password):
        raise ChangeRefused("wrong_password", "the current password is not correct")


async def move_out(ctx: Context, origin: Actor, given: str) -> Actor:
    """Move the local account `origin` to the account a handle or actor URI names. Returns the
    moved account (with `moved_to_uri` set)."""
    if not origin.is_local:
        raise Forbidden("only a local account can move out")
    target = await resolve_account(ctx, given)
    _check_target(origin, target)
    await _check_cooldown(ctx, ctx.db.reader, origin)
    now = ctx.now_ms()
    moved = replace(origin, moved_to_uri=target.uri, updated_at=now)
    move = serialize.move_activity(moved, target.uri, f"{origin.uri}#moves/{new_id(now)}")
    async with ctx.db.transaction() as conn:
        await _check_cooldown(ctx, conn, origin)  # again: another move may have won the race
        await actor_store.set_moved_to(conn, origin.id, target.uri, now)
        await announce_update(ctx, conn, moved)
        inboxes = await audience.for_followers(conn, ctx.config, moved)
        await delivery.enqueue(conn, move, moved, inboxes, is_public=False, object_uri=origin.uri, now=now)
        record = await store.insert_move(conn, "out", "done", origin.uri, target.uri, now, activity_id=move["id"])
    ctx.wake_delivery()
    log.info("%s moved to %s (%s), Move sent to %d inboxes", origin.uri, target.uri, record.activity_id, len(inboxes))
    # Followers on this server need no Move: they are redirected here and now.
    await redirect_followers(ctx, moved, target)
    return moved


def _check_target(origin: Actor, target: Actor) -> None:
    if target.uri == origin.uri:
        raise ChangeRefused("move_self", "an account cannot move to itself")
    if origin.moved_to_uri == target.uri:
        raise ChangeRefused("moved_there", f"this account has already moved to {target.handle}")
    if target.moved_to_uri is not None:
        raise ChangeRefused("target_moved", f"{target.handle} has itself moved away; move to the account it moved to")
    if origin.uri not in target.also_known_as:
        raise ChangeRefused(
            "not_aliased", f"{target.handle} does not list this account as an alias (alsoKnownAs): "
            "add this account as an alias of the new one first",
        )


async def _check_cooldown(ctx: Context, conn, origin: Actor) -> None:
    last = await store.last_move(conn, origin.uri, "out")
    if last is not None and ctx.now_ms() - last.created_at < COOLDOWN_MS:
        wait_days = -(-(last.created_at + COOLDOWN_MS - ctx.now_ms()) // DAY_MS)
        raise ChangeRefused(
            "cooldown", f"this account moved less than 30 days ago; it can move again in {wait_days} days", num=wait_days
        )


async def new_home(ctx: Context, actor: Actor) -> Actor | None:
    """The account `actor` moved to, as stored here (None when it has not moved, or is unknown)."""
    if actor.moved_to_uri is None:
        return None
    return await actor_store.find_actor_by_uri(ctx.db.reader, actor.moved_to_uri)


async def move_history(ctx: Context, actor: Actor) -> list[MoveRecord]:
    """The moves out of `actor`, newest first."""
    return [m for m in reversed(await store.list_moves(ctx.db.reader, actor.uri)) if m.direction == "out"]


# Moving in ------------------------------------------------------------------------------------


async def receive_move(ctx: Context, sender: Actor, activity: dict) -> bool:
    """A verified `Move` from `sender`. True when its followers here were redirected, False when
    it repeats a Move carried out within the week; MoveRefused when it is not believable."""
    origin_uri = as2.get_id(activity.get("object"))
    target_uri = as2.get_id(activity.get("target"))
    activity_id = activity.get("id")

    async def refuse(reason: str) -> NoReturn:
        async with ctx.db.transaction() as conn:
            await store.insert_move(
                conn, "in", "refused", origin_uri if isinstance(origin_uri, str) else sender.uri,
                target_uri if isinstance(target_uri, str) else None, ctx.now_ms(),
                sender_uri=sender.uri, activity_id=activity_id, reason=reason,
            )
        log.info("Move %s from %s refused: %s", activity_id, sender.uri, reason)
        raise MoveRefused(f"Move refused: {reason}")

    if origin_uri != sender.uri:
        await refuse("its object is not its actor: only an account may announce its own move")
    if ingest.parse_http_url(target_uri) is None:
        await refuse("it names no target account")
    if target_uri == sender.uri:
        await refuse("its target is the account that moves")
    last = await store.last_move(ctx.db.reader, sender.uri, "in")
    if last is not None and ctx.now_ms() - last.created_at < REPEAT_WINDOW_MS:
        log.info("Move %s from %s ignored: one was carried out %s ms ago", activity_id, sender.uri, ctx.now_ms() - last.created_at)
        return False
    try:
        # refresh=True never falls back to a stored copy: a target whose server is unusable right
        # now raises FetchError, and the inbox worker tries the Move again later.
        target = await ctx.resolver.actor(target_uri, refresh=True)
    except (NotFound, Gone, BadRequest, Forbidden) as error:
        await refuse(f"its target could not be fetched: {error.message}")
    if sender.uri not in target.also_known_as:
        await refuse(f"its target {target_uri} does not list {sender.uri} in alsoKnownAs")
    if target.suspended_at is not None or target.moved_to_uri is not None:
        await refuse(f"its target {target_uri} is suspended or has moved away itself")
    async with ctx.db.transaction() as conn:
        await actor_store.set_moved_to(conn, sender.id, target.uri, ctx.now_ms())
    moved = await redirect_followers(ctx, replace(sender, moved_to_uri=target.uri), target)
    # Recorded last: a crash half-way leaves no record, so the retried Move finishes the work
    # (each step below is idempotent) instead of being taken for a repeat.
    async with ctx.db.transaction() as conn:
        await store.insert_move(
            conn, "in", "done", sender.uri, target.uri, ctx.now_ms(), sender_uri=sender.uri,
            activity_id=activity_id, followers_moved=moved,
        )
    log.info("Move %s: %d local followers of %s now follow %s", activity_id, moved, sender.uri, target.uri)
    return True


# Both ----------------------------------------------------------------------------------------


async def redirect_followers(ctx: Context, origin: Actor, target: Actor) -> int:
    """Every local follower of `origin` follows `target` instead and is told so; how many moved.

    As on Mastodon (MoveWorker), blocks and mutes of the old account by local people carry over
    to the new one first - a move must not be a way around a block - and a follower who cannot
    follow the new account (a block either way) keeps the old follow. The new account's recent
    posts are fetched once, not per follower.
    """
    await _carry_blocks_and_mutes(ctx, origin, target)
    moved = 0
    for follower_id, _state in await store.list_local_follows_of(ctx.db.reader, origin.id):
        follower = await actor_store.get_actor(ctx.db.reader, follower_id)
        if follower is None or follower.id == target.id:
            continue
        try:
            await follows.follow(ctx, follower, target, backfill=False)
        except (Forbidden, Unprocessable) as error:
            log.info("%s not moved from %s to %s: %s", follower.uri, origin.uri, target.uri, error.message)
            continue
        await follows.unfollow(ctx, follower, origin)
        async with ctx.db.transaction() as conn:
            await notify(conn, follower.id, "move", origin, None, ctx.now_ms())
        moved += 1
    if moved and not target.is_local:
        await posts.backfill_outbox(ctx, target)
    return moved


async def _carry_blocks_and_mutes(ctx: Context, origin: Actor, target: Actor) -> None:
    for blocker_id in await store.list_local_blockers(ctx.db.reader, origin.id):
        blocker = await actor_store.get_actor(ctx.db.reader, blocker_id)
        # Mastodon leaves alone someone who already follows the new account.
        if blocker is None or blocker.id == target.id or await follow_store.find_follow(ctx.db.reader, blocker.id, target.id):
            continue
        await interactions.block(ctx, blocker, target)
    async with ctx.db.transaction() as conn:
        await store.copy_local_mutes(conn, origin.id, target.id, ctx.now_ms())
