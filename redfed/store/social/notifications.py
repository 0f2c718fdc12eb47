"""SQL for notifications (layer 2). No business rules here."""

from ...clock import new_id
from ...db.api import Connection


async def insert_notification(
    conn: Connection, recipient_id: int, kind: str, from_id: int, post_id: int | None, group_key: str, now: int,
    deal_id: int | None = None, report_id: int | None = None, *, filtered: bool = False,
) -> int | None:
    """One notification per (recipient, kind, sender, post, deal, report): a replayed activity
    notifies once. The new notification's id; None when it was there already."""
    async with conn.execute(
        "INSERT INTO notifications (id, recipient_id, type, from_id, post_id, deal_id, report_id, group_key, created_at, "
        "filtered) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        (new_id(now), recipient_id, kind, from_id, post_id, deal_id, report_id, group_key, now, int(filtered)),
    ) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def delete_deal_notifications(conn: Connection, recipient_id: int, kind: str, deal_id: int) -> None:
    await conn.execute(
        "DELETE FROM notifications WHERE recipient_id = ? AND type = ? AND deal_id = ?", (recipient_id, kind, deal_id)
    )


async def delete_notifications_about(conn: Connection, kind: str, from_id: int, post_id: int | None, recipient_id: int) -> None:
    """An undone like, boost or follow takes its notification back, as on Mastodon."""
    await conn.execute(
        "DELETE FROM notifications WHERE type = ? AND from_id = ? AND post_id IS ? "
        "AND recipient_id = ?",
        (kind, from_id, post_id, recipient_id),
    )
