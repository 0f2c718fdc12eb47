"""SQL for daily view counts (layer 2): one row per (kind, subject, day, source) in insight_views,
added to in batches. No business rules: services/insights decides what counts as a view."""

from collections.abc import Iterable

from ...db.api import Connection


async def add(conn: Connection, counts: Iterable[tuple[str, int, int, str, int]]) -> None:
    """Add each (kind, subject_id, day, source, views) to its row, making it when new."""
    await conn.executemany(
        "INSERT INTO insight_views (kind, subject_id, day, source, views) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (kind, subject_id, day, source) DO UPDATE SET views = insight_views.views + excluded.views",
        list(counts),
    )


async def by_day_and_source(conn: Connection, kind: str, subject_ids: list[int], since_day: int) -> list[tuple]:
    """(day, source, views) summed over `subject_ids`, from `since_day` on, by day."""
    if not subject_ids:
        return []
    marks = ", ".join("?" for _ in subject_ids)
    async with conn.execute(
        "SELECT day, source, sum(views) FROM insight_views "
        f"WHERE kind = ? AND day >= ? AND subject_id IN ({marks}) GROUP BY day, source ORDER BY day",
        (kind, since_day, *subject_ids),
    ) as cursor:
        return [(row[0], row[1], int(row[2])) for row in await cursor.fetchall()]


async def post_views_of_author(conn: Connection, actor_id: int, since_day: int) -> list[tuple]:
    """(day, source, views) summed over all of an author's posts, from `since_day` on."""
    async with conn.execute(
        "SELECT v.day, v.source, sum(v.views) FROM insight_views v JOIN posts p ON p.id = v.subject_id "
        "WHERE v.kind = 'post' AND p.actor_id = ? AND v.day >= ? GROUP BY v.day, v.source ORDER BY v.day",
        (actor_id, since_day),
    ) as cursor:
        return [(row[0], row[1], int(row[2])) for row in await cursor.fetchall()]


async def totals(conn: Connection, kind: str, subject_ids: list[int]) -> dict[int, int]:
    """All the views kept of each subject."""
    if not subject_ids:
        return {}
    marks = ", ".join("?" for _ in subject_ids)
    async with conn.execute(
        f"SELECT subject_id, sum(views) FROM insight_views WHERE kind = ? AND subject_id IN ({marks}) "
        "GROUP BY subject_id",
        (kind, *subject_ids),
    ) as cursor:
        return {row[0]: int(row[1]) for row in await cursor.fetchall()}


async def forget_before(conn: Connection, day: int) -> None:
    await conn.execute("DELETE FROM insight_views WHERE day < ?", (day,))
