"""SQL for the reach of a post or an account (layer 2), read from the tables that hold it: likes,
boosts and replies (posts), saves (board_posts), quotes, deliveries and follows. Each count comes
by server: (domain, is_local, count) rows."""

from ...db.api import Connection

DAY_MS = 86_400_000

# The people who responded to post :post, each with the actor whose server is counted.
_RESPONSES = {
    "likes": "SELECT actor_id FROM likes WHERE post_id = :post",
    "boosts": "SELECT actor_id FROM posts WHERE reblog_of_id = :post",
    "replies": "SELECT actor_id FROM posts WHERE in_reply_to_id = :post",
    "saves": "SELECT b.actor_id FROM board_posts bp JOIN boards b ON b.id = bp.board_id WHERE bp.post_id = :post",
    "quotes": "SELECT p.actor_id FROM quotes q JOIN posts p ON p.id = q.post_id "
              "WHERE q.quoted_id = :post AND q.state = 'accepted'",
}
MEASURES = tuple(_RESPONSES)


async def responses_by_server(conn: Connection, measure: str, post_id: int) -> list[tuple[str, bool, int]]:
    """How many of one kind of response (a key of _RESPONSES) came from each server."""
    async with conn.execute(
        f"SELECT a.domain, a.is_local, count(*) FROM ({_RESPONSES[measure]}) r "
        "JOIN actors a ON a.id = r.actor_id GROUP BY a.domain, a.is_local ORDER BY count(*) DESC, a.domain",
        {"post": post_id},
    ) as cursor:
        return [(row[0], bool(row[1]), int(row[2])) for row in await cursor.fetchall()]


async def deliveries(conn: Connection, post_uri: str) -> tuple[int, int, int]:
    """(servers, deliveries sent, deliveries failed or gone) of the post's Create."""
    async with conn.execute(
        "SELECT count(DISTINCT d.host), "
        "coalesce(sum(CASE WHEN d.state = 'sent' THEN 1 ELSE 0 END), 0), "
        "coalesce(sum(CASE WHEN d.state IN ('failed', 'gone') THEN 1 ELSE 0 END), 0) "
        "FROM deliveries d JOIN outbox_activities o ON o.id = d.outbox_activity_id "
        "WHERE o.object_uri = ? AND o.activity_type = 'Create'",
        (post_uri,),
    ) as cursor:
        row = await cursor.fetchone()
        return int(row[0]), int(row[1]), int(row[2])


async def followers_by_server(conn: Connection, actor_id: int) -> list[tuple[str, bool, int]]:
    async with conn.execute(
        "SELECT a.domain, a.is_local, count(*) FROM follows f JOIN actors a ON a.id = f.follower_id "
        "WHERE f.followee_id = ? AND f.state = 'accepted' GROUP BY a.domain, a.is_local "
        "ORDER BY count(*) DESC, a.domain",
        (actor_id,),
    ) as cursor:
        return [(row[0], bool(row[1]), int(row[2])) for row in await cursor.fetchall()]


async def new_followers_by_day(conn: Connection, actor_id: int, since_ms: int) -> list[tuple[int, int]]:
    """(day since the epoch, followers gained) from `since_ms` on, of those who still follow."""
    async with conn.execute(
        f"SELECT coalesce(f.accepted_at, f.created_at) / {DAY_MS}, count(*) FROM follows f "
        "WHERE f.followee_id = ? AND f.state = 'accepted' AND coalesce(f.accepted_at, f.created_at) >= ? "
        "GROUP BY 1 ORDER BY 1",
        (actor_id, since_ms),
    ) as cursor:
        return [(int(row[0]), int(row[1])) for row in await cursor.fetchall()]


async def recent_post_ids(conn: Connection, actor_id: int, limit: int) -> list[int]:
    """The author's latest original posts (no boosts), newest first."""
    async with conn.execute(
        "SELECT id FROM posts WHERE actor_id = ? AND reblog_of_id IS NULL ORDER BY id DESC LIMIT ?",
        (actor_id, limit),
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]
