"""SQL for trends (layer 2): admins' decisions on tags, and the posts people interact with most
in a recent window. No rules here (the scores are services/discovery/trends.py's)."""

from ...db.api import Connection


async def review(conn: Connection, name: str, state: str, reviewer_id: int, now: int) -> None:
    await conn.execute(
        "INSERT INTO tag_reviews (name, state, reviewed_by, reviewed_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET state = excluded.state, reviewed_by = excluded.reviewed_by, "
        "reviewed_at = excluded.reviewed_at",
        (name, state, reviewer_id, now),
    )


async def reviews_of(conn: Connection, names: list[str]) -> dict[str, str]:
    """{name: 'approved' or 'rejected'} for the names an admin decided on."""
    if not names:
        return {}
    marks = ", ".join("?" for _ in names)
    async with conn.execute(f"SELECT name, state FROM tag_reviews WHERE name IN ({marks})", names) as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall()}


async def engaged_posts(conn: Connection, viewer_id: int | None, since_id: int, now: int, limit: int) -> list[tuple[int, int, int]]:
    """(post id, created_at, distinct other accounts that liked or boosted it) for the public,
    original, not sensitive posts since `since_id` by discoverable accounts in good standing that
    the viewer neither blocks nor mutes (nor is blocked by), most engaged first: a range of the
    primary key, as long as the window's posts, and an index seek per post for its likes and boosts."""
    async with conn.execute(
        """SELECT id, created_at, people FROM (
               SELECT posts.id, posts.created_at, (
                   SELECT COUNT(*) FROM (SELECT actor_id FROM likes WHERE likes.post_id = posts.id
                                         UNION SELECT actor_id FROM posts AS boosts WHERE boosts.reblog_of_id = posts.id
                                        ) AS engaged WHERE engaged.actor_id != posts.actor_id) AS people
               FROM posts JOIN actors AS author ON author.id = posts.actor_id
               WHERE posts.id > :since AND posts.visibility = 'public' AND posts.reblog_of_id IS NULL
               AND posts.sensitive = 0 AND author.discoverable = 1
               AND author.silenced_at IS NULL AND author.suspended_at IS NULL
               AND posts.actor_id NOT IN (SELECT target_id FROM blocks WHERE actor_id = :viewer)
               AND posts.actor_id NOT IN (SELECT actor_id FROM blocks WHERE target_id = :viewer)
               AND posts.actor_id NOT IN (SELECT target_id FROM mutes WHERE actor_id = :viewer
                                          AND (expires_at IS NULL OR expires_at > :now))) AS scored
           WHERE people > 0 ORDER BY people DESC, id DESC LIMIT :limit""",
        {"since": since_id, "viewer": viewer_id or 0, "now": now, "limit": limit},
    ) as cursor:
        return [(row[0], row[1], row[2]) for row in await cursor.fetchall()]
