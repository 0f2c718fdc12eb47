"""Access tokens from the operator's command line (layer 4): list a user's, revoke one."""

from ...db.api import Database
from ...errors import NotFound
from ...store.accounts import token_listing, users
from ...store.accounts.token_listing import ListedToken


async def list_tokens(db: Database, username: str) -> list[ListedToken]:
    user = await users.find_user_by_username(db.reader, username)
    if user is None:
        raise NotFound(f"no local user named '{username}'")
    return await token_listing.list_live_tokens(db.reader, user.id)


async def revoke_token(db: Database, token_id: int, now: int) -> None:
    async with db.transaction() as conn:
        if not await token_listing.revoke_live_token(conn, token_id, now):
            raise NotFound(f"no live token with id {token_id}")
