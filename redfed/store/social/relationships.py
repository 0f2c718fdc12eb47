"""SQL for relationships between one account and others, and for mutes (layer 2)."""

from ...db.api import Connection
from ...models import Actor
from ..actors import ACTOR_COLUMNS, row_to_actor
from ..id_pages import IdRange, fetch_page


def _marks(ids: list) -> str:
    return ", ".join("?" for _ in ids)


async def relationship_rows(conn: Connection, viewer_id: int, ids: list[int], now: int) -> dict[int, dict]:
    """Per target id: follow states both ways, blocks both ways, mute and its notification flag."""
    found = {i: {} for i in ids}
    if not ids:
        return found
    marks = _marks(ids)
    queries = {
        "out": (f"SELECT followee_id, state, show_reblogs, notify FROM follows WHERE follower_id = ? AND followee_id IN ({marks})"),
        "in": (f"SELECT follower_id, state, 1, 0 FROM follows WHERE followee_id = ? AND follower_id IN ({marks})"),
        "blocking": f"SELECT target_id, 1, 1, 1 FROM blocks WHERE actor_id = ? AND target_id IN ({marks})",
        "blocked_by": f"SELECT actor_id, 1, 1, 1 FROM blocks WHERE target_id = ? AND actor_id IN ({marks})",
    }
    for kind, sql in queries.items():
        async with conn.execute(sql, [viewer_id, *ids]) as cursor:
            for target, state, reblogs, notify in await cursor.fetchall():
                found[target][kind] = (state, bool(reblogs), bool(notify))
    async with conn.execute(
        f"SELECT target_id, hide_notifications FROM mutes WHERE actor_id = ? AND target_id IN ({marks}) "
        "AND (expires_at IS NULL OR expires_at > ?)",
        [viewer_id, *ids, now],
    ) as cursor:
        for target, hide in await cursor.fetchall():
            found[target]["muting"] = bool(hide)
    return found


async def set_follow_options(conn: Connection, follower_id: int, followee_id: int, reblogs: bool | None, notify: bool | None) -> None:
    if reblogs is not None:
        await conn.execute("UPDATE follows SET show_reblogs = ? WHERE follower_id = ? AND followee_id = ?", (int(reblogs), follower_id, followee_id))
    if notify is not None:
        await conn.execute("UPDATE follows SET notify = ? WHERE follower_id = ? AND followee_id = ?", (int(notify), follower_id, followee_id))


async def set_mute(conn: Connection, actor_id: int, target_id: int, hide_notifications: bool, expires_at: int | None, now: int) -> None:
    await conn.execute(
        "INSERT INTO mutes (actor_id, target_id, hide_notifications, expires_at, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (actor_id, target_id) DO UPDATE SET hide_notifications = excluded.hide_notifications, "
        "expires_at = excluded.expires_at",
        (actor_id, target_id, int(hide_notifications), expires_at, now),
    )


async def delete_mute(conn: Connection, actor_id: int, target_id: int) -> None:
    await conn.execute("DELETE FROM mutes WHERE actor_id = ? AND target_id = ?", (actor_id, target_id))


async def listed_accounts(conn: Connection, kind: str, actor_id: int, page: IdRange) -> list[tuple[int, Actor]]:
    """(row id, account) for an account's followers, following, blocks, mutes or follow requests,
    newest first, paged by row id."""
    table, mine, other, extra = {
        "followers": ("follows", "followee_id", "follower_id", "AND follows.state = 'accepted'"),
        "following": ("follows", "follower_id", "followee_id", "AND follows.state = 'accepted'"),
        "requests": ("follows", "followee_id", "follower_id", "AND follows.state = 'pending'"),
        "blocks": ("blocks", "actor_id", "target_id", ""),
        "mutes": ("mutes", "actor_id", "target_id", ""),
    }[kind]
    columns = ", ".join(f"actors.{column}" for column in ACTOR_COLUMNS)
    head = f"SELECT {table}.id, {columns} FROM {table} JOIN actors ON actors.id = {table}.{other}"
    where = f"{table}.{mine} = :owner {extra}"
    return await fetch_page(
        conn, head, where, {"owner": actor_id}, page, f"{table}.id", lambda row: (row[0], row_to_actor(row[1:]))
    )


async def familiar_follower_ids(conn: Connection, viewer_id: int, target_id: int, limit: int = 40) -> list[int]:
    """Accounts the viewer follows that also follow the target."""
    async with conn.execute(
        "SELECT a.follower_id FROM follows AS a JOIN follows AS b ON b.followee_id = a.follower_id "
        "WHERE a.followee_id = ? AND a.state = 'accepted' AND b.follower_id = ? AND b.state = 'accepted' LIMIT ?",
        (target_id, viewer_id, limit),
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]
