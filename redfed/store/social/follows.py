"""SQL for follows between actors (layer 2). No business rules here."""

from ...db.api import Connection, Row
from ...models import Follow

_SELECT = (
    "SELECT id, uri, follower_id, followee_id, state, show_reblogs, notify, created_at, accepted_at FROM follows"
)


def _row_to_follow(row: Row) -> Follow:
    values = list(row)
    values[5], values[6] = bool(values[5]), bool(values[6])
    return Follow(*values)


async def insert_follow(
    conn: Connection, uri: str, follower_id: int, followee_id: int, state: str, now: int
) -> Follow:
    """Insert, or return the existing follow between the two (a repeated Follow changes nothing)."""
    await conn.execute(
        "INSERT INTO follows (uri, follower_id, followee_id, state, created_at, accepted_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (follower_id, followee_id) DO NOTHING",
        (uri, follower_id, followee_id, state, now, now if state == "accepted" else None),
    )
    return await find_follow(conn, follower_id, followee_id)


async def find_follow(conn: Connection, follower_id: int, followee_id: int) -> Follow | None:
    async with conn.execute(f"{_SELECT} WHERE follower_id = ? AND followee_id = ?", (follower_id, followee_id)) as cursor:
        row = await cursor.fetchone()
    return _row_to_follow(row) if row else None


async def find_follow_by_uri(conn: Connection, uri: str) -> Follow | None:
    async with conn.execute(f"{_SELECT} WHERE uri = ?", (uri,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_follow(row) if row else None


async def accept_follow(conn: Connection, follow_id: int, now: int) -> None:
    await conn.execute(
        "UPDATE follows SET state = 'accepted', accepted_at = ? WHERE id = ? AND state = 'pending'", (now, follow_id)
    )


async def delete_follow(conn: Connection, follow_id: int) -> None:
    await conn.execute("DELETE FROM follows WHERE id = ?", (follow_id,))


async def delete_follows_between(conn: Connection, a: int, b: int) -> None:
    await conn.execute(
        "DELETE FROM follows WHERE (follower_id = ? AND followee_id = ?) OR (follower_id = ? AND followee_id = ?)",
        (a, b, b, a),
    )


async def list_follower_inboxes(conn: Connection, followee_id: int) -> list[str]:
    """Distinct delivery inboxes of an actor's accepted remote followers, shared inboxes preferred."""
    async with conn.execute(
        "SELECT DISTINCT coalesce(actors.shared_inbox_uri, actors.inbox_uri) FROM follows "
        "JOIN actors ON actors.id = follows.follower_id "
        "WHERE follows.followee_id = ? AND follows.state = 'accepted' AND actors.is_local = 0 "
        "AND actors.suspended_at IS NULL AND coalesce(actors.shared_inbox_uri, actors.inbox_uri) IS NOT NULL",
        (followee_id,),
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def list_follow_uris(conn: Connection, actor_id: int, direction: str, limit: int, before_id: int | None) -> list[tuple[int, str]]:
    """(follow id, actor uri) of accepted followers or followees, newest first, for collection pages."""
    other, mine = ("follower_id", "followee_id") if direction == "followers" else ("followee_id", "follower_id")
    async with conn.execute(
        f"SELECT follows.id, actors.uri FROM follows JOIN actors ON actors.id = follows.{other} "
        f"WHERE follows.{mine} = ? AND follows.state = 'accepted' AND follows.id < ? "
        "ORDER BY follows.id DESC LIMIT ?",
        (actor_id, before_id if before_id is not None else 2**63 - 1, limit),
    ) as cursor:
        return [(row[0], row[1]) for row in await cursor.fetchall()]


async def count_follows(conn: Connection, actor_id: int, direction: str) -> int:
    column = "followee_id" if direction == "followers" else "follower_id"
    async with conn.execute(
        f"SELECT count(*) FROM follows WHERE {column} = ? AND state = 'accepted'", (actor_id,)
    ) as cursor:
        return (await cursor.fetchone())[0]


async def list_pending_requests(conn: Connection, followee_id: int) -> list[Follow]:
    async with conn.execute(f"{_SELECT} WHERE followee_id = ? AND state = 'pending' ORDER BY id", (followee_id,)) as cursor:
        return [_row_to_follow(row) for row in await cursor.fetchall()]


async def list_follow_uris_at(conn: Connection, actor_id: int, direction: str, limit: int, offset: int) -> list[str]:
    """Actor uris of accepted followers or followees, newest first, by offset: the numbered pages
    (`?page=N`) Mastodon serves for these collections."""
    other, mine = ("follower_id", "followee_id") if direction == "followers" else ("followee_id", "follower_id")
    async with conn.execute(
        f"SELECT actors.uri FROM follows JOIN actors ON actors.id = follows.{other} "
        f"WHERE follows.{mine} = ? AND follows.state = 'accepted' ORDER BY follows.id DESC LIMIT ? OFFSET ?",
        (actor_id, limit, offset),
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]
