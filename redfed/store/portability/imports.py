"""SQL for import jobs, and the reads and writes an import needs that no other store has:
an account's current follows, blocks, mutes, bookmarks, lists and followed tags by name (layer 2).

`ImportJob` lives here rather than in models.py so this slice stays out of that shared file.
"""

import json
from dataclasses import dataclass, replace

from ...db.api import Connection, Row



@dataclass(frozen=True)
class ImportJob:
    id: int
    actor_id: int
    kind: str
    mode: str
    state: str  # queued, running, done, failed
    file_key: str | None
    total: int
    processed: int
    imported: int
    error: str | None
    created_at: int
    finished_at: int | None
    source_uri: str | None = None  # kind 'outbox': the old account whose posts are pulled
    report: tuple = ()  # ({"row": n, "value": "...", "error": "...", "detail": "..."}, ...), by row

    @property
    def progress(self) -> int:
        if self.state == "done":
            return 100
        return 100 * self.processed // self.total if self.total else 0


_COLUMNS = "id, actor_id, kind, mode, state, file_key, total, processed, imported, error, created_at, finished_at, source_uri"


async def _with_report(conn: Connection, row: Row) -> ImportJob:
    job = ImportJob(*row)
    sql = "SELECT row, value, error, detail FROM import_failures WHERE import_id = ? ORDER BY row"
    async with conn.execute(sql, (job.id,)) as cursor:
        failures = tuple({"row": r, "value": v, "error": e, "detail": d} for r, v, e, d in await cursor.fetchall())
    return replace(job, report=failures)


async def insert_job(conn: Connection, job_id: int, actor_id: int, kind: str, mode: str, rows: list,
                     file_key: str | None, total: int, now: int, source_uri: str | None = None,
                     lease: int | None = None) -> None:
    """A queued job; `lease` when the inserting process runs it itself (job_leases)."""
    await conn.execute(
        "INSERT INTO imports (id, actor_id, kind, mode, rows, file_key, total, created_at, source_uri, claimed_until) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (job_id, actor_id, kind, mode, json.dumps(rows, ensure_ascii=False), file_key, total, now, source_uri, lease),
    )


async def get_job(conn: Connection, job_id: int) -> ImportJob | None:
    async with conn.execute(f"SELECT {_COLUMNS} FROM imports WHERE id = ?", (job_id,)) as cursor:
        row = await cursor.fetchone()
    return await _with_report(conn, row) if row else None


async def job_rows(conn: Connection, job_id: int) -> list[dict]:
    """The parsed rows of a CSV job (read only by the job itself: they may be 20,000)."""
    async with conn.execute("SELECT rows FROM imports WHERE id = ?", (job_id,)) as cursor:
        row = await cursor.fetchone()
    return json.loads(row[0]) if row else []


async def jobs_of(conn: Connection, actor_id: int, limit: int = 20) -> list[ImportJob]:
    sql = f"SELECT {_COLUMNS} FROM imports WHERE actor_id = ? ORDER BY id DESC LIMIT ?"
    async with conn.execute(sql, (actor_id, limit)) as cursor:
        rows = await cursor.fetchall()
    return [await _with_report(conn, row) for row in rows]


async def file_keys(conn: Connection) -> list[str]:
    """The uploaded archives that jobs still name (a finished job forgets its file)."""
    async with conn.execute("SELECT file_key FROM imports WHERE file_key IS NOT NULL") as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def set_running(conn: Connection, job_id: int) -> None:
    await conn.execute("UPDATE imports SET state = 'running' WHERE id = ?", (job_id,))


async def set_progress(conn: Connection, job_id: int, total: int, processed: int, imported: int,
                       failures: list[dict]) -> None:
    """How far the job got, and the rows that failed since the last call."""
    await conn.execute(
        "UPDATE imports SET total = ?, processed = ?, imported = ? WHERE id = ?", (total, processed, imported, job_id)
    )
    await conn.executemany(
        "INSERT INTO import_failures (import_id, row, value, error, detail) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (import_id, row) DO UPDATE SET value = excluded.value, error = excluded.error, detail = excluded.detail",
        [(job_id, f["row"], f["value"], f["error"], f.get("detail", "")) for f in failures],
    )


async def set_finished(conn: Connection, job_id: int, state: str, error: str | None, now: int) -> None:
    """Done or failed; the rows and the uploaded file are no longer needed."""
    await conn.execute(
        "UPDATE imports SET state = ?, error = ?, rows = '[]', file_key = NULL, finished_at = ? WHERE id = ?",
        (state, error, now, job_id),
    )


# An account's current relationships, for overwrite mode --------------------------------------

_HANDLE = "actors.username || '@' || actors.domain"


async def _pairs(conn: Connection, sql: str, params: tuple) -> list[tuple]:
    async with conn.execute(sql, params) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def related_accounts(conn: Connection, kind: str, actor_id: int) -> list[tuple[int, str]]:
    """(account id, handle) the account follows (or asked to), blocks or mutes."""
    table, mine, other = {
        "following": ("follows", "follower_id", "followee_id"),
        "blocks": ("blocks", "actor_id", "target_id"),
        "mutes": ("mutes", "actor_id", "target_id"),
    }[kind]
    sql = f"SELECT actors.id, {_HANDLE} FROM {table} JOIN actors ON actors.id = {table}.{other} WHERE {table}.{mine} = ?"
    return await _pairs(conn, sql, (actor_id,))


async def bookmarked(conn: Connection, actor_id: int) -> list[tuple[int, str]]:
    """(post id, post uri) of the account's bookmarks."""
    sql = "SELECT posts.id, posts.uri FROM bookmarks JOIN posts ON posts.id = bookmarks.post_id WHERE bookmarks.actor_id = ?"
    return await _pairs(conn, sql, (actor_id,))


async def list_memberships(conn: Connection, owner_id: int) -> list[tuple[int, str, int | None, str | None]]:
    """(list id, title, member id, member handle) of the account's lists; a list without members
    comes once with None."""
    sql = (
        f"SELECT lists.id, lists.title, actors.id, {_HANDLE} FROM lists "
        "LEFT JOIN list_members ON list_members.list_id = lists.id LEFT JOIN actors ON actors.id = list_members.actor_id "
        "WHERE lists.owner_id = ? ORDER BY lists.id"
    )
    return await _pairs(conn, sql, (owner_id,))


async def followed_tags(conn: Connection, actor_id: int) -> list[str]:
    async with conn.execute("SELECT name FROM followed_tags WHERE actor_id = ?", (actor_id,)) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def follow_tag(conn: Connection, actor_id: int, name: str, now: int) -> bool:
    cursor = await conn.execute(
        "INSERT INTO followed_tags (actor_id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (actor_id, name, now)
    )
    return cursor.rowcount > 0


async def unfollow_tags(conn: Connection, actor_id: int, names: list[str]) -> None:
    await conn.executemany("DELETE FROM followed_tags WHERE actor_id = ? AND name = ?", [(actor_id, n) for n in names])


async def running_pull(conn: Connection, actor_id: int, source_uri: str) -> int | None:
    """The id of a queued or running pull of `source_uri`'s posts into `actor_id`, if any."""
    sql = "SELECT id FROM imports WHERE actor_id = ? AND kind = 'outbox' AND source_uri = ? AND state IN ('queued', 'running')"
    async with conn.execute(sql, (actor_id, source_uri)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None
