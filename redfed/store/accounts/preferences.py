"""SQL for a local account's preferences (layer 2): the users.default_* columns (posting defaults)
and users.home_layout."""

from dataclasses import dataclass

from ...db.api import Connection



@dataclass(frozen=True)
class PostingDefaults:
    visibility: str
    sensitive: bool
    language: str | None


async def posting_defaults(conn: Connection, actor_id: int) -> PostingDefaults | None:
    async with conn.execute(
        "SELECT default_visibility, default_sensitive, default_language FROM users WHERE actor_id = ?", (actor_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return PostingDefaults(row[0], bool(row[1]), row[2]) if row else None


async def set_posting_defaults(
    conn: Connection, actor_id: int, visibility: str | None, sensitive: bool | None, language: str | None
) -> None:
    await conn.execute(
        "UPDATE users SET default_visibility = coalesce(?, default_visibility), "
        "default_sensitive = coalesce(?, default_sensitive), default_language = coalesce(?, default_language) "
        "WHERE actor_id = ?",
        (visibility, None if sensitive is None else int(sensitive), language, actor_id),
    )


async def clear_default_language(conn: Connection, actor_id: int) -> None:
    await conn.execute("UPDATE users SET default_language = NULL WHERE actor_id = ?", (actor_id,))


async def home_layout(conn: Connection, actor_id: int) -> str | None:
    async with conn.execute("SELECT home_layout FROM users WHERE actor_id = ?", (actor_id,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def set_home_layout(conn: Connection, actor_id: int, layout: str) -> None:
    await conn.execute("UPDATE users SET home_layout = ? WHERE actor_id = ?", (layout, actor_id))
