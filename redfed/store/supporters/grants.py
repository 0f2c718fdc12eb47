"""SQL for who supports whom, and which posts are for supporters only (layer 2). No rules here.

A grant counts while `expires_at` is NULL or later than the `now` the caller passes, so that
expiry follows the instance's clock (a test's fake one too) rather than the database's.
"""

from dataclasses import dataclass

from ...db.api import Connection


@dataclass(frozen=True)
class Grant:
    creator_id: int
    supporter_id: int
    tier_id: int | None
    source: str  # manual, kofi or stripe
    expires_at: int | None
    created_at: int


# A grant in force, for SQL elsewhere: `:now` is the caller's clock.
CURRENT = "(supporter_grants.expires_at IS NULL OR supporter_grants.expires_at > :now)"

_SELECT = "SELECT creator_id, supporter_id, tier_id, source, expires_at, created_at FROM supporter_grants"


async def put_grant(conn: Connection, grant: Grant) -> None:
    """Grant, or replace the tier and expiry of an existing grant."""
    await conn.execute(
        "INSERT INTO supporter_grants (creator_id, supporter_id, tier_id, source, expires_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (creator_id, supporter_id) DO UPDATE SET "
        "tier_id = excluded.tier_id, source = excluded.source, expires_at = excluded.expires_at",
        (grant.creator_id, grant.supporter_id, grant.tier_id, grant.source, grant.expires_at, grant.created_at),
    )


async def delete_grant(conn: Connection, creator_id: int, supporter_id: int) -> bool:
    cursor = await conn.execute(
        "DELETE FROM supporter_grants WHERE creator_id = ? AND supporter_id = ?", (creator_id, supporter_id)
    )
    return cursor.rowcount > 0


async def get_grant(conn: Connection, creator_id: int, supporter_id: int) -> Grant | None:
    async with conn.execute(f"{_SELECT} WHERE creator_id = ? AND supporter_id = ?", (creator_id, supporter_id)) as cursor:
        row = await cursor.fetchone()
    return Grant(*row) if row else None


async def list_grants(conn: Connection, creator_id: int) -> list[Grant]:
    async with conn.execute(f"{_SELECT} WHERE creator_id = ? ORDER BY created_at, supporter_id", (creator_id,)) as cursor:
        return [Grant(*row) for row in await cursor.fetchall()]


async def is_supporter(conn: Connection, creator_id: int, supporter_id: int, now: int) -> bool:
    sql = f"SELECT 1 FROM supporter_grants WHERE creator_id = :creator AND supporter_id = :supporter AND {CURRENT}"
    async with conn.execute(sql, {"creator": creator_id, "supporter": supporter_id, "now": now}) as cursor:
        return await cursor.fetchone() is not None


async def list_supporter_ids(conn: Connection, creator_id: int, now: int) -> list[int]:
    sql = f"SELECT supporter_id FROM supporter_grants WHERE creator_id = :creator AND {CURRENT} ORDER BY supporter_id"
    async with conn.execute(sql, {"creator": creator_id, "now": now}) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def mark_post(conn: Connection, post_id: int, creator_id: int) -> None:
    await conn.execute("INSERT INTO supporter_posts (post_id, creator_id) VALUES (?, ?)", (post_id, creator_id))


async def is_supporters_post(conn: Connection, post_id: int) -> bool:
    async with conn.execute("SELECT 1 FROM supporter_posts WHERE post_id = ?", (post_id,)) as cursor:
        return await cursor.fetchone() is not None


async def supporters_posts_among(conn: Connection, post_ids: list[int]) -> set[int]:
    if not post_ids:
        return set()
    marks = ", ".join("?" for _ in post_ids)
    async with conn.execute(f"SELECT post_id FROM supporter_posts WHERE post_id IN ({marks})", post_ids) as cursor:
        return {row[0] for row in await cursor.fetchall()}
