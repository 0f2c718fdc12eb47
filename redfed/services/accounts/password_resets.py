"""One-time password reset links, made by the operator's CLI (layer 4).

The link carries a random 256-bit token; only its SHA-256 is stored. It works once, for an hour;
using it sets the new password and ends every session and token of the account, so whoever knew
the old password is signed out.
"""

import hashlib
import secrets

from ...db.api import Database
from ...errors import NotFound, Unprocessable
from ...models import User
from ...store.accounts import sign_ups as store
from ...store.accounts import users as user_store
from . import accounts, passwords

LIFETIME_MS = 3600 * 1000
MAX_TOKEN = 200
PATH = "/auth/reset_password"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_link(db: Database, base_url: str, username: str, now: int) -> str:
    """A reset link for a local user: `<base>/auth/reset_password?token=...`."""
    user = await user_store.find_user_by_username(db.reader, username)
    if user is None:
        raise NotFound(f"no local user named '{username}'")
    token = secrets.token_urlsafe(32)
    async with db.transaction() as conn:
        await store.delete_dead_resets(conn, now)  # expired links are swept on the way
        await store.insert_reset(conn, _hash(token), user.id, now, now + LIFETIME_MS)
    return f"{base_url}{PATH}?token={token}"


async def token_user(db: Database, token: str | None, now: int) -> User | None:
    """The account a live token resets, or None (unknown, used, expired)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    user_id = await store.find_reset(db.reader, _hash(token), now)
    return await user_store.get_user(db.reader, user_id) if user_id is not None else None


async def reset(db: Database, token: str | None, password: str, now: int) -> User:
    """Set a new password with a live token, once. Raises NotFound for a dead token and
    Unprocessable for an unacceptable password (the token then stays usable)."""
    if await token_user(db, token, now) is None:
        raise NotFound("This reset link is invalid, used or expired.")
    if problem := accounts.password_problem(password):
        raise Unprocessable(f"Password {problem[1]}")
    password_hash = await passwords.hash_password(password)
    async with db.transaction() as conn:
        user_id = await store.consume_reset(conn, _hash(token), now)
        if user_id is None:  # used by a concurrent request since the check
            raise NotFound("This reset link is invalid, used or expired.")
        await store.set_password(conn, user_id, password_hash)
        await store.end_logins(conn, user_id, now)
        return await user_store.get_user(conn, user_id)
