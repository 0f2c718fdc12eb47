"""SQL for deleting a local account (layer 2). The actor row stays, suspended, as a tombstone: its
keys sign the Delete that tells other servers, and its name is never given to someone else."""

from urllib.parse import urlsplit

from ...db.api import Connection


async def inboxes_known_to(conn: Connection, actor_id: int) -> list[str]:
    """One inbox on each server that may hold a copy of the actor: those of the remote accounts
    that follow it or that it follows (shared inboxes preferred), then those that accepted an
    activity of its (a mention, a reply, a post boosted elsewhere). A server acts on an actor's
    Delete whichever of its inboxes receives it."""
    async with conn.execute(
        "SELECT DISTINCT coalesce(a.shared_inbox_uri, a.inbox_uri) FROM follows AS f "
        "JOIN actors AS a ON a.id = CASE WHEN f.follower_id = ? THEN f.followee_id ELSE f.follower_id END "
        "WHERE (f.follower_id = ? OR f.followee_id = ?) AND a.is_local = 0 AND a.suspended_at IS NULL "
        "AND coalesce(a.shared_inbox_uri, a.inbox_uri) IS NOT NULL",
        (actor_id, actor_id, actor_id),
    ) as cursor:
        followers = sorted(row[0] for row in await cursor.fetchall())
    async with conn.execute(
        "SELECT DISTINCT d.inbox_uri FROM deliveries AS d JOIN outbox_activities AS o ON o.id = d.outbox_activity_id "
        "WHERE o.actor_id = ? AND d.state = 'sent'",
        (actor_id,),
    ) as cursor:
        reached = sorted(row[0] for row in await cursor.fetchall())
    by_server: dict[str, str] = {}
    for inbox in followers + reached:
        by_server.setdefault(urlsplit(inbox).netloc, inbox)
    return sorted(by_server.values())


async def media_keys_of(conn: Connection, actor_id: int) -> list[str]:
    async with conn.execute("SELECT file_key, preview_key FROM media WHERE owner_id = ?", (actor_id,)) as cursor:
        return [key for row in await cursor.fetchall() for key in row if key]


async def erase_account(conn: Connection, actor_id: int, user_id: int, now: int) -> None:
    """Everything of the account but its actor row and keys: posts (leaving tombstones), media rows, follows both
    ways, sessions and live tokens; its deliveries still waiting are given up; the login is
    disabled and the actor suspended, which the faces answer as an account that is not there."""
    for sql, params in (
        ("UPDATE deliveries SET state = 'failed', last_error = 'account deleted', finished_at = ? "
         "WHERE state = 'pending' AND outbox_activity_id IN (SELECT id FROM outbox_activities WHERE actor_id = ?)",
         (now, actor_id)),
        # Its posts' addresses answer 410 with a Tombstone from now on, as a deleted post's do.
        ("INSERT INTO tombstones (uri, actor_uri, deleted_at) SELECT p.uri, a.uri, ? FROM posts AS p "
         "JOIN actors AS a ON a.id = p.actor_id WHERE p.actor_id = ? ON CONFLICT (uri) DO NOTHING", (now, actor_id)),
        ("DELETE FROM posts WHERE actor_id = ?", (actor_id,)),
        ("DELETE FROM media WHERE owner_id = ?", (actor_id,)),
        ("DELETE FROM follows WHERE follower_id = ? OR followee_id = ?", (actor_id, actor_id)),
        ("DELETE FROM web_sessions WHERE user_id = ?", (user_id,)),
        ("UPDATE oauth_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", (now, user_id)),
        ("UPDATE users SET disabled_at = ? WHERE id = ?", (now, user_id)),
        ("UPDATE actors SET suspended_at = ? WHERE id = ? AND is_local = 1", (now, actor_id)),
    ):
        await conn.execute(sql, params)
