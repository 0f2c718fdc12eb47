"""SQL for two-factor sign-in (layer 2): a user's TOTP secret (sealed by the service), recovery
code hashes, WebAuthn credentials and the challenges handed to browsers. No business rules here."""

import json
from dataclasses import dataclass

from ...db.api import Connection


@dataclass(frozen=True)
class Totp:
    sealed_secret: str
    confirmed_at: int | None
    last_step: int


@dataclass(frozen=True)
class Credential:
    credential_id: str
    user_id: int
    public_key: str
    sign_count: int
    name: str
    transports: list[str]
    created_at: int
    last_used_at: int | None


# --- TOTP --------------------------------------------------------------------------------------

async def totp_of(conn: Connection, user_id: int) -> Totp | None:
    async with conn.execute(
        "SELECT sealed_secret, confirmed_at, last_step FROM user_totp WHERE user_id = ?", (user_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return Totp(*row) if row else None


async def put_unconfirmed_totp(conn: Connection, user_id: int, sealed_secret: str, now: int) -> None:
    """A new secret being set up; replaces an earlier unconfirmed one, never a confirmed one."""
    await conn.execute(
        "INSERT INTO user_totp (user_id, sealed_secret, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret, "
        "created_at = excluded.created_at WHERE user_totp.confirmed_at IS NULL",
        (user_id, sealed_secret, now),
    )


async def use_step(conn: Connection, user_id: int, step: int, now: int) -> bool:
    """Record `step` as used, and confirm the secret if it was not yet; False when that step (or
    a later one) was used already, which is what makes a code good once."""
    cursor = await conn.execute(
        "UPDATE user_totp SET last_step = ?, confirmed_at = coalesce(confirmed_at, ?) "
        "WHERE user_id = ? AND last_step < ?",
        (step, now, user_id, step),
    )
    return cursor.rowcount > 0


async def delete_totp(conn: Connection, user_id: int) -> None:
    await conn.execute("DELETE FROM user_totp WHERE user_id = ?", (user_id,))


# --- recovery codes ----------------------------------------------------------------------------

async def replace_recovery_codes(conn: Connection, user_id: int, code_hashes: list[str]) -> None:
    await conn.execute("DELETE FROM recovery_codes WHERE user_id = ?", (user_id,))
    await conn.executemany(
        "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)", [(user_id, h) for h in code_hashes]
    )


async def take_recovery_code(conn: Connection, user_id: int, code_hash: str) -> bool:
    cursor = await conn.execute(
        "DELETE FROM recovery_codes WHERE user_id = ? AND code_hash = ?", (user_id, code_hash)
    )
    return cursor.rowcount > 0


async def recovery_codes_left(conn: Connection, user_id: int) -> int:
    async with conn.execute("SELECT count(*) FROM recovery_codes WHERE user_id = ?", (user_id,)) as cursor:
        return (await cursor.fetchone())[0]


async def delete_recovery_codes(conn: Connection, user_id: int) -> None:
    await conn.execute("DELETE FROM recovery_codes WHERE user_id = ?", (user_id,))


# --- WebAuthn credentials ----------------------------------------------------------------------

_CREDENTIAL = "credential_id, user_id, public_key, sign_count, name, transports, created_at, last_used_at"


def _credential(row) -> Credential:
    values = list(row)
    values[5] = json.loads(values[5])
    return Credential(*values)


async def insert_credential(
    conn: Connection, credential_id: str, user_id: int, public_key: str, sign_count: int, name: str,
    transports: list[str], now: int,
) -> bool:
    """False when a credential with this id is registered already (to anyone)."""
    cursor = await conn.execute(
        "INSERT INTO webauthn_credentials (credential_id, user_id, public_key, sign_count, name, transports, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (credential_id) DO NOTHING",
        (credential_id, user_id, public_key, sign_count, name, json.dumps(transports), now),
    )
    return cursor.rowcount > 0


async def credentials_of(conn: Connection, user_id: int) -> list[Credential]:
    async with conn.execute(
        f"SELECT {_CREDENTIAL} FROM webauthn_credentials WHERE user_id = ? ORDER BY created_at, credential_id",
        (user_id,),
    ) as cursor:
        return [_credential(row) for row in await cursor.fetchall()]


async def credential(conn: Connection, credential_id: str) -> Credential | None:
    async with conn.execute(
        f"SELECT {_CREDENTIAL} FROM webauthn_credentials WHERE credential_id = ?", (credential_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return _credential(row) if row else None


async def record_use(conn: Connection, credential_id: str, old_count: int, new_count: int, now: int) -> bool:
    """Store the authenticator's new signature count, unless another sign-in moved it meanwhile."""
    cursor = await conn.execute(
        "UPDATE webauthn_credentials SET sign_count = ?, last_used_at = ? WHERE credential_id = ? AND sign_count = ?",
        (new_count, now, credential_id, old_count),
    )
    return cursor.rowcount > 0


async def delete_credential(conn: Connection, user_id: int, credential_id: str) -> bool:
    cursor = await conn.execute(
        "DELETE FROM webauthn_credentials WHERE user_id = ? AND credential_id = ?", (user_id, credential_id)
    )
    return cursor.rowcount > 0


# --- WebAuthn challenges -----------------------------------------------------------------------

async def insert_challenge(
    conn: Connection, challenge: str, user_id: int | None, purpose: str, expires_at: int, now: int,
) -> None:
    await conn.execute("DELETE FROM webauthn_challenges WHERE expires_at <= ?", (now,))
    await conn.execute(
        "INSERT INTO webauthn_challenges (challenge, user_id, purpose, expires_at) VALUES (?, ?, ?, ?)",
        (challenge, user_id, purpose, expires_at),
    )


async def take_challenge(conn: Connection, challenge: str, purpose: str, now: int) -> tuple[int | None] | None:
    """Delete a live challenge for `purpose`: (the user it was made for,), or None when there is none."""
    async with conn.execute(
        "DELETE FROM webauthn_challenges WHERE challenge = ? AND purpose = ? AND expires_at > ? RETURNING user_id",
        (challenge, purpose, now),
    ) as cursor:
        row = await cursor.fetchone()
    return (row[0],) if row else None
