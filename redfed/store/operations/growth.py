"""How big the instance is and how it grows (layer 2): users, posts, sign-ups waiting, storage."""

from dataclasses import dataclass

from ...db.api import Connection

WEEK_MS = 7 * 24 * 3600 * 1000
ACTIVE_MS = 30 * 24 * 3600 * 1000


@dataclass(frozen=True)
class Totals:
    users: int
    active_users: int  # signed in or posted in the last 30 days
    local_posts: int
    pending_sign_ups: int
    media_files: int
    media_bytes: int
    database_bytes: int | None


async def totals(conn: Connection, now: int) -> Totals:
    """Read at every scrape, so each figure comes from a small table or through an index: local
    posts by their authors (posts_actor), never by scanning every remote post."""
    async with conn.execute(
        "SELECT (SELECT count(*) FROM users), "
        "(SELECT count(*) FROM users WHERE last_active_at >= ?), "
        "(SELECT count(*) FROM posts WHERE actor_id IN (SELECT actor_id FROM users)), "
        "(SELECT count(*) FROM sign_up_requests), "
        "(SELECT count(*) FROM media), "
        "(SELECT coalesce(sum(size), 0) FROM media)",
        (now - ACTIVE_MS,),
    ) as cursor:
        row = [int(value) for value in await cursor.fetchone()]
    return Totals(*row, database_bytes=await database_bytes(conn))


async def remote_accounts(conn: Connection) -> int:
    """Every remote account known: a scan of the actors, for the dashboard, not for each scrape."""
    async with conn.execute("SELECT count(*) FROM actors WHERE is_local = 0") as cursor:
        return int((await cursor.fetchone())[0])


async def media_by_state(conn: Connection) -> dict[str, int]:
    async with conn.execute("SELECT state, count(*) FROM media GROUP BY state") as cursor:
        return {state: int(count) for state, count in await cursor.fetchall()}


async def database_bytes(conn: Connection) -> int | None:
    if conn.dialect == "postgresql":
        sql = "SELECT pg_database_size(current_database())"
    else:
        sql = "SELECT page_count * page_size FROM pragma_page_count() AS c, pragma_page_size() AS s"
    async with conn.execute(sql) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else None


async def weekly(conn: Connection, table: str, now: int, weeks: int) -> list[int]:
    """Rows of `table` ('users' or local 'posts') created in each of the last `weeks` weeks, oldest first."""
    # Local posts through their authors (the posts_actor index), not by scanning remote ones.
    where = {"users": "", "posts": " AND actor_id IN (SELECT actor_id FROM users)"}[table]
    start = now - weeks * WEEK_MS
    async with conn.execute(
        f"SELECT (created_at - ?) / ?, count(*) FROM {table} WHERE created_at >= ?{where} GROUP BY 1",
        (start, WEEK_MS, start),
    ) as cursor:
        counts = {int(week): int(count) for week, count in await cursor.fetchall()}
    return [counts.get(week, 0) for week in range(weeks)]
