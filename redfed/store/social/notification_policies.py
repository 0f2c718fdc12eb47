"""SQL for the notification policy (layer 2): each account's policy, the facts it is judged on,
and the requests and permissions filtered notifications lead to. No rules here
(services/social/notification_policy.py has them)."""

from dataclasses import dataclass

from ...db.api import Connection
from ..id_pages import IdRange, fetch_page

KINDS = ("not_following", "not_followers", "new_accounts", "private_mentions", "limited_accounts")
DEFAULTS = {"not_following": "accept", "not_followers": "accept", "new_accounts": "accept",
            "private_mentions": "filter", "limited_accounts": "filter"}
_COLUMNS = ", ".join(f"for_{kind}" for kind in KINDS)


@dataclass(frozen=True)
class RequestRow:
    id: int
    from_id: int
    last_post_id: int | None
    created_at: int
    updated_at: int
    notifications_count: int


async def policy(conn: Connection, actor_id: int) -> dict[str, str]:
    """{kind: 'accept', 'filter' or 'drop'}, the defaults where the account chose nothing."""
    async with conn.execute(f"SELECT {_COLUMNS} FROM notification_policies WHERE actor_id = ?", (actor_id,)) as cursor:
        row = await cursor.fetchone()
    return dict(zip(KINDS, row, strict=True)) if row else dict(DEFAULTS)


async def save_policy(conn: Connection, actor_id: int, chosen: dict[str, str], now: int) -> None:
    marks = ", ".join("?" for _ in KINDS)
    updates = ", ".join(f"for_{kind} = excluded.for_{kind}" for kind in KINDS)
    await conn.execute(
        f"INSERT INTO notification_policies (actor_id, {_COLUMNS}, updated_at) VALUES (?, {marks}, ?) "
        f"ON CONFLICT (actor_id) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
        (actor_id, *(chosen[kind] for kind in KINDS), now),
    )


async def follow_accepted_at(conn: Connection, follower_id: int, followee_id: int) -> int | None:
    """When the follow began (its request, as Mastodon counts it), None without an accepted follow."""
    async with conn.execute(
        "SELECT created_at FROM follows WHERE follower_id = ? AND followee_id = ? AND state = 'accepted'",
        (follower_id, followee_id),
    ) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def is_direct(conn: Connection, post_id: int) -> bool:
    async with conn.execute("SELECT visibility FROM posts WHERE id = ?", (post_id,)) as cursor:
        row = await cursor.fetchone()
    return row is not None and row[0] == "direct"


async def answers_own_private_mention(conn: Connection, post_id: int, recipient_id: int, sender_id: int) -> bool:
    """Whether the post replies, within 100 posts up its thread, to a direct post of the recipient
    that mentioned the sender: a conversation the recipient began is never unsolicited."""
    async with conn.execute(
        """WITH RECURSIVE ancestors (id, depth) AS (
               SELECT in_reply_to_id, 1 FROM posts WHERE id = :post AND in_reply_to_id IS NOT NULL
               UNION ALL
               SELECT posts.in_reply_to_id, ancestors.depth + 1 FROM ancestors JOIN posts ON posts.id = ancestors.id
               WHERE posts.in_reply_to_id IS NOT NULL AND ancestors.depth < 100)
           SELECT 1 FROM ancestors JOIN posts ON posts.id = ancestors.id
           JOIN post_mentions ON post_mentions.post_id = posts.id AND post_mentions.actor_id = :sender
           WHERE posts.actor_id = :recipient AND posts.visibility = 'direct' LIMIT 1""",
        {"post": post_id, "recipient": recipient_id, "sender": sender_id},
    ) as cursor:
        return await cursor.fetchone() is not None


async def is_staff(conn: Connection, actor_id: int) -> bool:
    async with conn.execute("SELECT 1 FROM users WHERE actor_id = ? AND is_admin = 1", (actor_id,)) as cursor:
        return await cursor.fetchone() is not None


async def permitted(conn: Connection, recipient_id: int, from_id: int) -> bool:
    async with conn.execute(
        "SELECT 1 FROM notification_permissions WHERE recipient_id = ? AND from_id = ?", (recipient_id, from_id)
    ) as cursor:
        return await cursor.fetchone() is not None


async def note_request(conn: Connection, request_id: int, recipient_id: int, from_id: int, post_id: int, now: int) -> None:
    await conn.execute(
        "INSERT INTO notification_requests (id, recipient_id, from_id, last_post_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (recipient_id, from_id) DO UPDATE "
        "SET last_post_id = excluded.last_post_id, updated_at = excluded.updated_at",
        (request_id, recipient_id, from_id, post_id, now, now),
    )


_REQUEST = """SELECT r.id, r.from_id, r.last_post_id, r.created_at, r.updated_at,
                     (SELECT count(*) FROM notifications AS n WHERE n.recipient_id = r.recipient_id
                      AND n.from_id = r.from_id AND n.filtered = 1) AS notifications_count
              FROM notification_requests AS r"""


async def requests(conn: Connection, recipient_id: int, page: IdRange) -> list[RequestRow]:
    """One page of the account's open requests, newest first."""
    return await fetch_page(
        conn, _REQUEST, "r.recipient_id = :recipient", {"recipient": recipient_id}, page, "r.id", lambda row: RequestRow(*row)
    )


async def request(conn: Connection, recipient_id: int, request_id: int) -> RequestRow | None:
    async with conn.execute(
        f"{_REQUEST} WHERE r.recipient_id = ? AND r.id = ?", (recipient_id, request_id)
    ) as cursor:
        row = await cursor.fetchone()
    return RequestRow(*row) if row else None


async def pending(conn: Connection, recipient_id: int) -> tuple[int, int]:
    """(open requests, filtered notifications from their senders)."""
    async with conn.execute(
        "SELECT count(*), coalesce(sum(shown.notifications_count), 0) FROM "
        f"({_REQUEST} WHERE r.recipient_id = ?) AS shown", (recipient_id,),
    ) as cursor:
        row = await cursor.fetchone()
    return int(row[0]), int(row[1])


async def close_request(conn: Connection, recipient_id: int, from_id: int, *, accept: bool, now: int) -> None:
    """Accepting lets the sender's notifications through from now on and shows the filtered ones;
    dismissing throws the filtered ones away."""
    await conn.execute("DELETE FROM notification_requests WHERE recipient_id = ? AND from_id = ?", (recipient_id, from_id))
    if accept:
        await conn.execute(
            "INSERT OR IGNORE INTO notification_permissions (recipient_id, from_id, created_at) VALUES (?, ?, ?)",
            (recipient_id, from_id, now),
        )
        await conn.execute(
            "UPDATE notifications SET filtered = 0 WHERE recipient_id = ? AND from_id = ? AND filtered = 1",
            (recipient_id, from_id),
        )
    else:
        await conn.execute(
            "DELETE FROM notifications WHERE recipient_id = ? AND from_id = ? AND filtered = 1", (recipient_id, from_id)
        )
