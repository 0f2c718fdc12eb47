"""OAuth 2 for Mastodon clients (layer 4): apps, grants and bearer tokens.

Tokens and codes are random 256-bit strings handed out once; only their SHA-256 hashes are kept,
so a database leak does not leak sessions.
"""

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from ...config import Config
from ...db.api import Database
from ...errors import BadRequest, Forbidden, NotFound, RedfedError, Unprocessable
from ...models import Actor, User
from ...store import actors as actor_store
from ...store.accounts import oauth as store
from ...store.accounts import users as user_store
from . import scopes as scope_rules
from . import sessions, two_factor

OOB = "urn:ietf:wg:oauth:2.0:oob"
CLI_APP_NAME = "redfed CLI"
CODE_LIFETIME_MS = 10 * 60 * 1000
MAX_APP_NAME = 60
MAX_URI = 2000
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI "
    "used in the authorization request, or was issued to another client."
)
# Mastodon answers an account with two-factor sign-in invalid_grant too, without saying why.
TWO_FACTOR_REQUIRED = (
    "This account has two-factor sign-in on, which the password grant cannot ask for: "
    "sign in through the browser (the authorization code flow) instead."
)
INVALID_SCOPE = "The requested scope is invalid, unknown, or malformed."
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)
# RFC 7636 §4.1: 43-128 unreserved characters (a base64url S256 challenge is exactly 43).
_PKCE_VALUE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


class OAuthError(RedfedError):
    """An RFC 6749 error: `error` is the code ("invalid_grant"), `message` its description."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.status = error, status


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
        if user is not None and user.pending and user.disabled_at is None:
            # Mastodon's answer to a token made at sign-up, before an admin approved the account.
            raise Forbidden("Your login is currently pending approval")
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


# --- apps ------------------------------------------------------------------------------------


def parse_redirect_uris(value) -> list[str]:
    """Redirect URIs from a newline-separated string or a list: each absolute, without a fragment,
    or the out-of-band URN. Raises Unprocessable with Mastodon's words."""
    items = value if isinstance(value, list) else str(value or "").splitlines()
    uris = [str(item).strip() for item in items if str(item).strip()]
    if not uris:
        raise Unprocessable("Validation failed: Redirect URI can't be blank")
    if len(uris) > 20:
        raise Unprocessable("Validation failed: Redirect URI has too many entries (at most 20)")
    for uri in uris:
        if uri == OOB:
            continue
        scheme = _scheme(uri)
        if len(uri) > MAX_URI or not scheme or uri.endswith(":"):
            raise Unprocessable("Validation failed: Redirect URI must be an absolute URI.")
        if "#" in uri:
            raise Unprocessable("Validation failed: Redirect URI cannot contain a fragment.")
        if scheme in ("javascript", "data", "vbscript", "file"):
            raise Unprocessable("Validation failed: Redirect URI is not allowed.")
    return list(dict.fromkeys(uris))


def _scheme(uri: str) -> str:
    try:
        return urlsplit(uri).scheme.lower()
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""


async def create_app(
    db: Database, name: str | None, redirect_uris, scopes: str | None, website: str | None, now: int
) -> store.OAuthApp:
    """POST /api/v1/apps: validate as Mastodon does, then register."""
    name = (name or "").strip()
    if not name:
        raise Unprocessable("Validation failed: Application name can't be blank")
    if len(name) > MAX_APP_NAME:
        raise Unprocessable(f"Validation failed: Application name is too long (maximum is {MAX_APP_NAME} characters)")
    if name.lower() == CLI_APP_NAME.lower():
        raise Unprocessable("Validation failed: Application name is reserved")
    uris = parse_redirect_uris(redirect_uris)
    if unknown := scope_rules.unknown(scopes):
        raise Unprocessable(f"Validation failed: Scopes contains unknown scopes: {', '.join(unknown)}")
    names = " ".join(dict.fromkeys((scopes or scope_rules.DEFAULT).replace("+", " ").replace(",", " ").split()))
    website = (website or "").strip() or None
    if website and (len(website) > MAX_URI or _scheme(website) not in ("http", "https")):
        raise Unprocessable("Validation failed: Application website is not a valid URL")
    return await register_app(db, name, uris, names or scope_rules.DEFAULT, website, now)


async def app_of(db: Database, caller: Caller) -> store.OAuthApp | None:
    return await store.get_app(db.reader, caller.app_id) if caller.app_id is not None else None


async def authenticate_client(db: Database, client_id: str | None, client_secret: str | None) -> store.OAuthApp:
    app = await store.find_app_by_client_id(db.reader, client_id) if client_id else None
    if app is None or not client_secret or not hmac.compare_digest(app.client_secret.encode(), client_secret.encode()):
        raise OAuthError("invalid_client", INVALID_CLIENT, 401)
    return app


def _checked_scopes(requested: str | None, allowed: str) -> frozenset[str] | None:
    """The requested scopes (default `read`) if all are known and within `allowed`, else None."""
    if scope_rules.unknown(requested):
        return None
    wanted = scope_rules.parse(requested)
    return wanted if scope_rules.within(wanted, frozenset(allowed.split())) else None


# --- the authorization code grant ------------------------------------------------------------


@dataclass(frozen=True)
class AuthRequest:
    app: store.OAuthApp
    redirect_uri: str
    scopes: frozenset[str]
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None


async def check_authorization(
    db: Database, client_id: str | None, redirect_uri: str | None, response_type: str | None, scope: str | None,
    state: str | None, code_challenge: str | None, code_challenge_method: str | None,
) -> AuthRequest:
    """Validate an /oauth/authorize request; BadRequest (shown as a page, never redirected) if not."""
    app = await store.find_app_by_client_id(db.reader, client_id) if client_id else None
    if app is None:
        raise BadRequest("Client authentication failed due to unknown client.")
    if not redirect_uri and len(app.redirect_uris) == 1:
        redirect_uri = app.redirect_uris[0]
    if redirect_uri not in app.redirect_uris:
        raise BadRequest("The redirect URI included is not valid for this application.")
    if response_type != "code":
        raise BadRequest("The authorization server does not support this response type.")
    granted = _checked_scopes(scope, app.scopes)
    if granted is None:
        raise BadRequest(INVALID_SCOPE)
    if code_challenge or code_challenge_method:
        if code_challenge_method != "S256":
            raise BadRequest("Only the S256 code challenge method is supported.")
        if not _PKCE_VALUE.fullmatch(code_challenge or ""):
            raise BadRequest("The code challenge is malformed.")
    return AuthRequest(app, redirect_uri, granted, state or None, code_challenge or None, code_challenge_method or None)


async def grant_code(db: Database, request: AuthRequest, user: User, now: int) -> str:
    """A single-use code for `user`'s consent to `request`, valid for ten minutes."""
    code = new_secret()
    async with db.transaction() as conn:
        await store.delete_expired_codes(conn, now)
        await store.insert_code(
            conn, hash_secret(code), request.app.id, user.id, request.redirect_uri, " ".join(sorted(request.scopes)),
            request.code_challenge, request.code_challenge_method, now + CODE_LIFETIME_MS,
        )
    return code


@dataclass(frozen=True)
class Grant:
    access_token: str
    refresh_token: str | None
    scopes: str
    created_at: int  # ms


async def _insert_grant(conn, app_id: int | None, user_id: int | None, scopes: str, now: int, refresh: bool = True) -> Grant:
    token, refresh_token = new_secret(), (new_secret() if refresh else None)
    await store.insert_token(conn, hash_secret(token), refresh_token and hash_secret(refresh_token), app_id, user_id, scopes, now)
    return Grant(token, refresh_token, scopes, now)


def _verifier_fails(code: store.AuthCode, verifier: str | None) -> bool:
    if code.code_challenge is None:
        return bool(verifier)  # a verifier for a code issued without a challenge is a downgrade attempt
    if not verifier or not _PKCE_VALUE.fullmatch(verifier):
        return True
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return not hmac.compare_digest(digest, code.code_challenge)


async def exchange_code(
    db: Database, app: store.OAuthApp, code: str | None, redirect_uri: str | None, verifier: str | None, now: int
) -> Grant:
    """Trade a code for tokens, once. A replayed code also revokes what the first use obtained
    (RFC 6749 §4.1.2); a failed attempt burns the code."""
    if not code:
        raise OAuthError("invalid_request", "The code parameter is missing.")
    if redirect_uri is None and len(app.redirect_uris) == 1:
        redirect_uri = app.redirect_uris[0]  # optional when the request could leave it out (RFC 6749 §4.1.3)
    code_hash, grant = hash_secret(code), None
    async with db.transaction() as conn:
        found = await store.consume_code(conn, code_hash, now)
        if found is None:
            previous = await store.find_code(conn, code_hash)
            if previous is not None and previous.used_at is not None:
                await store.revoke_tokens_since(conn, previous.app_id, previous.user_id, previous.used_at, now)
        elif found.app_id != app.id or found.redirect_uri != redirect_uri or _verifier_fails(found, verifier):
            await store.delete_code(conn, code_hash)
        else:
            user = await user_store.get_user(conn, found.user_id)
            if user is not None and not user.is_disabled:
                grant = await _insert_grant(conn, app.id, user.id, found.scopes, now)
    if grant is None:
        raise OAuthError("invalid_grant", INVALID_GRANT)
    return grant


# --- the other grants, revocation, the CLI ---------------------------------------------------


async def client_credentials(db: Database, app: store.OAuthApp, scope: str | None, now: int) -> Grant:
    granted = _checked_scopes(scope, app.scopes)
    if granted is None:
        raise OAuthError("invalid_scope", INVALID_SCOPE)
    async with db.transaction() as conn:
        return await _insert_grant(conn, app.id, None, " ".join(sorted(granted)), now, refresh=False)


async def password_grant(
    db: Database, config: Config, app: store.OAuthApp, login: str | None, password: str | None, scope: str | None,
    now: int,
) -> Grant:
    """The resource owner password grant (Mastodon < 4.4), when `api.password_grant` allows it."""
    if not config.api.password_grant:
        raise OAuthError("unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
    granted = _checked_scopes(scope, app.scopes)
    if granted is None:
        raise OAuthError("invalid_scope", INVALID_SCOPE)
    user = await sessions.check_login(db, login or "", password or "") if login and password else None
    if user is None:
        raise OAuthError("invalid_grant", INVALID_GRANT)
    # The grant has no second step: an account that has one signs in through /oauth/authorize.
    if (await two_factor.methods(db, user)).any:
        raise OAuthError("invalid_grant", TWO_FACTOR_REQUIRED)
    async with db.transaction() as conn:
        return await _insert_grant(conn, app.id, user.id, " ".join(sorted(granted)), now)


async def refresh(db: Database, app: store.OAuthApp, refresh_token: str | None, scope: str | None, now: int) -> Grant:
    """A new token pair for a refresh token, with the same or fewer scopes; the old pair is revoked."""
    if not refresh_token:
        raise OAuthError("invalid_request", "The refresh_token parameter is missing.")
    async with db.transaction() as conn:  # an error below rolls the rotation back
        old = await store.revoke_refresh(conn, hash_secret(refresh_token), app.id, now)
        if old is None:
            raise OAuthError("invalid_grant", INVALID_GRANT)
        granted = frozenset(old.scopes.split()) if scope is None else _checked_scopes(scope, old.scopes)
        if granted is None:
            raise OAuthError("invalid_scope", INVALID_SCOPE)
        if old.user_id is not None:
            user = await user_store.get_user(conn, old.user_id)
            if user is None or user.is_disabled:
                raise OAuthError("invalid_grant", INVALID_GRANT)
        return await _insert_grant(conn, app.id, old.user_id, " ".join(sorted(granted)), now)


async def revoke(db: Database, client_id: str | None, client_secret: str | None, token: str | None, now: int) -> None:
    """RFC 7009: revoke an access or refresh token of the calling client; unknown tokens are fine."""
    try:
        app = await authenticate_client(db, client_id, client_secret)
    except OAuthError:
        raise OAuthError("unauthorized_client", "You are not authorized to revoke this token", 403) from None
    found = await store.find_token_by_secret(db.reader, hash_secret(token)) if token else None
    if found is None:
        return
    if found.app_id != app.id:
        raise OAuthError("unauthorized_client", "You are not authorized to revoke this token", 403)
    async with db.transaction() as conn:
        await store.revoke_token(conn, found.id, now)


async def cli_token(db: Database, username: str, scopes: str, now: int) -> str:
    """A token for `username` from the operator's command line, under the reserved "redfed CLI" app."""
    if unknown := scope_rules.unknown(scopes):
        raise Unprocessable(f"unknown scopes: {', '.join(unknown)}")
    user = await user_store.find_user_by_username(db.reader, username)
    if user is None:
        raise NotFound(f"no local user named '{username}'")
    if user.is_disabled:
        raise Unprocessable(f"user '{username}' is disabled")
    app = await store.find_app_by_name(db.reader, CLI_APP_NAME)
    if app is None:
        everything = " ".join(sorted(scope_rules.TOP_LEVEL | scope_rules.ADMIN))
        app = await register_app(db, CLI_APP_NAME, [OOB], everything, None, now)
    granted = _checked_scopes(scopes, app.scopes)
    if granted is None:
        raise Unprocessable(f"the {CLI_APP_NAME} app may not grant '{scopes}'")
    async with db.transaction() as conn:
        return (await _insert_grant(conn, app.id, user.id, " ".join(sorted(granted)), now, refresh=False)).access_token
