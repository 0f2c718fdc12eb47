"""Time-based one-time codes from an authenticator app (RFC 6238 through pyotp) (layer 4).

Setting up stores a new secret, sealed, that counts for nothing until a first code from the app
confirms it; confirming turns two-factor sign-in on and makes the recovery codes. A code is
accepted in its own 30-second step or the one either side (clocks drift), and only once: the
step of the last accepted code is stored, and a code of that step or an earlier one is refused.
"""

import hmac
from dataclasses import dataclass

import pyotp

from ....db.api import Database
from ....errors import Unprocessable
from ....models import User
from ....store.accounts import two_factor as store
from .. import passwords
from . import recovery_codes, sealing

STEP_SECONDS = 30
DRIFT_STEPS = 1
ALREADY_ON = "two-factor sign-in is on already"
NOT_SET_UP = "set up two-factor sign-in first"
WRONG_CODE = "that code is not right"
WRONG_PASSWORD = "current password is incorrect"


@dataclass(frozen=True)
class Setup:
    secret: str  # base32, for typing into an app by hand
    uri: str  # otpauth://, for a QR code


def _setup(secret: str, account_name: str, issuer: str) -> Setup:
    return Setup(secret, pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=issuer))


def _matching_step(secret: str, code: str, now_ms: int) -> int | None:
    """The step whose code `code` is, among the current one and its neighbours; None for none."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp, current = pyotp.TOTP(secret), now_ms // 1000 // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


async def is_on(db: Database, user: User) -> bool:
    found = await store.totp_of(db.reader, user.id)
    return found is not None and found.confirmed_at is not None


async def begin(db: Database, key: bytes, user: User, account_name: str, issuer: str, now: int) -> Setup:
    """A new secret for the user to add to an app, waiting for its first code."""
    if await is_on(db, user):
        raise Unprocessable(ALREADY_ON)
    secret = pyotp.random_base32()
    async with db.transaction() as conn:
        await store.put_unconfirmed_totp(conn, user.id, sealing.seal(key, secret), now)
    return _setup(secret, account_name, issuer)


async def pending_setup(db: Database, key: bytes, user: User, account_name: str, issuer: str) -> Setup | None:
    """The secret being set up, to show again when the page is reloaded; None when there is none."""
    found = await store.totp_of(db.reader, user.id)
    if found is None or found.confirmed_at is not None:
        return None
    secret = sealing.unseal(key, found.sealed_secret)
    return _setup(secret, account_name, issuer) if secret else None


async def confirm(db: Database, key: bytes, user: User, code: str, now: int) -> list[str]:
    """Turn two-factor sign-in on with a first code from the app; the new recovery codes."""
    found = await store.totp_of(db.reader, user.id)
    if found is None or found.confirmed_at is not None:
        raise Unprocessable(ALREADY_ON if found else NOT_SET_UP)
    secret = sealing.unseal(key, found.sealed_secret)
    step = _matching_step(secret, code, now) if secret else None
    async with db.transaction() as conn:
        if step is None or not await store.use_step(conn, user.id, step, now):
            raise Unprocessable(WRONG_CODE)
        return await recovery_codes.replace(conn, user.id)


async def check(db: Database, key: bytes, user: User, code: str, now: int) -> bool:
    """At sign-in: a code from the app not used before, or an unused recovery code (used up)."""
    found = await store.totp_of(db.reader, user.id)
    if found is None or found.confirmed_at is None:
        return False
    async with db.transaction() as conn:
        if recovery_codes.looks_like_one(code):
            return await recovery_codes.use(conn, user.id, code)
        secret = sealing.unseal(key, found.sealed_secret)
        step = _matching_step(secret, code, now) if secret else None
        return step is not None and await store.use_step(conn, user.id, step, now)


async def turn_off(db: Database, user: User, password: str) -> None:
    """End two-factor codes for the user (and their recovery codes); needs their password."""
    if not await passwords.verify_password(user.password_hash, password[: passwords.MAX_LENGTH]):
        raise Unprocessable(WRONG_PASSWORD)
    async with db.transaction() as conn:
        await store.delete_totp(conn, user.id)
        await store.delete_recovery_codes(conn, user.id)


async def recovery_codes_left(db: Database, user: User) -> int:
    return await store.recovery_codes_left(db.reader, user.id)

