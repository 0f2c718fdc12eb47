"""SQL for rate limits counted by every process together (layer 2): hits per (limit, key) in
slices of time. No business rules here: services.rate_limits decides what is too many."""

from ..db.api import Connection



async def add(conn: Connection, name: str, key: str, slice_start: int, hits: int) -> None:
    await conn.execute(
        "INSERT INTO rate_counts (name, key, slice_start, hits) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (name, key, slice_start) DO UPDATE SET hits = rate_counts.hits + excluded.hits",
        (name, key, slice_start, hits),
    )


async def total(conn: Connection, name: str, key: str, since: int) -> int:
    """The hits of slices that start after `since`."""
    async with conn.execute(
        "SELECT coalesce(sum(hits), 0) FROM rate_counts WHERE name = ? AND key = ? AND slice_start > ?",
        (name, key, since),
    ) as cursor:
        return (await cursor.fetchone())[0]


async def clear(conn: Connection, name: str, key: str) -> None:
    await conn.execute("DELETE FROM rate_counts WHERE name = ? AND key = ?", (name, key))


async def forget_before(conn: Connection, before: int) -> None:
    await conn.execute("DELETE FROM rate_counts WHERE slice_start < ?", (before,))
