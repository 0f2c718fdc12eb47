"""SQL for a local user's own settings (layer 2): the interface language and the password hash. No business rules here."""

from ...db.api import Connection



async def set_locale(conn: Connection, user_id: int, locale: str) -> None:
    await conn.execute("UPDATE users SET locale = ? WHERE id = ?", (locale, user_id))


async def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    await conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
