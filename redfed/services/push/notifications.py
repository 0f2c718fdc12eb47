"""Pushes for a new notification (layer 4), queued in the notification's own transaction.

Each of the recipient's subscriptions gets a row when it asked for the notification's type and
its policy admits the sender: `all`, `followed` (accounts the recipient follows), `follower`
(accounts that follow the recipient) or `none`. The payload is Mastodon's
(app/serializers/web/notification_serializer.rb): the token, so an app knows which account it is
for, the notification's id and type, and a title and body to show before the app fetches more.
"""

import json

from ...content import html_to_text
from ...db.api import Connection
from ...models import Actor
from ...store import posts as post_store
from ...store.accounts import users as user_store
from ...store.push import deliveries as store
from ...store.push import subscriptions as subscription_store
from ...store.push.subscriptions import Subscription
from ...store.social import follows as follow_store

# Mastodon's English titles (config/locales/en.yml, notification_mailer.*.subject).
TITLES = {
    "mention": "You were mentioned by {name}",
    "status": "{name} just posted",
    "reblog": "{name} boosted your post",
    "follow": "{name} is now following you",
    "follow_request": "Pending follower: {name}",
    "favourite": "{name} favorited your post",
    "poll": "A poll you have voted in has ended",
    "update": "{name} edited a post",
    "quote": "{name} quoted your post",
}
BODY_CHARACTERS = 140  # Mastodon's truncation; a push message holds about 4 kB in all


async def queue_pushes(
    conn: Connection, recipient_id: int, notification_id: int, kind: str, sender: Actor, post_id: int | None,
    now: int,
) -> None:
    if kind not in TITLES:
        return
    wanted = [s for s in await subscription_store.list_for_actor(conn, recipient_id) if s.alerts.get(kind)]
    admitted = [s for s in wanted if await _policy_admits(conn, s, sender)]
    if not admitted:
        return
    payload = await _payload(conn, recipient_id, notification_id, kind, sender, post_id)
    # The access token is added when the message is encrypted (federation.push), so the queue
    # keeps no copy of it.
    await store.insert_pushes(conn, [(s.id, json.dumps(payload)) for s in admitted], now)


async def _policy_admits(conn: Connection, subscription: Subscription, sender: Actor) -> bool:
    match subscription.policy:
        case "all":
            return True
        case "followed":
            return await _follows(conn, subscription.actor_id, sender.id)
        case "follower":
            return await _follows(conn, sender.id, subscription.actor_id)
    return False


async def _follows(conn: Connection, follower_id: int, followee_id: int) -> bool:
    follow = await follow_store.find_follow(conn, follower_id, followee_id)
    return follow is not None and follow.state == "accepted"


async def _payload(
    conn: Connection, recipient_id: int, notification_id: int, kind: str, sender: Actor, post_id: int | None,
) -> dict:
    user = await user_store.find_user_by_actor(conn, recipient_id)
    post = await post_store.get_post(conn, post_id) if post_id is not None else None
    text = (post.summary or html_to_text(post.content)) if post is not None else html_to_text(sender.summary)
    return {
        "preferred_locale": user.locale if user else "en",
        "notification_id": str(notification_id),
        "notification_type": kind,
        "icon": _avatar(sender),
        "title": TITLES[kind].format(name=sender.display_name or sender.username),
        "body": _truncate(text),
    }


def _avatar(actor: Actor) -> str | None:
    if actor.icon_url or not actor.is_local:
        return actor.icon_url
    # Local accounts without a picture show the default, served beside the actor.
    return actor.uri.split("/users/", 1)[0] + "/static/avatar.png"


def _truncate(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= BODY_CHARACTERS else text[: BODY_CHARACTERS - 1] + "…"
