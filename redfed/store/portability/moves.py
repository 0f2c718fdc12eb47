"""SQL for account moves, out and in (layer 2). No business rules here."""

from dataclasses import dataclass

from ...clock import new_id
from ...db.api import Connection

_COLUMNS = (
    "id, direction, state, origin_uri, target_uri, sender_uri, activity_id, reason, followers_moved, created_at"
)


@dataclass(frozen=True)
class MoveRecord:
    id: int
    direction: str  # out (a local account moved) or in (a Move we received)
    state: str  # done or refused
    origin_uri: str
    target_uri: str | None
    sender_uri: str | None
    activity_id: str | None
    reason: str | None
    followers_moved: int
    created_at: int


async def insert_move(
    conn: Connection, direction: str, state: str, origin_uri: str, target_uri: str | None, now: int, *,
    sender_uri: str | None = None, activity_id: str | None = None, reason: str | None = None,
    followers_moved: int = 0,
) -> MoveRecord:
    sql = (
        f"INSERT INTO account_moves ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_COLUMNS}"
    )
    params = (new_id(now), direction, state, origin_uri, target_uri, sender_uri, activity_id, reason, followers_moved, now)
    async with conn.execute(sql, params) as cursor:
        return MoveRecord(*await cursor.fetchone())


async def last_move(conn: Connection, origin_uri: str, direction: str) -> MoveRecord | None:
    """The newest move of `origin_uri` in `direction` that was carried out."""
    sql = (
        f"SELECT {_COLUMNS} FROM account_moves WHERE origin_uri = ? AND direction = ? AND state = 'done' "
        "ORDER BY created_at DESC, id DESC LIMIT 1"
    )
    async with conn.execute(sql, (origin_uri, direction)) as cursor:
        row = await cursor.fetchone()
    return MoveRecord(*row) if row else None


async def list_moves(conn: Connection, origin_uri: str) -> list[MoveRecord]:
    """Every recorded move naming `origin_uri` as the account that moves, oldest first."""
    sql = f"SELECT {_COLUMNS} FROM account_moves WHERE origin_uri = ? ORDER BY created_at, id"
    async with conn.execute(sql, (origin_uri,)) as cursor:
        return [MoveRecord(*row) for row in await cursor.fetchall()]


async def list_local_follows_of(conn: Connection, followee_id: int) -> list[tuple[int, str]]:
    """(follower actor id, follow state) of every local account that follows or asked to follow
    `followee_id`: the people a Move of that account redirects."""
    sql = (
        "SELECT follows.follower_id, follows.state FROM follows JOIN actors ON actors.id = follows.follower_id "
        "WHERE follows.followee_id = ? AND actors.is_local = 1 AND actors.suspended_at IS NULL ORDER BY follows.id"
    )
    async with conn.execute(sql, (followee_id,)) as cursor:
        return [(row[0], row[1]) for row in await cursor.fetchall()]


async def list_local_blockers(conn: Connection, target_id: int) -> list[int]:
    """Local accounts that block `target_id`: a Move carries their block over to the new account."""
    sql = (
        "SELECT blocks.actor_id FROM blocks JOIN actors ON actors.id = blocks.actor_id "
        "WHERE blocks.target_id = ? AND actors.is_local = 1 ORDER BY blocks.actor_id"
    )
    async with conn.execute(sql, (target_id,)) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def copy_local_mutes(conn: Connection, origin_id: int, target_id: int, now: int) -> int:
    """Local accounts muting `origin_id` mute `target_id` too, on the same terms (a mute already
    there is kept as it is); how many were added."""
    cursor = await conn.execute(
        "INSERT INTO mutes (actor_id, target_id, hide_notifications, expires_at, created_at) "
        "SELECT mutes.actor_id, ?, mutes.hide_notifications, mutes.expires_at, ? FROM mutes "
        "JOIN actors ON actors.id = mutes.actor_id "
        "WHERE mutes.target_id = ? AND actors.is_local = 1 AND mutes.actor_id != ? "
        "AND (mutes.expires_at IS NULL OR mutes.expires_at > ?) "
        "ON CONFLICT (actor_id, target_id) DO NOTHING",
        (target_id, now, origin_id, target_id, now),  # the new account never mutes itself
    )
    return cursor.rowcount
