"""SQL for the domains an account blocks for itself (layer 2). Not the instance's domain blocks."""

from ...db.api import Connection
from ..id_pages import IdRange, fetch_page


async def insert(conn: Connection, block_id: int, actor_id: int, domain: str, now: int) -> bool:
    """True when the block is new."""
    cursor = await conn.execute(
        "INSERT INTO account_domain_blocks (id, actor_id, domain, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (actor_id, domain) DO NOTHING", (block_id, actor_id, domain, now),
    )
    return cursor.rowcount > 0


async def delete(conn: Connection, actor_id: int, domain: str) -> bool:
    cursor = await conn.execute("DELETE FROM account_domain_blocks WHERE actor_id = ? AND domain = ?", (actor_id, domain))
    return cursor.rowcount > 0


async def page(conn: Connection, actor_id: int, window: IdRange) -> list[tuple[int, str]]:
    """(row id, domain), newest first, paged by row id."""
    return await fetch_page(
        conn, "SELECT account_domain_blocks.id, account_domain_blocks.domain FROM account_domain_blocks",
        "account_domain_blocks.actor_id = :owner", {"owner": actor_id}, window, "account_domain_blocks.id", tuple,
    )


async def domains(conn: Connection, actor_id: int) -> list[str]:
    async with conn.execute(
        "SELECT domain FROM account_domain_blocks WHERE actor_id = ? ORDER BY id DESC", (actor_id,)
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def blocked_among(conn: Connection, actor_id: int, target_ids: list[int]) -> set[int]:
    """Which of `target_ids` live on a domain `actor_id` blocks."""
    if not target_ids:
        return set()
    marks = ", ".join("?" for _ in target_ids)
    async with conn.execute(
        f"SELECT actors.id FROM actors JOIN account_domain_blocks AS b ON b.domain = actors.domain "
        f"WHERE b.actor_id = ? AND actors.id IN ({marks})", [actor_id, *target_ids],
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def follows_with_domain(conn: Connection, actor_id: int, domain: str) -> tuple[list[int], list[int]]:
    """(accounts on `domain` that `actor_id` follows or asked to, accounts on `domain` following
    or asking to follow `actor_id`)."""
    async def ids(sql: str) -> list[int]:
        async with conn.execute(sql, (actor_id, domain)) as cursor:
            return [row[0] for row in await cursor.fetchall()]

    following = await ids(
        "SELECT follows.followee_id FROM follows JOIN actors ON actors.id = follows.followee_id "
        "WHERE follows.follower_id = ? AND actors.domain = ?"
    )
    followers = await ids(
        "SELECT follows.follower_id FROM follows JOIN actors ON actors.id = follows.follower_id "
        "WHERE follows.followee_id = ? AND actors.domain = ?"
    )
    return following, followers


async def delete_notifications_from(conn: Connection, actor_id: int, domain: str) -> None:
    await conn.execute(
        "DELETE FROM notifications WHERE recipient_id = ? AND from_id IN (SELECT id FROM actors WHERE domain = ?)",
        (actor_id, domain),
    )
