"""SQL for a local user's own settings (layer 2): the interface language. No business rules here."""

import aiosqlite


async def set_locale(conn: aiosqlite.Connection, user_id: int, locale: str) -> None:
    await conn.execute("UPDATE users SET locale = ? WHERE id = ?", (locale, user_id))
