"""SQL for groups, their moderators and the posts removed from them (layer 2). No business rules."""

from dataclasses import dataclass

from ...db.api import Connection
from ...models import Post
from ..posts import SELECT_POSTS, row_to_post


@dataclass(frozen=True)
class GroupRow:
    actor_id: int
    rules: str
    members_visible: bool
    created_by: int | None
    created_at: int


_SELECT = "SELECT actor_id, rules, members_visible, created_by, created_at FROM group_actors"


def _group(row) -> GroupRow:
    return GroupRow(row[0], row[1], bool(row[2]), row[3], row[4])


async def insert(conn: Connection, group: GroupRow) -> None:
    await conn.execute(
        "INSERT INTO group_actors (actor_id, rules, members_visible, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        (group.actor_id, group.rules, int(group.members_visible), group.created_by, group.created_at),
    )


async def update(conn: Connection, actor_id: int, rules: str, members_visible: bool) -> None:
    await conn.execute(
        "UPDATE group_actors SET rules = ?, members_visible = ? WHERE actor_id = ?", (rules, int(members_visible), actor_id)
    )


async def get(conn: Connection, actor_id: int) -> GroupRow | None:
    async with conn.execute(f"{_SELECT} WHERE actor_id = ?", (actor_id,)) as cursor:
        row = await cursor.fetchone()
    return _group(row) if row else None


async def of_actors(conn: Connection, actor_ids: list[int]) -> list[GroupRow]:
    """The groups among these actors."""
    if not actor_ids:
        return []
    marks = ", ".join("?" for _ in actor_ids)
    async with conn.execute(f"{_SELECT} WHERE actor_id IN ({marks})", actor_ids) as cursor:
        return [_group(row) for row in await cursor.fetchall()]


async def add_moderator(conn: Connection, group_id: int, actor_id: int, now: int) -> None:
    await conn.execute(
        "INSERT INTO group_moderators (group_id, actor_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (group_id, actor_id, now),
    )


async def remove_moderator(conn: Connection, group_id: int, actor_id: int) -> None:
    await conn.execute("DELETE FROM group_moderators WHERE group_id = ? AND actor_id = ?", (group_id, actor_id))


async def moderator_ids(conn: Connection, group_id: int) -> list[int]:
    sql = "SELECT actor_id FROM group_moderators WHERE group_id = ? ORDER BY created_at, actor_id"
    async with conn.execute(sql, (group_id,)) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def moderated_by(conn: Connection, actor_id: int) -> list[int]:
    """The groups an account moderates."""
    async with conn.execute("SELECT group_id FROM group_moderators WHERE actor_id = ? ORDER BY group_id", (actor_id,)) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def remember_removal(conn: Connection, group_id: int, post_uri: str, removed_by: int, now: int) -> None:
    await conn.execute(
        "INSERT INTO group_removals (group_id, post_uri, removed_by, removed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (group_id, post_uri, removed_by, now),
    )


async def was_removed(conn: Connection, group_id: int, post_uri: str) -> bool:
    sql = "SELECT 1 FROM group_removals WHERE group_id = ? AND post_uri = ?"
    async with conn.execute(sql, (group_id, post_uri)) as cursor:
        return await cursor.fetchone() is not None


async def groups_boosting(conn: Connection, post_id: int) -> list[int]:
    """The groups that announced a post (their boosts of it)."""
    sql = (
        "SELECT group_actors.actor_id FROM group_actors JOIN posts ON posts.actor_id = group_actors.actor_id"
        " WHERE posts.reblog_of_id = ?"
    )
    async with conn.execute(sql, (post_id,)) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def is_member(conn: Connection, group_id: int, actor_id: int) -> bool:
    sql = "SELECT 1 FROM follows WHERE followee_id = ? AND follower_id = ? AND state = 'accepted'"
    async with conn.execute(sql, (group_id, actor_id)) as cursor:
        return await cursor.fetchone() is not None


async def boosts_of(conn: Connection, group_id: int, limit: int) -> list[Post]:
    """The posts a group shared (boosted), the last shared first."""
    sql = (
        f"{SELECT_POSTS} JOIN posts AS boosts ON boosts.reblog_of_id = posts.id"
        " WHERE boosts.actor_id = ? ORDER BY boosts.id DESC LIMIT ?"
    )
    async with conn.execute(sql, (group_id, limit)) as cursor:
        return [row_to_post(row) for row in await cursor.fetchall()]
