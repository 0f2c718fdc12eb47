"""Recovery codes (layer 4): ten single-use codes made when two-factor sign-in is turned on, shown
once, and stored only as SHA-256 hashes. Each carries 80 random bits, which is what lets a fast
hash stand where a password needs a slow one."""

import base64
import hashlib
import secrets

from ....db.api import Connection
from ....store.accounts import two_factor as store

COUNT = 10
_LENGTH = 16  # base32 characters: 80 bits


def _normalise(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode()[:_LENGTH].lower()
    return "-".join(raw[i:i + 4] for i in range(0, _LENGTH, 4))


async def replace(conn: Connection, user_id: int) -> list[str]:
    """A new set of codes for the user, ending any earlier set; the codes in clear, to show once."""
    codes = [_new_code() for _ in range(COUNT)]
    await store.replace_recovery_codes(conn, user_id, [_hash(code) for code in codes])
    return codes


def looks_like_one(code: str) -> bool:
    return len(_normalise(code)) == _LENGTH


async def use(conn: Connection, user_id: int, code: str) -> bool:
    """True once per code: the code is gone after it signed someone in."""
    return looks_like_one(code) and await store.take_recovery_code(conn, user_id, _hash(code))
