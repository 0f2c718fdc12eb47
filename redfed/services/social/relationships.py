"""Relationships between accounts as the client API shows and changes them (layer 4): follow with
options, mutes, and the lists of followers, following, blocks, mutes and follow requests."""

from dataclasses import dataclass

from ...errors import NotFound, Unprocessable
from ...models import Actor
from ...store import actors as actor_store
from ...store import views as view_store
from ...store.accounts import sign_ups as sign_up_store
from ...store.id_pages import IdRange
from ...store.social import account_domain_blocks as domain_block_store
from ...store.social import account_notes as note_store
from ...store.social import endorsements as endorsement_store
from ...store.social import relationships as store
from ..context import Context
from .follows import follow

MAX_NOTE = 2000  # Mastodon's AccountNote limit


@dataclass(frozen=True)
class Relationship:
    target_id: int
    following: bool
    requested: bool
    showing_reblogs: bool
    notifying: bool
    followed_by: bool
    requested_by: bool
    blocking: bool
    blocked_by: bool
    muting: bool
    muting_notifications: bool
    domain_blocking: bool = False
    endorsed: bool = False
    note: str = ""  # the viewer's private note about the account


async def relationships(ctx: Context, viewer: Actor, ids: list[int]) -> list[Relationship]:
    rows = await store.relationship_rows(ctx.db.reader, viewer.id, ids, ctx.now_ms())
    domain_blocked = await domain_block_store.blocked_among(ctx.db.reader, viewer.id, ids)
    endorsed = await endorsement_store.endorsed_among(ctx.db.reader, viewer.id, ids)
    notes = await note_store.notes_among(ctx.db.reader, viewer.id, ids)
    found = []
    for target in ids:
        row = rows[target]
        out, incoming = row.get("out"), row.get("in")
        found.append(Relationship(
            target_id=target,
            following=bool(out and out[0] == "accepted"), requested=bool(out and out[0] == "pending"),
            showing_reblogs=bool(out and out[1]), notifying=bool(out and out[2]),
            followed_by=bool(incoming and incoming[0] == "accepted"), requested_by=bool(incoming and incoming[0] == "pending"),
            blocking="blocking" in row, blocked_by="blocked_by" in row,
            muting="muting" in row, muting_notifications=bool(row.get("muting")),
            domain_blocking=target in domain_blocked, endorsed=target in endorsed, note=notes.get(target, ""),
        ))
    return found


async def set_note(ctx: Context, viewer: Actor, target: Actor, comment: str) -> None:
    """A private note about an account, seen only by its writer; an empty one is removed."""
    if len(comment) > MAX_NOTE:
        raise Unprocessable(f"comment is too long (at most {MAX_NOTE} characters)")
    async with ctx.db.transaction() as conn:
        await note_store.set_note(conn, viewer.id, target.id, comment.strip(), ctx.now_ms())


async def account(ctx: Context, account_id: int) -> Actor:
    found = await actor_store.get_actor(ctx.db.reader, account_id)
    if found is None or found.suspended_at is not None or found.type == "Application" or await _pending(ctx, found):
        raise NotFound("Record not found")
    return found


async def accounts(ctx: Context, account_ids: list[int]) -> list[Actor]:
    """Those of the accounts that may be shown, in the order asked; the others are left out."""
    found = []
    for account_id in dict.fromkeys(account_ids):
        try:
            found.append(await account(ctx, account_id))
        except NotFound:
            continue
    return found


async def lookup(ctx: Context, acct: str) -> Actor:
    """A known account by `user` (local) or `user@domain`; no WebFinger, as Mastodon's lookup."""
    username, _, domain = acct.strip().lstrip("@").partition("@")
    found = await actor_store.find_actor_by_handle(ctx.db.reader, username, (domain or ctx.config.domain).lower())
    if found is None or found.suspended_at is not None or await _pending(ctx, found):
        raise NotFound("Record not found")
    return found


async def _pending(ctx: Context, actor: Actor) -> bool:
    """A local account awaiting approval is not there yet (Mastodon's check_account_approval)."""
    return actor.is_local and await sign_up_store.actor_pending(ctx.db.reader, actor.id)


async def follow_with_options(ctx: Context, viewer: Actor, target: Actor, reblogs: bool | None, notify: bool | None) -> None:
    await follow(ctx, viewer, target)
    async with ctx.db.transaction() as conn:
        await store.set_follow_options(conn, viewer.id, target.id, reblogs, notify)


async def mute(ctx: Context, viewer: Actor, target: Actor, hide_notifications: bool, duration_seconds: int) -> None:
    if viewer.id == target.id:
        raise Unprocessable("Validation failed: you cannot mute yourself")
    expires = ctx.now_ms() + duration_seconds * 1000 if duration_seconds > 0 else None
    async with ctx.db.transaction() as conn:
        await store.set_mute(conn, viewer.id, target.id, hide_notifications, expires, ctx.now_ms())


async def unmute(ctx: Context, viewer: Actor, target: Actor) -> None:
    async with ctx.db.transaction() as conn:
        await store.delete_mute(conn, viewer.id, target.id)


async def listed(ctx: Context, kind: str, owner: Actor, page: IdRange) -> list[tuple[int, Actor]]:
    return await store.listed_accounts(ctx.db.reader, kind, owner.id, page)


async def familiar_followers(ctx: Context, viewer: Actor, target_id: int) -> list[Actor]:
    ids = await store.familiar_follower_ids(ctx.db.reader, viewer.id, target_id)
    actors = await view_store.actors_by_ids(ctx.db.reader, ids)
    return [actors[i] for i in ids if i in actors]
