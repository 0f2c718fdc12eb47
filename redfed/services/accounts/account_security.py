"""A signed-in user's own credentials (layer 4): changing the password, the browser sessions they
have open, and the apps they have authorized.

As on Mastodon, a new password ends every other browser session and revokes every OAuth token of
the account, so that whoever knew the old password is out everywhere; the session that changed it
stays signed in.
"""

from dataclasses import dataclass

from ...db.api import Database
from ...errors import NotFound, Unprocessable
from ...models import User
from ...store.accounts import oauth as oauth_store
from ...store.accounts import sessions as session_store
from ...store.accounts import user_settings
from ...store.accounts.oauth import AuthorizedApp
from . import passwords

WRONG_PASSWORD = "current password is incorrect"
TOO_SHORT = f"password must be at least {passwords.MIN_LENGTH} characters"
TOO_LONG = f"password must be at most {passwords.MAX_LENGTH} characters"
MISMATCH = "password confirmation does not match"
NOT_FOUND = "Record not found"

__all__ = ["AuthorizedApp", "SessionInfo", "change_password", "sessions", "end_session", "apps", "revoke_app"]


@dataclass(frozen=True)
class SessionInfo:
    id: int
    user_agent: str
    created_at: int
    last_seen_at: int
    current: bool


def password_problems(new: str, confirmation: str) -> list[str]:
    """What is wrong with a new password and its confirmation (empty when nothing is)."""
    problems = []
    if len(new) < passwords.MIN_LENGTH:
        problems.append(TOO_SHORT)
    elif len(new) > passwords.MAX_LENGTH:
        problems.append(TOO_LONG)
    if new != confirmation:
        problems.append(MISMATCH)
    return problems


async def change_password(
    db: Database, user: User, current: str, new: str, confirmation: str, keep_session_hash: str, now: int,
) -> None:
    """Set a new password, then end the user's other sessions and revoke their tokens. Raises
    Unprocessable with one of this module's messages, and changes nothing, on any problem."""
    if not await passwords.verify_password(user.password_hash, current[: passwords.MAX_LENGTH]):
        raise Unprocessable(WRONG_PASSWORD)
    if problems := password_problems(new, confirmation):
        raise Unprocessable(problems[0])
    new_hash = await passwords.hash_password(new)
    async with db.transaction() as conn:
        await user_settings.set_password_hash(conn, user.id, new_hash)
        await session_store.delete_other_sessions(conn, user.id, keep_session_hash)
        await oauth_store.revoke_user_tokens(conn, user.id, now)


async def sessions(db: Database, user: User, current_hash: str, now: int) -> list[SessionInfo]:
    listed = await session_store.sessions_of(db.reader, user.id, now)
    return [SessionInfo(s.id, s.user_agent, s.created_at, s.last_seen_at, s.id_hash == current_hash) for s in listed]


async def end_session(db: Database, user: User, session_id: int) -> None:
    """Sign one of the user's sessions out; someone else's (or an unknown one) is 404."""
    async with db.transaction() as conn:
        if not await session_store.delete_session_of(conn, user.id, session_id):
            raise NotFound(NOT_FOUND)


async def apps(db: Database, user: User) -> list[AuthorizedApp]:
    return await oauth_store.authorized_apps(db.reader, user.id)


async def revoke_app(db: Database, user: User, app_id: int, now: int) -> None:
    """Revoke every token an app holds for the user; an app without any is 404."""
    async with db.transaction() as conn:
        if not await oauth_store.revoke_app_for_user(conn, user.id, app_id, now):
            raise NotFound(NOT_FOUND)
