"""SQL for signed-in browser sessions (layer 2). Sessions are found by the SHA-256 hash of the
cookie value; the cookie value itself is never stored."""

from dataclasses import dataclass

from ...db.api import Connection



@dataclass(frozen=True)
class WebSession:
    user_id: int
    csrf_token: str
    created_at: int
    expires_at: int
    last_seen_at: int = 0


@dataclass(frozen=True)
class SessionListing:
    """One of a user's sessions as the settings page lists it."""
    id: int  # the row id: safe to show, unlike the cookie's hash
    id_hash: str
    user_agent: str
    created_at: int
    last_seen_at: int


async def insert_session(
    conn: Connection, id_hash: str, user_id: int, csrf_token: str, user_agent: str | None,
    now: int, expires_at: int,
) -> WebSession:
    await conn.execute(
        "INSERT INTO web_sessions (id_hash, user_id, csrf_token, user_agent, created_at, last_seen_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (id_hash, user_id, csrf_token, user_agent, now, now, expires_at),
    )
    return WebSession(user_id, csrf_token, now, expires_at, now)


async def find_session(conn: Connection, id_hash: str, now: int) -> WebSession | None:
    async with conn.execute(
        "SELECT user_id, csrf_token, created_at, expires_at, last_seen_at FROM web_sessions WHERE id_hash = ? AND expires_at > ?",
        (id_hash, now),
    ) as cursor:
        row = await cursor.fetchone()
    return WebSession(*row) if row else None


async def delete_session(conn: Connection, id_hash: str) -> None:
    await conn.execute("DELETE FROM web_sessions WHERE id_hash = ?", (id_hash,))


async def delete_expired(conn: Connection, now: int) -> None:
    await conn.execute("DELETE FROM web_sessions WHERE expires_at <= ?", (now,))


async def touch(conn: Connection, id_hash: str, now: int) -> None:
    await conn.execute("UPDATE web_sessions SET last_seen_at = ? WHERE id_hash = ?", (now, id_hash))


async def sessions_of(conn: Connection, user_id: int, now: int) -> list[SessionListing]:
    """A user's live sessions, most recently seen first."""
    async with conn.execute(
        "SELECT rowid, id_hash, coalesce(user_agent, ''), created_at, last_seen_at FROM web_sessions "
        "WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC, rowid DESC",
        (user_id, now),
    ) as cursor:
        return [SessionListing(*row) for row in await cursor.fetchall()]


async def delete_session_of(conn: Connection, user_id: int, session_id: int) -> bool:
    """Delete one of `user_id`'s sessions by its row id; False if it is not theirs (or gone)."""
    cursor = await conn.execute("DELETE FROM web_sessions WHERE rowid = ? AND user_id = ?", (session_id, user_id))
    return cursor.rowcount > 0


async def delete_other_sessions(conn: Connection, user_id: int, keep_hash: str) -> int:
    cursor = await conn.execute("DELETE FROM web_sessions WHERE user_id = ? AND id_hash != ?", (user_id, keep_hash))
    return cursor.rowcount
