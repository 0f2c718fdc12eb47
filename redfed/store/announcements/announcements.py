"""SQL for announcements (layer 2). No business rules here."""

from dataclasses import dataclass

from ...db.api import Connection

_COLUMNS = "id, text, content, starts_at, ends_at, all_day, published_at, created_at, updated_at"


@dataclass(frozen=True)
class Announcement:
    id: int
    text: str
    content: str
    starts_at: int | None
    ends_at: int | None
    all_day: bool
    published_at: int
    created_at: int
    updated_at: int


@dataclass(frozen=True)
class Reaction:
    announcement_id: int
    name: str
    count: int
    me: bool


def _row_to_announcement(row) -> Announcement:
    return Announcement(*row[:5], bool(row[5]), *row[6:])


def _marks(values) -> str:
    return ", ".join("?" for _ in values)


async def insert(conn: Connection, a: Announcement) -> Announcement:
    async with conn.execute(
        "INSERT INTO announcements (text, content, starts_at, ends_at, all_day, published_at, created_at, updated_at) "
        f"VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
        (a.text, a.content, a.starts_at, a.ends_at, int(a.all_day), a.published_at, a.created_at, a.updated_at),
    ) as cursor:
        return _row_to_announcement(await cursor.fetchone())


async def delete(conn: Connection, announcement_id: int) -> bool:
    async with conn.execute("DELETE FROM announcements WHERE id = ? RETURNING id", (announcement_id,)) as cursor:
        return await cursor.fetchone() is not None


async def list_all(conn: Connection) -> list[Announcement]:
    async with conn.execute(f"SELECT {_COLUMNS} FROM announcements ORDER BY published_at DESC, id DESC") as cursor:
        return [_row_to_announcement(row) for row in await cursor.fetchall()]


async def list_shown(conn: Connection, now: int) -> list[Announcement]:
    """Published by `now` and not yet ended, newest first."""
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM announcements WHERE published_at <= ? AND (ends_at IS NULL OR ends_at > ?) "
        "ORDER BY published_at DESC, id DESC",
        (now, now),
    ) as cursor:
        return [_row_to_announcement(row) for row in await cursor.fetchall()]


async def dismissed(conn: Connection, actor_id: int, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    async with conn.execute(
        f"SELECT announcement_id FROM announcement_dismissals WHERE actor_id = ? AND announcement_id IN ({_marks(ids)})",
        [actor_id, *ids],
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def dismiss(conn: Connection, announcement_id: int, actor_id: int) -> None:
    await conn.execute(
        "INSERT INTO announcement_dismissals (announcement_id, actor_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (announcement_id, actor_id),
    )


async def add_reaction(conn: Connection, announcement_id: int, actor_id: int, name: str, now: int) -> None:
    await conn.execute(
        "INSERT INTO announcement_reactions (announcement_id, actor_id, name, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (announcement_id, actor_id, name, now),
    )


async def remove_reaction(conn: Connection, announcement_id: int, actor_id: int, name: str) -> None:
    await conn.execute(
        "DELETE FROM announcement_reactions WHERE announcement_id = ? AND actor_id = ? AND name = ?",
        (announcement_id, actor_id, name),
    )


async def reactions(conn: Connection, actor_id: int, ids: list[int]) -> dict[int, list[Reaction]]:
    """Each announcement's reactions, in the order they were first given, with the viewer's own."""
    if not ids:
        return {}
    found: dict[int, list[Reaction]] = {}
    async with conn.execute(
        "SELECT announcement_id, name, count(*), sum(CASE WHEN actor_id = ? THEN 1 ELSE 0 END), min(created_at) "
        f"FROM announcement_reactions WHERE announcement_id IN ({_marks(ids)}) GROUP BY announcement_id, name "
        "ORDER BY min(created_at), name",
        [actor_id, *ids],
    ) as cursor:
        for announcement_id, name, count, mine, _ in await cursor.fetchall():
            found.setdefault(announcement_id, []).append(Reaction(announcement_id, name, count, bool(mine)))
    return found
