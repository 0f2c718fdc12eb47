"""SQL for what live streams hold about their viewers and ask about each event (layer 2).

Every query here is either batched over all the viewers a process streams to, or asked once per
event whatever the number of subscribers: the streaming service does the rest in memory.
No business rules here."""

from ...db.api import Connection

CHUNK = 1_000  # ids per IN (...), well under either database's limit on parameters


async def _pairs(conn: Connection, sql: str, ids: list[int], extra: tuple = ()) -> list[tuple]:
    """Rows of `sql`, whose `{ids}` is replaced by the marks of each chunk of `ids` (twice over
    when it appears twice)."""
    rows = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        marks = ", ".join("?" for _ in chunk)
        params = list(chunk) * sql.count("{ids}") + list(extra)
        async with conn.execute(sql.replace("{ids}", marks), params) as cursor:
            rows += [tuple(row) for row in await cursor.fetchall()]
    return rows


async def blocks_touching(conn: Connection, viewer_ids: list[int]) -> list[tuple[int, int]]:
    """(blocker, blocked) for every block made by or against one of the viewers."""
    return await _pairs(
        conn, "SELECT actor_id, target_id FROM blocks WHERE actor_id IN ({ids}) "
              "UNION SELECT actor_id, target_id FROM blocks WHERE target_id IN ({ids})", viewer_ids,
    )


async def mutes_of(conn: Connection, viewer_ids: list[int], now: int) -> list[tuple[int, int, int | None]]:
    """(muter, muted, expires_at) for the viewers' mutes that have not run out."""
    return await _pairs(
        conn, "SELECT actor_id, target_id, expires_at FROM mutes WHERE actor_id IN ({ids}) "
              "AND (expires_at IS NULL OR expires_at > ?)", viewer_ids, (now,),
    )


async def domain_blocks_of(conn: Connection, viewer_ids: list[int]) -> list[tuple[int, str]]:
    return await _pairs(
        conn, "SELECT actor_id, domain FROM account_domain_blocks WHERE actor_id IN ({ids})", viewer_ids)


async def exclusive_members_of(conn: Connection, viewer_ids: list[int]) -> list[tuple[int, int]]:
    """(owner, member) for the members of the viewers' exclusive lists, kept out of their home."""
    return await _pairs(
        conn, "SELECT DISTINCT lists.owner_id, list_members.actor_id FROM list_members "
              "JOIN lists ON lists.id = list_members.list_id WHERE lists.exclusive = 1 AND lists.owner_id IN ({ids})",
        viewer_ids,
    )


async def followers_of(conn: Connection, followee_id: int) -> set[int]:
    """Everyone whose follow of `followee_id` is accepted."""
    async with conn.execute(
        "SELECT follower_id FROM follows WHERE followee_id = ? AND state = 'accepted'", (followee_id,)
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def lists_with_member(
    conn: Connection, member_id: int, parent_author_id: int | None
) -> list[tuple[int, int, str, bool]]:
    """(list, owner, replies_policy, whether `parent_author_id` is a member too) for each list
    `member_id` is on."""
    async with conn.execute(
        "SELECT lists.id, lists.owner_id, lists.replies_policy, "
        "EXISTS (SELECT 1 FROM list_members AS other WHERE other.list_id = lists.id AND other.actor_id = ?) "
        "FROM lists JOIN list_members ON list_members.list_id = lists.id WHERE list_members.actor_id = ?",
        (parent_author_id or 0, member_id),
    ) as cursor:
        return [(row[0], row[1], row[2], bool(row[3])) for row in await cursor.fetchall()]
