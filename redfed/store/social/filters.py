"""SQL for content filters, their keywords and filtered statuses (layer 2). No business rules here."""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from ...db.api import Connection
from .. import dialects


@dataclass(frozen=True)
class FilterKeyword:
    id: int
    filter_id: int
    keyword: str
    whole_word: bool


@dataclass(frozen=True)
class FilterStatus:
    id: int
    filter_id: int
    post_id: int


@dataclass(frozen=True)
class Filter:
    id: int
    owner_id: int
    title: str
    context: tuple[str, ...]
    filter_action: str  # warn, hide or blur
    expires_at: int | None
    created_at: int
    keywords: tuple[FilterKeyword, ...] = ()
    statuses: tuple[FilterStatus, ...] = ()


def _select(conn) -> str:
    """One statement loads filters with their keywords and statuses, as JSON arrays."""
    keywords = dialects.json_rows(conn, "id, keyword, whole_word", "filter_keywords WHERE filter_id = f.id", "id")
    statuses = dialects.json_rows(conn, "id, post_id", "filter_statuses WHERE filter_id = f.id", "id")
    return (
        "SELECT f.id, f.owner_id, f.title, f.context, f.filter_action, f.expires_at, f.created_at, "
        f"{keywords}, {statuses} FROM filters AS f"
    )


def _filter(row) -> Filter:
    keywords = tuple(FilterKeyword(k[0], row[0], k[1], bool(k[2])) for k in json.loads(row[7]))
    statuses = tuple(FilterStatus(s[0], row[0], s[1]) for s in json.loads(row[8]))
    return Filter(row[0], row[1], row[2], tuple(json.loads(row[3])), row[4], row[5], row[6], keywords, statuses)


async def filters_of(
    conn: Connection, owner_id: int, *, filter_id: int | None = None, context: str | None = None,
    active_at: int | None = None,
) -> list[Filter]:
    """The owner's filters, oldest first; narrowed to one id, to one context, or to those not
    expired at `active_at`."""
    clauses, params = ["f.owner_id = :owner"], {"owner": owner_id}
    if filter_id is not None:
        clauses.append("f.id = :id")
        params["id"] = filter_id
    if context is not None:
        clauses.append(dialects.json_array_contains(conn, "f.context", ":context"))
        params["context"] = context
    if active_at is not None:
        clauses.append("(f.expires_at IS NULL OR f.expires_at > :now)")
        params["now"] = active_at
    async with conn.execute(f"{_select(conn)} WHERE {' AND '.join(clauses)} ORDER BY f.id", params) as cursor:
        return [_filter(row) for row in await cursor.fetchall()]


async def insert_filter(
    conn: Connection, owner_id: int, title: str, context: Iterable[str], action: str, expires_at: int | None, now: int
) -> int:
    async with conn.execute(
        "INSERT INTO filters (owner_id, title, context, filter_action, expires_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (owner_id, title, json.dumps(list(context)), action, expires_at, now),
    ) as cursor:
        return (await cursor.fetchone())[0]


async def update_filter(conn: Connection, found: Filter) -> None:
    await conn.execute(
        "UPDATE filters SET title = ?, context = ?, filter_action = ?, expires_at = ? WHERE id = ? AND owner_id = ?",
        (found.title, json.dumps(list(found.context)), found.filter_action, found.expires_at, found.id, found.owner_id),
    )


async def delete_filter(conn: Connection, owner_id: int, filter_id: int) -> bool:
    cursor = await conn.execute("DELETE FROM filters WHERE id = ? AND owner_id = ?", (filter_id, owner_id))
    return cursor.rowcount > 0


async def insert_keywords(conn: Connection, filter_id: int, keywords: Iterable[tuple[str, bool]]) -> None:
    await conn.executemany(
        "INSERT INTO filter_keywords (filter_id, keyword, whole_word) VALUES (?, ?, ?)",
        [(filter_id, keyword, int(whole_word)) for keyword, whole_word in keywords],
    )


async def insert_keyword(conn: Connection, filter_id: int, keyword: str, whole_word: bool) -> FilterKeyword:
    async with conn.execute(
        "INSERT INTO filter_keywords (filter_id, keyword, whole_word) VALUES (?, ?, ?) RETURNING id",
        (filter_id, keyword, int(whole_word)),
    ) as cursor:
        return FilterKeyword((await cursor.fetchone())[0], filter_id, keyword, whole_word)


async def update_keywords(conn: Connection, keywords: Iterable[FilterKeyword]) -> None:
    await conn.executemany(
        "UPDATE filter_keywords SET keyword = ?, whole_word = ? WHERE id = ? AND filter_id = ?",
        [(k.keyword, int(k.whole_word), k.id, k.filter_id) for k in keywords],
    )


async def delete_keywords(conn: Connection, filter_id: int, keyword_ids: Iterable[int]) -> None:
    await conn.executemany(
        "DELETE FROM filter_keywords WHERE id = ? AND filter_id = ?", [(keyword_id, filter_id) for keyword_id in keyword_ids]
    )


async def get_keyword(conn: Connection, owner_id: int, keyword_id: int) -> FilterKeyword | None:
    async with conn.execute(
        "SELECT k.id, k.filter_id, k.keyword, k.whole_word FROM filter_keywords AS k JOIN filters AS f ON f.id = k.filter_id "
        "WHERE k.id = ? AND f.owner_id = ?",
        (keyword_id, owner_id),
    ) as cursor:
        row = await cursor.fetchone()
    return FilterKeyword(row[0], row[1], row[2], bool(row[3])) if row else None


async def insert_status(conn: Connection, filter_id: int, post_id: int) -> FilterStatus | None:
    """None when the post is already in the filter."""
    async with conn.execute(
        "INSERT INTO filter_statuses (filter_id, post_id) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING id", (filter_id, post_id)
    ) as cursor:
        row = await cursor.fetchone()
    return FilterStatus(row[0], filter_id, post_id) if row else None


async def get_status(conn: Connection, owner_id: int, status_filter_id: int) -> FilterStatus | None:
    async with conn.execute(
        "SELECT s.id, s.filter_id, s.post_id FROM filter_statuses AS s JOIN filters AS f ON f.id = s.filter_id "
        "WHERE s.id = ? AND f.owner_id = ?",
        (status_filter_id, owner_id),
    ) as cursor:
        row = await cursor.fetchone()
    return FilterStatus(*row) if row else None


async def delete_status(conn: Connection, status_filter_id: int) -> None:
    await conn.execute("DELETE FROM filter_statuses WHERE id = ?", (status_filter_id,))


async def filters_of_owners(conn: Connection, owner_ids: list[int]) -> list[Filter]:
    """Every filter of these owners (expired ones too: a stream checks expiry as each event comes)."""
    found = []
    for start in range(0, len(owner_ids), 1_000):  # well under either database's limit on parameters
        chunk = owner_ids[start:start + 1_000]
        marks = ", ".join("?" for _ in chunk)
        async with conn.execute(f"{_select(conn)} WHERE f.owner_id IN ({marks}) ORDER BY f.id", chunk) as cursor:
            found += [_filter(row) for row in await cursor.fetchall()]
    return found
