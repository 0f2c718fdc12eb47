"""SQL for reports (layer 2): the queue moderators work through, the posts each report names and
the notes moderators leave on it. No business rules here."""

import json
from dataclasses import dataclass

from ...db.api import Connection


@dataclass(frozen=True)
class Report:
    id: int
    uri: str | None
    reporter_id: int  # a local account, or the remote actor whose Flag this was
    target_id: int
    category: str
    comment: str
    rule_ids: list[int]
    forwarded: bool
    assigned_to_id: int | None
    action_taken_by_id: int | None
    resolved_at: int | None
    created_at: int
    updated_at: int
    post_ids: list[int]


@dataclass(frozen=True)
class NewReport:
    reporter_id: int
    target_id: int
    category: str
    comment: str
    rule_ids: list[int]
    post_ids: list[int]
    forwarded: bool = False
    uri: str | None = None


@dataclass(frozen=True)
class Note:
    id: int
    report_id: int
    author_id: int | None
    author: str | None  # the moderator's username, while the account exists
    content: str
    created_at: int


_COLUMNS = (
    "id, uri, reporter_id, target_id, category, comment, rule_ids, forwarded, assigned_to_id, "
    "action_taken_by_id, resolved_at, created_at, updated_at"
)


async def insert_report(conn: Connection, new: NewReport, now: int) -> int | None:
    """The new report's id; None when a report with this Flag id is there already (a replay)."""
    async with conn.execute(
        "INSERT INTO reports (uri, reporter_id, target_id, category, comment, rule_ids, forwarded, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        (new.uri, new.reporter_id, new.target_id, new.category, new.comment, json.dumps(new.rule_ids),
         int(new.forwarded), now, now),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    await conn.executemany(
        "INSERT INTO report_posts (report_id, post_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(row[0], post_id) for post_id in new.post_ids],
    )
    return row[0]


async def set_uri(conn: Connection, report_id: int, uri: str) -> None:
    await conn.execute("UPDATE reports SET uri = ? WHERE id = ?", (uri, report_id))


async def get_report(conn: Connection, report_id: int) -> Report | None:
    found = await _reports(conn, "WHERE id = ?", (report_id,))
    return found[0] if found else None


async def list_reports(conn: Connection, resolved: bool | None, max_id: int | None, limit: int) -> list[Report]:
    """Newest first; `resolved` None for both open and resolved ones."""
    clauses = ["id < ?"]
    if resolved is not None:
        clauses.append("resolved_at IS NOT NULL" if resolved else "resolved_at IS NULL")
    return await _reports(conn, f"WHERE {' AND '.join(clauses)} ORDER BY id DESC LIMIT ?", (max_id or 2**62, limit))


async def set_assignee(conn: Connection, report_id: int, moderator_id: int | None, now: int) -> None:
    await conn.execute(
        "UPDATE reports SET assigned_to_id = ?, updated_at = ? WHERE id = ?", (moderator_id, now, report_id)
    )


async def set_resolved(conn: Connection, report_id: int, moderator_id: int | None, resolved_at: int | None, now: int) -> None:
    """Resolve (with who acted) or reopen (`resolved_at` and `moderator_id` None)."""
    await conn.execute(
        "UPDATE reports SET resolved_at = ?, action_taken_by_id = ?, updated_at = ? WHERE id = ?",
        (resolved_at, moderator_id, now, report_id),
    )


async def insert_note(conn: Connection, report_id: int, author_id: int, content: str, now: int) -> None:
    await conn.execute(
        "INSERT INTO report_notes (report_id, author_id, content, created_at) VALUES (?, ?, ?, ?)",
        (report_id, author_id, content, now),
    )


async def list_notes(conn: Connection, report_id: int) -> list[Note]:
    async with conn.execute(
        "SELECT n.id, n.report_id, n.author_id, a.username, n.content, n.created_at FROM report_notes AS n "
        "LEFT JOIN actors AS a ON a.id = n.author_id WHERE n.report_id = ? ORDER BY n.id",
        (report_id,),
    ) as cursor:
        return [Note(*row) for row in await cursor.fetchall()]


async def _reports(conn: Connection, where: str, params: tuple) -> list[Report]:
    async with conn.execute(f"SELECT {_COLUMNS} FROM reports {where}", params) as cursor:
        rows = await cursor.fetchall()
    posts = await _post_ids(conn, [row[0] for row in rows])
    return [
        Report(*row[:6], json.loads(row[6]), bool(row[7]), *row[8:], posts.get(row[0], []))
        for row in rows
    ]


async def _post_ids(conn: Connection, report_ids: list[int]) -> dict[int, list[int]]:
    if not report_ids:
        return {}
    marks = ", ".join("?" for _ in report_ids)
    found: dict[int, list[int]] = {}
    async with conn.execute(
        f"SELECT report_id, post_id FROM report_posts WHERE report_id IN ({marks}) ORDER BY post_id", report_ids
    ) as cursor:
        for report_id, post_id in await cursor.fetchall():
            found.setdefault(report_id, []).append(post_id)
    return found


async def for_notifications(conn: Connection, notification_ids: list[int]) -> dict[int, int]:
    """notification id → the report it tells of, for the admin.report ones among them."""
    if not notification_ids:
        return {}
    marks = ", ".join("?" for _ in notification_ids)
    async with conn.execute(
        f"SELECT id, report_id FROM notifications WHERE id IN ({marks}) AND report_id IS NOT NULL", notification_ids
    ) as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall()}
