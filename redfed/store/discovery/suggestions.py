"""SQL for follow suggestions (layer 2): accounts worth following, scored by each source, and the
ones a user dismissed. No rules here (which sources, how many: services/discovery/suggestions.py)."""

from ...db.api import Connection

# The accounts that may be offered to :viewer at all: discoverable, in good standing, not moved,
# not the viewer, not already followed or asked, not blocked either way, not muted, not of a domain
# the viewer blocks, not dismissed.
_OFFERABLE = """
    actors.id != :viewer AND actors.discoverable = 1 AND actors.type != 'Application'
    AND actors.suspended_at IS NULL AND actors.silenced_at IS NULL AND actors.moved_to_uri IS NULL
    AND NOT EXISTS (SELECT 1 FROM users WHERE users.actor_id = actors.id
                    AND (users.pending = 1 OR users.disabled_at IS NOT NULL))
    AND NOT EXISTS (SELECT 1 FROM follows WHERE follows.follower_id = :viewer AND follows.followee_id = actors.id)
    AND NOT EXISTS (SELECT 1 FROM blocks WHERE (blocks.actor_id = :viewer AND blocks.target_id = actors.id)
                    OR (blocks.actor_id = actors.id AND blocks.target_id = :viewer))
    AND NOT EXISTS (SELECT 1 FROM mutes WHERE mutes.actor_id = :viewer AND mutes.target_id = actors.id)
    AND NOT EXISTS (SELECT 1 FROM account_domain_blocks AS domain_blocks
                    WHERE domain_blocks.actor_id = :viewer AND domain_blocks.domain = actors.domain)
    AND NOT EXISTS (SELECT 1 FROM suggestion_dismissals AS dismissed
                    WHERE dismissed.actor_id = :viewer AND dismissed.target_id = actors.id)
"""

# Each source: a query of (account id, score) over the candidates `scored`.
_SOURCES = {
    # Followed by the accounts the viewer follows: the more of them, the better.
    "friends_of_friends": """
        SELECT second.followee_id AS id, COUNT(*) AS score
        FROM follows AS first JOIN follows AS second ON second.follower_id = first.followee_id
        WHERE first.follower_id = :viewer AND first.state = 'accepted' AND second.state = 'accepted'
        GROUP BY second.followee_id""",
    # Followed by the most people of this server lately.
    "most_followed": """
        SELECT follows.followee_id AS id, COUNT(*) AS score
        FROM follows JOIN actors AS follower ON follower.id = follows.follower_id
        WHERE follower.is_local = 1 AND follows.state = 'accepted' AND follows.created_at >= :since
        GROUP BY follows.followee_id""",
    # Whose posts people of this server liked the most lately.
    "most_interactions": """
        SELECT posts.actor_id AS id, COUNT(*) AS score
        FROM likes JOIN actors AS liker ON liker.id = likes.actor_id JOIN posts ON posts.id = likes.post_id
        WHERE liker.is_local = 1 AND likes.created_at >= :since AND likes.actor_id != posts.actor_id
        GROUP BY posts.actor_id""",
}

SOURCES = tuple(_SOURCES)


async def scored(conn: Connection, source: str, viewer_id: int, since: int, limit: int) -> list[int]:
    """Ids of the accounts `source` offers to the viewer, best first."""
    async with conn.execute(
        f"SELECT scored.id FROM ({_SOURCES[source]}) AS scored JOIN actors ON actors.id = scored.id "
        f"WHERE {_OFFERABLE} ORDER BY scored.score DESC, scored.id DESC LIMIT :limit",
        {"viewer": viewer_id, "since": since, "limit": limit},
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def dismiss(conn: Connection, viewer_id: int, target_id: int, now: int) -> None:
    await conn.execute(
        "INSERT OR IGNORE INTO suggestion_dismissals (actor_id, target_id, created_at) VALUES (?, ?, ?)",
        (viewer_id, target_id, now),
    )
