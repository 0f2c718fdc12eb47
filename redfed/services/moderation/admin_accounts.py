"""What an admin does to accounts (layer 4): find local and remote ones, disable and enable a local
login, suspend and unsuspend a remote account, silence and unsilence any account. Who may do it is
the face's check (users.is_admin).

Disabling a login is the CLI's `redfed user disable`: its sessions and tokens stop working at once
(every lookup refuses a disabled user). Suspending a remote account hides it and its posts
everywhere and makes the inbox drop its activities (inbox/verify.py), as a domain suspension does
for a whole server; its follows are kept, so that lifting it restores them, as on Mastodon.
"""

from ...errors import NotFound, Unprocessable
from ...models import Actor, User
from ...store import actors as actor_store
from ...store.id_pages import IdRange
from ...store.moderation import admin_accounts as store
from ...store.moderation.admin_accounts import AccountFilter, AccountRow
from ..accounts import accounts
from ..context import Context

PAGE_SIZE = 50
ORIGINS = ("local", "remote")
STATUSES = ("disabled", "suspended", "silenced")


def account_filter(query: str, origin: str, status: str) -> AccountFilter:
    """A search box's text (`name`, `@name`, `name@domain`, `@domain`) and the two filters."""
    text = query.strip().lstrip("@").lower()[:200]
    username, _, domain = text.partition("@")
    return AccountFilter(
        username=username, domain=domain, origin=origin if origin in ORIGINS else "",
        status=status if status in STATUSES else "",
    )


async def list_accounts(ctx: Context, found: AccountFilter, page: int = 0) -> list[AccountRow]:
    return await store.list_accounts(ctx.db.reader, found, PAGE_SIZE, max(0, page) * PAGE_SIZE)


async def page_accounts(ctx: Context, found: AccountFilter, page: IdRange) -> list[AccountRow]:
    return await store.page_accounts(ctx.db.reader, found, page)


async def set_login_disabled(ctx: Context, admin: User, actor_id: int, disabled: bool) -> User:
    actor = await _actor(ctx, actor_id)
    if not actor.is_local:
        raise Unprocessable("only local accounts have a login to disable")
    if disabled and actor.id == admin.actor_id:
        raise Unprocessable("you cannot disable your own account")
    return await accounts.set_user_disabled(ctx.db, actor.username, disabled)


async def set_remote_suspended(ctx: Context, actor_id: int, suspended: bool) -> Actor:
    actor = await _actor(ctx, actor_id)
    if actor.is_local:
        raise Unprocessable("local accounts are disabled, not suspended")
    async with ctx.db.transaction() as conn:
        await store.set_remote_suspended(conn, actor.id, ctx.now_ms() if suspended else None)
        return await actor_store.get_actor(conn, actor.id)


async def set_silenced(ctx: Context, actor_id: int, silenced: bool) -> Actor:
    """Hide an account's posts from those who do not follow it (Mastodon's limit), local or remote."""
    actor = await _actor(ctx, actor_id)
    async with ctx.db.transaction() as conn:
        await store.set_silenced(conn, actor.id, ctx.now_ms() if silenced else None)
        return await actor_store.get_actor(conn, actor.id)


async def get_account(ctx: Context, actor_id: int) -> Actor:
    return await _actor(ctx, actor_id)


async def _actor(ctx: Context, actor_id: int) -> Actor:
    actor = await actor_store.get_actor(ctx.db.reader, actor_id)
    if actor is None or (actor.is_local and actor.type == "Application"):
        raise NotFound("no such account")
    return actor
