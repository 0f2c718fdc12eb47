"""Signed-in browser sessions, sign-in checks and login throttling (layer 4).

A session is a random 256-bit cookie value; only its SHA-256 hash is stored, beside the session's
CSRF token. Before a session exists (the sign-in form), CSRF protection is a signed double-submit
pair: a random nonce in a cookie and, in the form, a timestamped HMAC of that nonce under the
instance's secret key, which an attacker can neither read nor forge.
"""

import asyncio
import hashlib
import hmac
import logging
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ...db.api import Database
from ...errors import ServiceUnavailable
from ...models import User
from ...store import instance as instance_store
from ...store.accounts import sessions as store
from ...store.accounts import users as user_store
from .. import rate_limits
from . import passwords

log = logging.getLogger(__name__)

SECRET_KEY_NAME = "secret_key"
# The cookie that carries a session (HttpOnly, SameSite=Lax; Secure on https), for every face.
SESSION_COOKIE = "redfed_session"
SESSION_LIFETIME_MS = 30 * 24 * 3600 * 1000
# "Last seen" is kept to this precision, so that browsing costs a write only now and then.
LAST_SEEN_PRECISION_MS = 5 * 60 * 1000
LOGIN_CSRF_LIFETIME_MS = 3600 * 1000


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str
    expires_at: int
    id_hash: str = field(default="", repr=False)  # which stored session this is


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def create(db: Database, user: User, user_agent: str | None, now: int) -> tuple[str, Session]:
    """A new session for `user`: (cookie value, session). Expired sessions are swept on the way."""
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    async with db.transaction() as conn:
        await store.delete_expired(conn, now)
        row = await store.insert_session(
            conn, _hash(cookie), user.id, csrf, (user_agent or "")[:300], now, now + SESSION_LIFETIME_MS
        )
    return cookie, Session(user, row.csrf_token, row.expires_at, _hash(cookie))


async def lookup(db: Database, cookie: str | None, now: int) -> Session | None:
    """The live session behind a cookie value, or None (unknown, expired, or its user disabled)."""
    if not cookie or len(cookie) > 200:
        return None
    row = await store.find_session(db.reader, _hash(cookie), now)
    if row is None:
        return None
    user = await user_store.get_user(db.reader, row.user_id)
    if user is None or user.is_disabled:
        return None
    id_hash = _hash(cookie)
    if now - row.last_seen_at >= LAST_SEEN_PRECISION_MS:
        try:
            async with db.transaction() as conn:
                await store.touch(conn, id_hash, now)
        except ServiceUnavailable:
            pass  # "last seen" is a hint; a busy database must not fail the page for it
    return Session(user, row.csrf_token, row.expires_at, id_hash)


async def delete(db: Database, cookie: str) -> None:
    async with db.transaction() as conn:
        await store.delete_session(conn, _hash(cookie))


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode())


# --- sign-in ---------------------------------------------------------------------------------

_dummy_hash: str | None = None


async def check_login(db: Database, login: str, password: str) -> User | None:
    """The enabled user with this username (or email) and password, else None. An unknown name
    costs a password check too, so the answer's timing does not tell whether the user exists."""
    user = await password_matches(db, login, password)
    return None if user is None or user.is_disabled else user


async def password_matches(db: Database, login: str, password: str) -> User | None:
    """The user with this login and password, enabled or not: the sign-in page tells someone
    awaiting approval so once they have proved who they are."""
    global _dummy_hash
    login = login.strip()
    username = login
    if "@" in login:
        username = await user_store.username_for_email(db.reader, login) or ""
    user = await user_store.find_user_by_username(db.reader, username) if username else None
    if user is None:
        if _dummy_hash is None:
            _dummy_hash = await passwords.hash_password(secrets.token_urlsafe(16))
        await passwords.verify_password(_dummy_hash, password)
        return None
    if not await passwords.verify_password(user.password_hash, password):
        return None
    return user


class LoginThrottle:
    """At most `limit` failed sign-ins per (login, client address) in a sliding `window_ms`,
    counted in the database by every process of the instance (services.rate_limits): a guesser
    gains nothing by landing on another process."""

    def __init__(self, db: Database, limit: int = 5, window_ms: int = 5 * 60 * 1000, *, name: str = "login"):
        self.limit = limit
        self._window = rate_limits.Window(db, name, window_ms)

    async def blocked(self, login: str, address: str, now: int) -> bool:
        return await self._window.total(self._key(login, address), now) >= self.limit

    async def failed(self, login: str, address: str, now: int) -> None:
        await self._window.add(self._key(login, address), now)

    async def succeeded(self, login: str, address: str) -> None:
        await self._window.clear(self._key(login, address))

    @staticmethod
    def _key(login: str, address: str) -> str:
        return f"{login.strip().lower()[:320]} {address}"


# --- CSRF for the sign-in form, before any session exists ------------------------------------

_secret_keys: dict[Path, bytes] = {}
_secret_lock = threading.Lock()


def secret_key(path: Path) -> bytes:
    """The instance's secret key as read from its file, once per path (written by `redfed init`;
    created here, readable by the owner only, when an instance runs without one). Once
    `share_secret_key` ran, the key every process of the instance shares."""
    path = Path(path)
    with _secret_lock:
        if path not in _secret_keys:
            _secret_keys[path] = _read_key_file(path).encode()
    return _secret_keys[path]


def _read_key_file(path: Path) -> str:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise ValueError(f"secret key file {path} is too short")
    return key


async def share_secret_key(db: Database, path: Path) -> bytes:
    """At start: the key all processes of the instance use, which the first one to start stored
    in the database from its key file; kept for `load_secret_key`. A process on another machine
    thus needs no copy of the file, and forms one process signs, another accepts."""
    own = await asyncio.to_thread(_read_key_file, Path(path))
    async with db.transaction() as conn:
        shared = await instance_store.shared_secret(conn, SECRET_KEY_NAME, own)
    if shared != own:
        log.info("the secret key stored by the instance's first process is used, not %s", path)
    with _secret_lock:
        _secret_keys[Path(path)] = shared.encode()
    return _secret_keys[Path(path)]


async def load_secret_key(path: Path) -> bytes:
    if Path(path) in _secret_keys:
        return _secret_keys[Path(path)]
    return await asyncio.to_thread(secret_key, path)


def _sign(key: bytes, nonce: str, issued: int) -> str:
    return hmac.new(key, f"login-csrf|{nonce}|{issued}".encode(), hashlib.sha256).hexdigest()


def new_login_csrf(key: bytes, now: int) -> tuple[str, str]:
    """(cookie value, form token) for a sign-in form."""
    nonce = secrets.token_urlsafe(24)
    return nonce, login_csrf_token(key, nonce, now)


def login_csrf_token(key: bytes, nonce: str, now: int) -> str:
    """A fresh form token for a nonce the browser already holds (another tab's form stays valid)."""
    return f"{now}.{_sign(key, nonce, now)}"


def login_csrf_valid(key: bytes, cookie: str | None, token: str | None, now: int) -> bool:
    if not cookie or not token or len(token) > 200:
        return False
    issued, _, signature = token.partition(".")
    if not issued.isdigit() or not 0 <= now - int(issued) <= LOGIN_CSRF_LIFETIME_MS:
        return False
    return hmac.compare_digest(_sign(key, cookie, int(issued)), signature)
