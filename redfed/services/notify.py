"""Writing notifications for local accounts, inside the transaction of the event (layer 4).

Only local recipients get notifications, never for their own actions, never from accounts
they block; the recipient's notification policy (services/social/notification_policy.py) may
drop the rest or keep them aside as filtered, neither shown nor pushed. Grouping follows Mastodon's v2 grouped notifications: favourites and boosts of one
post group together; every other notification is a group of its own. A new notification also
queues its Web Push messages (services.push), in the same transaction.
"""

from ..db.api import Connection
from ..models import Actor
from ..store import actors as actor_store
from ..store.social import interactions as interaction_store
from ..store.social import notifications as store
from .push import notifications as push_notifications
from . import notification_policy

GROUPED = frozenset({"favourite", "reblog"})
REPLACED = frozenset({"redfed.deal"})


async def notify(
    conn: Connection, recipient_id: int, kind: str, sender: Actor, post_id: int | None, now: int,
    deal_id: int | None = None, report_id: int | None = None,
) -> None:
    if recipient_id == sender.id:
        return
    recipient = await actor_store.get_actor(conn, recipient_id)
    if recipient is None or not recipient.is_local or await interaction_store.find_block(conn, recipient_id, sender.id):
        return
    verdict = await notification_policy.verdict(conn, recipient, sender, kind, post_id, now)
    if verdict == "drop":
        return
    group_key = f"{kind}-{post_id}" if kind in GROUPED else f"ungrouped-{kind}-{sender.id}-{post_id or 0}-{now}"
    if deal_id is not None and kind in REPLACED:
        # A deal moves on (accepted, then paid): its newest change replaces the earlier notice,
        # which would show the same deal in its current state anyway.
        await store.delete_deal_notifications(conn, recipient_id, kind, deal_id)
    notification_id = await store.insert_notification(
        conn, recipient_id, kind, sender.id, post_id, group_key, now, deal_id, report_id, filtered=verdict == "filter"
    )
    if notification_id is None:
        return
    if verdict == "filter":
        await notification_policy.held_back(conn, recipient_id, sender, kind, post_id, now)
    else:
        await push_notifications.queue_pushes(conn, recipient_id, notification_id, kind, sender, post_id, now)


async def withdraw(conn: Connection, recipient_id: int, kind: str, sender: Actor, post_id: int | None) -> None:
    await store.delete_notifications_about(conn, kind, sender.id, post_id, recipient_id)
