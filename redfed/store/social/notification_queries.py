"""SQL for reading and dismissing notifications (layer 2). Rows are written by store/social/notifications.py.

Every read hides what the recipient should not see: notifications from accounts it blocks, from
accounts it mutes with `hide_notifications` (while the mute lasts) and from suspended accounts;
and, unless asked for, those its notification policy filtered.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from ...db.api import Connection, Row
from ..id_pages import Cursor, id_window

_COLUMNS = "n.id, n.recipient_id, n.type, n.from_id, n.post_id, n.group_key, n.created_at, n.deal_id"


@dataclass(frozen=True)
class NotificationRow:
    id: int
    recipient_id: int
    type: str
    from_id: int
    post_id: int | None
    group_key: str
    created_at: int
    deal_id: int | None = None  # redfed.offer and redfed.deal notifications name their deal


@dataclass(frozen=True)
class Selection:
    """Which notifications a request asks for: Mastodon's types[], exclude_types[] and account_id."""

    types: tuple[str, ...] = ()
    exclude_types: tuple[str, ...] = ()
    account_id: int | None = None
    include_filtered: bool = False  # those the notification policy kept aside


@dataclass(frozen=True)
class Grouping:
    """How rows form groups: `keyed` types by the row's group_key, `bucketed` types by type and a
    time bucket of `bucket_ms`; every other row is a group of its own, `ungrouped-<id>`."""

    keyed: tuple[str, ...]
    bucketed: tuple[str, ...]
    bucket_ms: int

    def key_of(self, row: NotificationRow) -> str:
        # The same expression as _group_expr, for rows already loaded.
        if row.type in self.keyed:
            return row.group_key
        if row.type in self.bucketed:
            return f"{row.type}-{row.created_at // self.bucket_ms}"
        return f"ungrouped-{row.id}"


@dataclass(frozen=True)
class GroupRef:
    """The rows of one group: one notification, or rows of `types` with a group_key, or rows of
    `types` created in [created_from, created_before)."""

    notification_id: int | None = None
    types: tuple[str, ...] = ()
    group_key: str | None = None
    created_from: int | None = None
    created_before: int | None = None


def _row(row: Row) -> NotificationRow:
    return NotificationRow(*row)


def _in(column: str, values: Iterable[str], prefix: str, params: dict) -> str:
    names = []
    for index, value in enumerate(values):
        params[f"{prefix}{index}"] = value
        names.append(f":{prefix}{index}")
    return f"{column} IN ({', '.join(names)})"


def _visible(recipient_id: int, selection: Selection, now: int) -> tuple[str, dict]:
    params: dict = {"recipient": recipient_id, "now": now}
    clauses = [
        "n.recipient_id = :recipient",
        "n.from_id NOT IN (SELECT target_id FROM blocks WHERE actor_id = :recipient)",
        "n.from_id NOT IN (SELECT target_id FROM mutes WHERE actor_id = :recipient AND hide_notifications = 1 "
        "AND (expires_at IS NULL OR expires_at > :now))",
        "n.from_id NOT IN (SELECT id FROM actors WHERE suspended_at IS NOT NULL)",
        "n.from_id NOT IN (SELECT actors.id FROM account_domain_blocks AS d JOIN actors ON actors.domain = d.domain "
        "WHERE d.actor_id = :recipient)",
    ]
    if selection.types:
        clauses.append(_in("n.type", selection.types, "type", params))
    if selection.exclude_types:
        clauses.append("NOT " + _in("n.type", selection.exclude_types, "exclude", params))
    if selection.account_id is not None:
        clauses.append("n.from_id = :account")
        params["account"] = selection.account_id
    if not selection.include_filtered:
        clauses.append("n.filtered = 0")
    return " AND ".join(clauses), params


def _group_expr(grouping: Grouping, params: dict) -> str:
    cases = []
    if grouping.keyed:
        cases.append(f"WHEN {_in('n.type', grouping.keyed, 'keyed', params)} THEN n.group_key")
    if grouping.bucketed:
        params["bucket_ms"] = grouping.bucket_ms
        cases.append(f"WHEN {_in('n.type', grouping.bucketed, 'bucketed', params)} "
                     "THEN n.type || '-' || (n.created_at / :bucket_ms)")
    return f"CASE {' '.join(cases)} ELSE 'ungrouped-' || n.id END"


async def _rows(conn: Connection, sql: str, params: dict) -> list[NotificationRow]:
    async with conn.execute(sql, params) as cursor:
        return [_row(row) for row in await cursor.fetchall()]


async def list_page(
    conn: Connection, recipient_id: int, selection: Selection, now: int, page: Cursor, limit: int
) -> list[NotificationRow]:
    """One page, newest first."""
    window = id_window("n.id", page)
    where, params = _visible(recipient_id, selection, now)
    sql = (f"SELECT {_COLUMNS} FROM notifications AS n WHERE {where} AND {window.condition} "
           f"ORDER BY n.id {window.order} LIMIT :limit")
    rows = await _rows(conn, sql, {**params, **window.params, "limit": limit})
    return rows[::-1] if window.upward else rows


async def get_visible(conn: Connection, recipient_id: int, notification_id: int, now: int) -> NotificationRow | None:
    where, params = _visible(recipient_id, Selection(), now)
    sql = f"SELECT {_COLUMNS} FROM notifications AS n WHERE {where} AND n.id = :id"
    rows = await _rows(conn, sql, {**params, "id": notification_id})
    return rows[0] if rows else None


async def count_newer(
    conn: Connection, recipient_id: int, selection: Selection, now: int, after_id: int, cap: int
) -> int:
    where, params = _visible(recipient_id, selection, now)
    sql = f"SELECT count(*) FROM (SELECT 1 FROM notifications AS n WHERE {where} AND n.id > :after LIMIT :cap) AS shown"
    async with conn.execute(sql, {**params, "after": after_id, "cap": cap}) as cursor:
        return (await cursor.fetchone())[0]


async def delete_all(conn: Connection, recipient_id: int) -> None:
    await conn.execute("DELETE FROM notifications WHERE recipient_id = ?", (recipient_id,))


async def delete_one(conn: Connection, recipient_id: int, notification_id: int) -> bool:
    cursor = await conn.execute("DELETE FROM notifications WHERE recipient_id = ? AND id = ?", (recipient_id, notification_id))
    return cursor.rowcount > 0


async def group_anchors(
    conn: Connection, recipient_id: int, selection: Selection, now: int, grouping: Grouping,
    page: Cursor, limit: int,
) -> list[int]:
    """The anchor id of each of the first `limit` groups in the window: scanning down, each group's
    newest id; scanning up (min_id), each group's oldest. In scan order."""
    window = id_window("n.id", page)
    where, params = _visible(recipient_id, selection, now)
    key = _group_expr(grouping, params)
    anchor = "min(n.id)" if window.upward else "max(n.id)"
    sql = (f"SELECT {anchor} AS anchor FROM notifications AS n WHERE {where} AND {window.condition} "
           f"GROUP BY {key} ORDER BY anchor {window.order} LIMIT :limit")
    async with conn.execute(sql, {**params, **window.params, "limit": limit}) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def rows_between(
    conn: Connection, recipient_id: int, selection: Selection, now: int, low: int, high: int
) -> list[NotificationRow]:
    """Visible rows with low <= id <= high, newest first."""
    where, params = _visible(recipient_id, selection, now)
    sql = f"SELECT {_COLUMNS} FROM notifications AS n WHERE {where} AND n.id BETWEEN :low AND :high ORDER BY n.id DESC"
    return await _rows(conn, sql, {**params, "low": low, "high": high})


async def count_newer_groups(
    conn: Connection, recipient_id: int, selection: Selection, now: int, grouping: Grouping, after_id: int, cap: int
) -> int:
    where, params = _visible(recipient_id, selection, now)
    key = _group_expr(grouping, params)
    sql = f"SELECT count(*) FROM (SELECT 1 FROM notifications AS n WHERE {where} AND n.id > :after GROUP BY {key} LIMIT :cap) AS groups"
    async with conn.execute(sql, {**params, "after": after_id, "cap": cap}) as cursor:
        return (await cursor.fetchone())[0]


def _group_where(ref: GroupRef, params: dict) -> str:
    clauses = []
    if ref.notification_id is not None:
        clauses.append("n.id = :group_id")
        params["group_id"] = ref.notification_id
    if ref.types:
        clauses.append(_in("n.type", ref.types, "group_type", params))
    if ref.group_key is not None:
        clauses.append("n.group_key = :group_key")
        params["group_key"] = ref.group_key
    if ref.created_from is not None:
        clauses.append("n.created_at >= :created_from")
        params["created_from"] = ref.created_from
    if ref.created_before is not None:
        clauses.append("n.created_at < :created_before")
        params["created_before"] = ref.created_before
    return " AND ".join(clauses) or "0"


async def group_rows(conn: Connection, recipient_id: int, ref: GroupRef, now: int) -> list[NotificationRow]:
    """The visible rows of one group, newest first."""
    where, params = _visible(recipient_id, Selection(), now)
    sql = f"SELECT {_COLUMNS} FROM notifications AS n WHERE {where} AND {_group_where(ref, params)} ORDER BY n.id DESC"
    return await _rows(conn, sql, params)


async def delete_group(conn: Connection, recipient_id: int, ref: GroupRef) -> int:
    params: dict = {"recipient": recipient_id}
    cursor = await conn.execute(
        f"DELETE FROM notifications AS n WHERE n.recipient_id = :recipient AND {_group_where(ref, params)}", params
    )
    return cursor.rowcount
