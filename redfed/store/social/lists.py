"""SQL for lists, their members and the list timeline (layer 2). No business rules here."""

from collections.abc import Iterable
from dataclasses import dataclass

from ...db.api import Connection
from ...models import Actor, Post
from ..actors import SELECT_ACTORS, row_to_actor
from ..id_pages import Cursor, id_window
from ..posts import SELECT_POSTS, row_to_post

_LIST_COLUMNS = "id, owner_id, title, replies_policy, exclusive"


@dataclass(frozen=True)
class UserList:
    id: int
    owner_id: int
    title: str
    replies_policy: str  # followed, list or none
    exclusive: bool


def _list(row) -> UserList:
    return UserList(row[0], row[1], row[2], row[3], bool(row[4]))


def _marks(values: list) -> str:
    return ", ".join("?" for _ in values)


async def insert_list(
    conn: Connection, owner_id: int, title: str, replies_policy: str, exclusive: bool, now: int
) -> UserList:
    async with conn.execute(
        "INSERT INTO lists (owner_id, title, replies_policy, exclusive, created_at) VALUES (?, ?, ?, ?, ?) "
        f"RETURNING {_LIST_COLUMNS}",
        (owner_id, title, replies_policy, int(exclusive), now),
    ) as cursor:
        return _list(await cursor.fetchone())


async def update_list(conn: Connection, found: UserList) -> None:
    await conn.execute(
        "UPDATE lists SET title = ?, replies_policy = ?, exclusive = ? WHERE id = ? AND owner_id = ?",
        (found.title, found.replies_policy, int(found.exclusive), found.id, found.owner_id),
    )


async def delete_list(conn: Connection, owner_id: int, list_id: int) -> bool:
    cursor = await conn.execute("DELETE FROM lists WHERE id = ? AND owner_id = ?", (list_id, owner_id))
    return cursor.rowcount > 0


async def get_list(conn: Connection, owner_id: int, list_id: int) -> UserList | None:
    async with conn.execute(f"SELECT {_LIST_COLUMNS} FROM lists WHERE id = ? AND owner_id = ?", (list_id, owner_id)) as cursor:
        row = await cursor.fetchone()
    return _list(row) if row else None


async def lists_of(conn: Connection, owner_id: int, member_id: int | None = None) -> list[UserList]:
    """The owner's lists, by title; with `member_id`, only those that account is on."""
    sql = f"SELECT {_LIST_COLUMNS} FROM lists WHERE owner_id = ?"
    params: tuple = (owner_id,)
    if member_id is not None:
        sql += " AND id IN (SELECT list_id FROM list_members WHERE actor_id = ?)"
        params += (member_id,)
    async with conn.execute(sql + " ORDER BY lower(title), id", params) as cursor:
        return [_list(row) for row in await cursor.fetchall()]


async def members(conn: Connection, list_id: int, page: Cursor, limit: int | None) -> list[Actor]:
    """Members by account id, highest first (`limit` None: all of them)."""
    window = id_window("id", page)
    sql = (f"{SELECT_ACTORS} WHERE id IN (SELECT actor_id FROM list_members WHERE list_id = :list) "
           f"AND {window.condition} ORDER BY id {window.order} LIMIT :limit")
    params = {"list": list_id, **window.params, "limit": -1 if limit is None else limit}
    async with conn.execute(sql, params) as cursor:
        found = [row_to_actor(row) for row in await cursor.fetchall()]
    return found[::-1] if window.upward else found


async def member_ids_among(conn: Connection, list_id: int, actor_ids: list[int]) -> set[int]:
    async with conn.execute(
        f"SELECT actor_id FROM list_members WHERE list_id = ? AND actor_id IN ({_marks(actor_ids)})", (list_id, *actor_ids)
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def followed_among(conn: Connection, follower_id: int, actor_ids: list[int]) -> set[int]:
    """Which of `actor_ids` the follower follows, or has asked to."""
    async with conn.execute(
        f"SELECT followee_id FROM follows WHERE follower_id = ? AND followee_id IN ({_marks(actor_ids)})",
        (follower_id, *actor_ids),
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def add_members(conn: Connection, list_id: int, actor_ids: Iterable[int]) -> None:
    await conn.executemany(
        "INSERT OR IGNORE INTO list_members (list_id, actor_id) VALUES (?, ?)", [(list_id, a) for a in actor_ids]
    )


async def remove_members(conn: Connection, list_id: int, actor_ids: Iterable[int]) -> None:
    await conn.executemany("DELETE FROM list_members WHERE list_id = ? AND actor_id = ?", [(list_id, a) for a in actor_ids])


async def exclusive_member_ids(conn: Connection, owner_id: int) -> set[int]:
    """Accounts on the owner's exclusive lists, whose posts Mastodon keeps out of the home timeline."""
    async with conn.execute(
        "SELECT DISTINCT list_members.actor_id FROM list_members JOIN lists ON lists.id = list_members.list_id "
        "WHERE lists.owner_id = ? AND lists.exclusive = 1",
        (owner_id,),
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def timeline(conn: Connection, found: UserList, page: Cursor, limit: int, now: int) -> list[Post]:
    """Posts and boosts by the list's members that its owner may see, newest first.

    Visibility as on home: public and unlisted, followers-only when the owner follows the author,
    direct (and any other) when it mentions the owner; nothing across a block, nothing from muted
    accounts while the mute lasts. Replies: to oneself
    and to the owner always; to others as `replies_policy` says (followed accounts, list members,
    or none)."""
    window = id_window("posts.id", page)
    sql = f"""
        {SELECT_POSTS} LEFT JOIN posts AS parent ON parent.id = posts.in_reply_to_id
        WHERE {window.condition}
          AND posts.actor_id IN (SELECT actor_id FROM list_members WHERE list_id = :list)
          AND (posts.visibility IN ('public', 'unlisted')
               OR (posts.visibility = 'private' AND posts.actor_id IN
                   (SELECT followee_id FROM follows WHERE follower_id = :viewer AND state = 'accepted'))
               OR posts.id IN (SELECT post_id FROM post_mentions WHERE actor_id = :viewer))
          AND posts.actor_id NOT IN (SELECT target_id FROM blocks WHERE actor_id = :viewer)
          AND posts.actor_id NOT IN (SELECT actor_id FROM blocks WHERE target_id = :viewer)
          AND posts.actor_id NOT IN (SELECT target_id FROM mutes WHERE actor_id = :viewer
                                     AND (expires_at IS NULL OR expires_at > :now))
          AND ((posts.in_reply_to_id IS NULL AND posts.in_reply_to_uri IS NULL)
               OR parent.actor_id = posts.actor_id
               OR parent.actor_id = :viewer
               OR (:policy = 'followed' AND parent.actor_id IN
                   (SELECT followee_id FROM follows WHERE follower_id = :viewer AND state = 'accepted'))
               OR (:policy = 'list' AND parent.actor_id IN (SELECT actor_id FROM list_members WHERE list_id = :list)))
        ORDER BY posts.id {window.order} LIMIT :limit"""
    params = {"list": found.id, "viewer": found.owner_id, "policy": found.replies_policy, "now": now,
              **window.params, "limit": limit}
    async with conn.execute(sql, params) as cursor:
        posts = [row_to_post(row) for row in await cursor.fetchall()]
    return posts[::-1] if window.upward else posts
