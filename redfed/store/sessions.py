"""SQL for signed-in browser sessions (layer 2). Sessions are found by the SHA-256 hash of the
cookie value; the cookie value itself is never stored."""

from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True)
class WebSession:
    user_id: int
    csrf_token: str
    created_at: int
    expires_at: int


async def insert_session(
    conn: aiosqlite.Connection, id_hash: str, user_id: int, csrf_token: str, user_agent: str | None,
    now: int, expires_at: int,
) -> WebSession:
    await conn.execute(
        "INSERT INTO web_sessions (id_hash, user_id, csrf_token, user_agent, created_at, last_seen_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (id_hash, user_id, csrf_token, user_agent, now, now, expires_at),
    )
    return WebSession(user_id, csrf_token, now, expires_at)


async def find_session(conn: aiosqlite.Connection, id_hash: str, now: int) -> WebSession | None:
    async with conn.execute(
        "SELECT user_id, csrf_token, created_at, expires_at FROM web_sessions WHERE id_hash = ? AND expires_at > ?",
        (id_hash, now),
    ) as cursor:
        row = await cursor.fetchone()
    return WebSession(*row) if row else None


async def delete_session(conn: aiosqlite.Connection, id_hash: str) -> None:
    await conn.execute("DELETE FROM web_sessions WHERE id_hash = ?", (id_hash,))


async def delete_expired(conn: aiosqlite.Connection, now: int) -> None:
    await conn.execute("DELETE FROM web_sessions WHERE expires_at <= ?", (now,))
