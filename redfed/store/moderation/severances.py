"""SQL for severed relationships (layer 2): the follows a domain suspension cuts, the events that
record it per local account, and the notification each such account gets. No business rules here.
"""

from dataclasses import dataclass

from ...clock import new_id
from ...db.api import Connection
from .domain_blocks import covers


@dataclass(frozen=True)
class Severance:
    """What one local account lost in one event (Mastodon's RelationshipSeveranceEvent entity)."""

    id: int  # the account severance's id
    type: str
    target_name: str
    followers_count: int
    following_count: int
    created_at: int


# Accepted follows between local accounts and remote actors on the domain: (local id, the local
# account is followed, the local account follows).
_LOST = f"""
    SELECT f.followee_id AS local_id, 1 AS followers, 0 AS following FROM follows AS f
      JOIN actors AS remote ON remote.id = f.follower_id
     WHERE f.state = 'accepted' AND remote.is_local = 0 AND {covers('remote.domain')}
       AND f.followee_id IN (SELECT id FROM actors WHERE is_local = 1)
    UNION ALL
    SELECT f.follower_id, 0, 1 FROM follows AS f
      JOIN actors AS remote ON remote.id = f.followee_id
     WHERE f.state = 'accepted' AND remote.is_local = 0 AND {covers('remote.domain')}
       AND f.follower_id IN (SELECT id FROM actors WHERE is_local = 1)"""


async def count_lost(conn: Connection, domain: str) -> list[tuple[int, int, int]]:
    """(local actor id, followers lost, followings lost) for every local account the domain's
    suspension will cut off, one statement."""
    sql = f"SELECT local_id, sum(followers), sum(following) FROM ({_LOST}) AS lost GROUP BY local_id ORDER BY local_id"
    async with conn.execute(sql, {"domain": domain}) as cursor:
        return [(row[0], row[1], row[2]) for row in await cursor.fetchall()]


async def delete_follows(conn: Connection, domain: str) -> int:
    """Every follow and follow request, either direction, with a remote actor on the domain."""
    cursor = await conn.execute(
        "DELETE FROM follows WHERE follower_id IN (SELECT id FROM actors AS remote WHERE is_local = 0 AND "
        f"{covers('remote.domain')}) OR followee_id IN (SELECT id FROM actors AS remote WHERE is_local = 0 AND "
        f"{covers('remote.domain')})",
        {"domain": domain},
    )
    return cursor.rowcount


async def record(
    conn: Connection, kind: str, target_name: str, lost: list[tuple[int, int, int]], now: int
) -> None:
    """One event, one account severance per affected local account, and its notification."""
    async with conn.execute(
        "INSERT INTO severance_events (type, target_name, created_at) VALUES (?, ?, ?) RETURNING id",
        (kind, target_name, now),
    ) as cursor:
        event_id = (await cursor.fetchone())[0]
    for local_id, followers, following in lost:
        async with conn.execute(
            "INSERT INTO account_severances (event_id, actor_id, followers_count, following_count) "
            "VALUES (?, ?, ?, ?) RETURNING id",
            (event_id, local_id, followers, following),
        ) as cursor:
            severance_id = (await cursor.fetchone())[0]
        # Sent by the account itself, as Mastodon's notification for this event is.
        await conn.execute(
            "INSERT INTO notifications (id, recipient_id, type, from_id, severance_id, group_key, created_at) "
            "VALUES (?, ?, 'severed_relationships', ?, ?, ?, ?)",
            (new_id(now), local_id, local_id, severance_id, f"severed_relationships-{severance_id}", now),
        )


async def for_notifications(conn: Connection, notification_ids: list[int]) -> dict[int, Severance]:
    """notification id → the severance it reports, for the severed_relationships among them."""
    if not notification_ids:
        return {}
    marks = ", ".join("?" for _ in notification_ids)
    sql = f"""
        SELECT n.id, a.id, e.type, e.target_name, a.followers_count, a.following_count, e.created_at
          FROM notifications AS n JOIN account_severances AS a ON a.id = n.severance_id
          JOIN severance_events AS e ON e.id = a.event_id
         WHERE n.id IN ({marks})"""
    async with conn.execute(sql, notification_ids) as cursor:
        return {row[0]: Severance(*row[1:]) for row in await cursor.fetchall()}
