"""OAuth 2 for Mastodon clients (layer 4): apps, grants and bearer tokens.

Tokens and codes are random 256-bit strings handed out once; only their SHA-256 hashes are kept,
so a database leak does not leak sessions.
"""

import hashlib
import secrets
from dataclasses import dataclass

from ..db.connection import Database
from ..models import Actor, User
from ..store import actors as actor_store
from ..store import oauth as store
from ..store import users as user_store
from . import scopes as scope_rules


@dataclass(frozen=True)
class Caller:
    """Who is calling the API: the token's user (None for an app-only token) and what it may do."""

    token_id: int
    app_id: int | None
    user: User | None
    actor: Actor | None
    scopes: frozenset[str]

    def allows(self, required: str) -> bool:
        return scope_rules.allows(self.scopes, required)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def authenticate_token(db: Database, bearer: str) -> Caller | None:
    """The caller behind a bearer token, or None (unknown, revoked, or its user disabled)."""
    token = await store.find_token(db.reader, hash_secret(bearer))
    if token is None:
        return None
    user = actor = None
    if token.user_id is not None:
        user = await user_store.get_user(db.reader, token.user_id)
        if user is None or user.is_disabled:
            return None
        actor = await actor_store.get_actor(db.reader, user.actor_id)
    return Caller(token.id, token.app_id, user, actor, frozenset(token.scopes.split()))


async def register_app(
    db: Database, name: str, redirect_uris: list[str], scopes: str, website: str | None, now: int
) -> store.OAuthApp:
    async with db.transaction() as conn:
        return await store.insert_app(conn, new_secret(), new_secret(), name, website, redirect_uris, scopes, now)


async def issue_token(db: Database, app_id: int | None, user_id: int | None, granted: frozenset[str], now: int) -> tuple[str, str]:
    """A new (access token, refresh token) pair; only their hashes are stored."""
    token, refresh = new_secret(), new_secret()
    async with db.transaction() as conn:
        await store.insert_token(conn, hash_secret(token), hash_secret(refresh), app_id, user_id, " ".join(sorted(granted)), now)
    return token, refresh
