"""SQL for accounts awaiting approval and for password reset tokens (layer 2)."""

from dataclasses import dataclass

from ...db.api import Connection



@dataclass(frozen=True)
class PendingSignUp:
    user_id: int
    actor_id: int
    username: str
    email: str
    reason: str
    created_at: int


async def insert_request(conn: Connection, user_id: int, reason: str, invite_id: int | None, now: int) -> None:
    await conn.execute(
        "INSERT INTO sign_up_requests (user_id, reason, invite_id, created_at) VALUES (?, ?, ?, ?)",
        (user_id, reason, invite_id, now),
    )


async def set_pending(conn: Connection, user_id: int, pending: bool) -> None:
    await conn.execute("UPDATE users SET pending = ? WHERE id = ?", (int(pending), user_id))


_PENDING = (
    "SELECT users.id, users.actor_id, actors.username, users.email, coalesce(r.reason, ''), users.created_at "
    "FROM users JOIN actors ON actors.id = users.actor_id LEFT JOIN sign_up_requests r ON r.user_id = users.id "
    "WHERE users.pending = 1"
)


async def list_pending(conn: Connection) -> list[PendingSignUp]:
    async with conn.execute(f"{_PENDING} ORDER BY users.id") as cursor:
        return [PendingSignUp(*row) for row in await cursor.fetchall()]


async def find_pending(conn: Connection, user_id: int) -> PendingSignUp | None:
    async with conn.execute(f"{_PENDING} AND users.id = ?", (user_id,)) as cursor:
        row = await cursor.fetchone()
    return PendingSignUp(*row) if row else None


async def actor_pending(conn: Connection, actor_id: int) -> bool:
    async with conn.execute("SELECT 1 FROM users WHERE actor_id = ? AND pending = 1", (actor_id,)) as cursor:
        return await cursor.fetchone() is not None


async def delete_request(conn: Connection, user_id: int) -> None:
    await conn.execute("DELETE FROM sign_up_requests WHERE user_id = ?", (user_id,))


async def delete_actor(conn: Connection, actor_id: int) -> None:
    """Remove a rejected account: its actor row, and with it (ON DELETE CASCADE) its user, keys
    and sign-up request."""
    await conn.execute("DELETE FROM actors WHERE id = ? AND is_local = 1", (actor_id,))


async def admin_actor_ids(conn: Connection) -> list[int]:
    async with conn.execute(
        "SELECT actor_id FROM users WHERE is_admin = 1 AND disabled_at IS NULL AND pending = 0"
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


# --- password resets -------------------------------------------------------------------------


async def insert_reset(conn: Connection, token_hash: str, user_id: int, now: int, expires_at: int) -> None:
    await conn.execute(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (token_hash, user_id, now, expires_at),
    )


async def delete_dead_resets(conn: Connection, now: int) -> None:
    await conn.execute("DELETE FROM password_resets WHERE expires_at <= ?", (now,))


async def find_reset(conn: Connection, token_hash: str, now: int) -> int | None:
    """The user id of an unused, unexpired reset token."""
    async with conn.execute(
        "SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
        (token_hash, now),
    ) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def consume_reset(conn: Connection, token_hash: str, now: int) -> int | None:
    """Mark a live token used, once; its user id, or None when it is unknown, used or expired."""
    async with conn.execute(
        "UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? "
        "RETURNING user_id",
        (now, token_hash, now),
    ) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def set_password(conn: Connection, user_id: int, password_hash: str) -> None:
    await conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))


async def end_logins(conn: Connection, user_id: int, now: int) -> None:
    """Sign the user out everywhere: their browser sessions, API tokens and unused reset links."""
    await conn.execute("DELETE FROM web_sessions WHERE user_id = ?", (user_id,))
    await conn.execute("UPDATE oauth_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", (now, user_id))
    await conn.execute("DELETE FROM oauth_codes WHERE user_id = ?", (user_id,))
    await conn.execute("UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", (now, user_id))
