"""The notification policy (layer 4), as in Mastodon 4.3: what happens to a notification from
someone the recipient does not follow, who does not follow them (or only for three days), a new
account, a limited (silenced) account, or a private mention nobody asked for. Each rule says
accept, filter or drop; a drop wins over a filter. Filtered mentions gather as one request per
sender, which the recipient accepts (the sender is let through from then on) or dismisses.

Notifications of kinds that are never filtered (polls, edits, moderation, the shop) always pass,
and so do private messages from the instance's staff.
"""

from dataclasses import dataclass

from ..clock import new_id
from ..db.api import Connection
from ..errors import NotFound, Unprocessable
from ..models import Actor
from ..store.id_pages import IdRange
from ..store.social import notification_policies as store
from .context import Context

FILTERABLE = frozenset({"mention", "reblog", "follow", "follow_request", "favourite", "quote", "pleroma:emoji_reaction"})
ACTIONS = ("accept", "filter", "drop")
KINDS = store.KINDS
NEW_ACCOUNT_MS = 30 * 24 * 3600 * 1000
NEW_FOLLOWER_MS = 3 * 24 * 3600 * 1000
RequestRow = store.RequestRow


@dataclass(frozen=True)
class Policy:
    actions: dict[str, str]  # kind: accept, filter or drop
    pending_requests: int
    pending_notifications: int


async def verdict(conn: Connection, recipient: Actor, sender: Actor, kind: str, post_id: int | None, now: int) -> str:
    """'accept', 'filter' or 'drop' for a notification of `kind` from `sender` to `recipient`."""
    if kind not in FILTERABLE or await store.permitted(conn, recipient.id, sender.id):
        return "accept"
    message = kind == "mention"
    if message and await store.is_staff(conn, sender.id):
        return "accept"
    policy = await store.policy(conn, recipient.id)
    applying = []
    if await store.follow_accepted_at(conn, recipient.id, sender.id) is None:
        applying.append("not_following")
        if sender.silenced_at is not None:
            applying.append("limited_accounts")
        if sender.published_at > now - NEW_ACCOUNT_MS:
            applying.append("new_accounts")
        if message and post_id is not None and await _unsolicited_private(conn, post_id, recipient, sender):
            applying.append("private_mentions")
    followed_since = await store.follow_accepted_at(conn, sender.id, recipient.id)
    if followed_since is None or followed_since > now - NEW_FOLLOWER_MS:
        applying.append("not_followers")
    actions = {policy[rule] for rule in applying}
    return "drop" if "drop" in actions else "filter" if "filter" in actions else "accept"


async def _unsolicited_private(conn: Connection, post_id: int, recipient: Actor, sender: Actor) -> bool:
    return await store.is_direct(conn, post_id) and not await store.answers_own_private_mention(
        conn, post_id, recipient.id, sender.id
    )


async def held_back(conn: Connection, recipient_id: int, sender: Actor, kind: str, post_id: int | None, now: int) -> None:
    """A filtered mention opens (or refreshes) the request of its sender."""
    if kind == "mention" and post_id is not None:
        await store.note_request(conn, new_id(now), recipient_id, sender.id, post_id, now)


async def read(ctx: Context, actor: Actor) -> Policy:
    async with ctx.db.transaction() as conn:
        requests, notifications = await store.pending(conn, actor.id)
        return Policy(await store.policy(conn, actor.id), requests, notifications)


async def change(ctx: Context, actor: Actor, chosen: dict[str, str]) -> Policy:
    """Set the rules given, keep the others."""
    for kind, action in chosen.items():
        if kind not in KINDS or action not in ACTIONS:
            raise Unprocessable(f"Validation failed: for_{kind} must be one of {', '.join(ACTIONS)}")
    async with ctx.db.transaction() as conn:
        await store.save_policy(conn, actor.id, {**await store.policy(conn, actor.id), **chosen}, ctx.now_ms())
    return await read(ctx, actor)


async def requests(ctx: Context, actor: Actor, page: IdRange) -> list[RequestRow]:
    return await store.requests(ctx.db.reader, actor.id, page)


async def request(ctx: Context, actor: Actor, request_id: int) -> RequestRow:
    found = await store.request(ctx.db.reader, actor.id, request_id)
    if found is None:
        raise NotFound("Record not found")
    return found


async def close(ctx: Context, actor: Actor, request_ids: list[int], *, accept: bool) -> None:
    """Accept or dismiss requests; ids of requests the account does not have are ignored, as
    Mastodon's bulk routes do (the single routes check first, with request())."""
    async with ctx.db.transaction() as conn:
        for request_id in request_ids:
            found = await store.request(conn, actor.id, request_id)
            if found is not None:
                await store.close_request(conn, actor.id, found.from_id, accept=accept, now=ctx.now_ms())
