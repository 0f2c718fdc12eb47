"""SQL for account exports (layer 2): the export jobs, and the reads that gather one account's data
for an archive or a CSV. No business rules here.

`ExportJob` lives here rather than in models.py only because this slice could not touch that file.
"""

from dataclasses import dataclass

from ...db.api import Connection, Row
from ...models import Listing, Post
from ..posts import SELECT_POSTS, row_to_post
from ..shop import listings as listing_store


@dataclass(frozen=True)
class ExportJob:
    id: int
    actor_id: int
    state: str  # queued, running, done, failed
    progress: int  # 0-100
    file_key: str | None
    size: int | None
    created_at: int
    finished_at: int | None
    expires_at: int | None
    error: str | None


_JOB_COLUMNS = "id, actor_id, state, progress, file_key, size, created_at, finished_at, expires_at, error"


def _job(row: Row) -> ExportJob:
    return ExportJob(*row)


async def insert_job(conn: Connection, job_id: int, actor_id: int, now: int, lease: int | None = None) -> ExportJob:
    """A queued job; `lease` when the inserting process runs it itself (job_leases)."""
    await conn.execute(
        "INSERT INTO exports (id, actor_id, created_at, claimed_until) VALUES (?, ?, ?, ?)", (job_id, actor_id, now, lease)
    )
    return ExportJob(job_id, actor_id, "queued", 0, None, None, now, None, None, None)


async def get_job(conn: Connection, job_id: int) -> ExportJob | None:
    async with conn.execute(f"SELECT {_JOB_COLUMNS} FROM exports WHERE id = ?", (job_id,)) as cursor:
        row = await cursor.fetchone()
    return _job(row) if row else None


async def jobs_of(conn: Connection, actor_id: int, limit: int = 5) -> list[ExportJob]:
    """An account's newest jobs first."""
    sql = f"SELECT {_JOB_COLUMNS} FROM exports WHERE actor_id = ? ORDER BY id DESC LIMIT ?"
    async with conn.execute(sql, (actor_id, limit)) as cursor:
        return [_job(row) for row in await cursor.fetchall()]


async def latest_unfailed_job(conn: Connection, actor_id: int) -> ExportJob | None:
    sql = f"SELECT {_JOB_COLUMNS} FROM exports WHERE actor_id = ? AND state != 'failed' ORDER BY id DESC LIMIT 1"
    async with conn.execute(sql, (actor_id,)) as cursor:
        row = await cursor.fetchone()
    return _job(row) if row else None


async def jobs_in_state(conn: Connection, states: tuple[str, ...]) -> list[ExportJob]:
    marks = ", ".join("?" for _ in states)
    sql = f"SELECT {_JOB_COLUMNS} FROM exports WHERE state IN ({marks}) ORDER BY id"
    async with conn.execute(sql, states) as cursor:
        return [_job(row) for row in await cursor.fetchall()]


async def set_running(conn: Connection, job_id: int) -> None:
    await conn.execute("UPDATE exports SET state = 'running', progress = 0, error = NULL WHERE id = ?", (job_id,))


async def set_progress(conn: Connection, job_id: int, progress: int) -> None:
    await conn.execute("UPDATE exports SET progress = ? WHERE id = ? AND state = 'running'", (progress, job_id))


async def set_done(conn: Connection, job_id: int, file_key: str, size: int, now: int, expires_at: int) -> None:
    await conn.execute(
        "UPDATE exports SET state = 'done', progress = 100, file_key = ?, size = ?, finished_at = ?, expires_at = ? "
        "WHERE id = ?", (file_key, size, now, expires_at, job_id),
    )


async def set_failed(conn: Connection, job_id: int, error: str, now: int) -> None:
    await conn.execute(
        "UPDATE exports SET state = 'failed', error = ?, finished_at = ? WHERE id = ?", (error, now, job_id)
    )


# What an archive and the CSVs read. Newest first where Mastodon's exports are (`reorder(id: :desc)`).

async def original_posts(conn: Connection, actor_id: int) -> list[Post]:
    """Every post the account wrote, of every visibility, oldest first; boosts are not posts."""
    sql = f"{SELECT_POSTS} WHERE posts.actor_id = ? AND posts.reblog_of_id IS NULL ORDER BY posts.id"
    async with conn.execute(sql, (actor_id,)) as cursor:
        return [row_to_post(row) for row in await cursor.fetchall()]


async def boosts(conn: Connection, actor_id: int) -> list[tuple[Post, str]]:
    """The account's boosts, oldest first, each with the URI of the post it boosts."""
    sql = f"{SELECT_POSTS} WHERE posts.actor_id = ? AND posts.reblog_of_id IS NOT NULL ORDER BY posts.id"
    async with conn.execute(sql, (actor_id,)) as cursor:
        reblogs = [row_to_post(row) for row in await cursor.fetchall()]
    boosted = dict(await _rows(conn, "SELECT id, uri FROM posts WHERE id IN "
                                     "(SELECT reblog_of_id FROM posts WHERE actor_id = ?)", (actor_id,)))
    return [(reblog, boosted[reblog.reblog_of_id]) for reblog in reblogs if reblog.reblog_of_id in boosted]


async def _column(conn: Connection, sql: str, params: tuple) -> list:
    async with conn.execute(sql, params) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def _rows(conn: Connection, sql: str, params: tuple) -> list[tuple]:
    async with conn.execute(sql, params) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def liked_uris(conn: Connection, actor_id: int) -> list[str]:
    sql = "SELECT posts.uri FROM likes JOIN posts ON posts.id = likes.post_id WHERE likes.actor_id = ? ORDER BY likes.id DESC"
    return await _column(conn, sql, (actor_id,))


async def bookmarked_uris(conn: Connection, actor_id: int) -> list[str]:
    sql = (
        "SELECT posts.uri FROM bookmarks JOIN posts ON posts.id = bookmarks.post_id "
        "WHERE bookmarks.actor_id = ? ORDER BY bookmarks.id DESC"
    )
    return await _column(conn, sql, (actor_id,))


_HANDLE = "actors.username || '@' || actors.domain"


async def following(conn: Connection, actor_id: int) -> list[tuple[str, bool, bool]]:
    """(handle, show boosts, notify) of accepted follows, as Mastodon's active relationships."""
    sql = (
        f"SELECT {_HANDLE}, follows.show_reblogs, follows.notify FROM follows "
        "JOIN actors ON actors.id = follows.followee_id "
        "WHERE follows.follower_id = ? AND follows.state = 'accepted' ORDER BY follows.id DESC"
    )
    return [(h, bool(r), bool(n)) for h, r, n in await _rows(conn, sql, (actor_id,))]


async def followers(conn: Connection, actor_id: int) -> list[str]:
    sql = (
        f"SELECT {_HANDLE} FROM follows JOIN actors ON actors.id = follows.follower_id "
        "WHERE follows.followee_id = ? AND follows.state = 'accepted' ORDER BY follows.id DESC"
    )
    return await _column(conn, sql, (actor_id,))


async def blocked(conn: Connection, actor_id: int) -> list[str]:
    sql = f"SELECT {_HANDLE} FROM blocks JOIN actors ON actors.id = blocks.target_id WHERE blocks.actor_id = ? ORDER BY blocks.id DESC"
    return await _column(conn, sql, (actor_id,))


async def muted(conn: Connection, actor_id: int, now: int) -> list[tuple[str, bool]]:
    """(handle, hide notifications) of mutes still in force."""
    sql = (
        f"SELECT {_HANDLE}, mutes.hide_notifications FROM mutes JOIN actors ON actors.id = mutes.target_id "
        "WHERE mutes.actor_id = ? AND (mutes.expires_at IS NULL OR mutes.expires_at > ?) ORDER BY mutes.id DESC"
    )
    return [(h, bool(hide)) for h, hide in await _rows(conn, sql, (actor_id, now))]


async def list_members(conn: Connection, actor_id: int) -> list[tuple[str, str]]:
    """(list title, member handle) for every member of every list the account owns."""
    sql = (
        f"SELECT lists.title, {_HANDLE} FROM lists JOIN list_members ON list_members.list_id = lists.id "
        "JOIN actors ON actors.id = list_members.actor_id WHERE lists.owner_id = ? ORDER BY lists.id, actors.id"
    )
    return await _rows(conn, sql, (actor_id,))


async def followed_tags(conn: Connection, actor_id: int) -> list[str]:
    return await _column(conn, "SELECT name FROM followed_tags WHERE actor_id = ? ORDER BY name", (actor_id,))


async def listings_of(conn: Connection, actor_id: int) -> list[tuple[Listing, str]]:
    """(listing, carrying post's uri) of every listing the account sells, oldest first."""
    sql = "SELECT listings.post_id, posts.uri FROM listings JOIN posts ON posts.id = listings.post_id WHERE listings.actor_id = ? ORDER BY listings.post_id"
    found = []
    for post_id, uri in await _rows(conn, sql, (actor_id,)):
        listing = await listing_store.get_listing(conn, post_id)
        if listing is not None:
            found.append((listing, uri))
    return found
