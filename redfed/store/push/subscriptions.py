"""SQL for push subscriptions, one per access token (layer 2). No business rules here."""

import json
from dataclasses import dataclass

from ...db.api import Connection

_COLUMNS = "id, token_id, actor_id, endpoint, p256dh, auth, access_token, alerts, policy, standard, created_at"


@dataclass(frozen=True)
class Subscription:
    id: int
    token_id: int
    actor_id: int
    endpoint: str
    p256dh: str
    auth: str
    access_token: str
    alerts: dict[str, bool]
    policy: str
    standard: bool
    created_at: int


def _row_to_subscription(row) -> Subscription:
    return Subscription(*row[:7], json.loads(row[7]), row[8], bool(row[9]), row[10])


async def save_subscription(conn: Connection, s: Subscription) -> Subscription:
    """Create the token's subscription, or replace it whole (Mastodon: a new POST replaces)."""
    async with conn.execute(
        "INSERT INTO push_subscriptions (token_id, actor_id, endpoint, p256dh, auth, access_token, alerts, policy, "
        "standard, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (token_id) DO UPDATE SET "
        "endpoint = excluded.endpoint, p256dh = excluded.p256dh, auth = excluded.auth, "
        "access_token = excluded.access_token, alerts = excluded.alerts, policy = excluded.policy, "
        f"standard = excluded.standard, created_at = excluded.created_at RETURNING {_COLUMNS}",
        (s.token_id, s.actor_id, s.endpoint, s.p256dh, s.auth, s.access_token, json.dumps(s.alerts), s.policy,
         int(s.standard), s.created_at),
    ) as cursor:
        return _row_to_subscription(await cursor.fetchone())


async def update_alerts(conn: Connection, token_id: int, alerts: dict[str, bool], policy: str) -> Subscription | None:
    async with conn.execute(
        f"UPDATE push_subscriptions SET alerts = ?, policy = ? WHERE token_id = ? RETURNING {_COLUMNS}",
        (json.dumps(alerts), policy, token_id),
    ) as cursor:
        row = await cursor.fetchone()
    return _row_to_subscription(row) if row else None


async def find_by_token(conn: Connection, token_id: int) -> Subscription | None:
    async with conn.execute(f"SELECT {_COLUMNS} FROM push_subscriptions WHERE token_id = ?", (token_id,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_subscription(row) if row else None


async def list_for_actor(conn: Connection, actor_id: int) -> list[Subscription]:
    """The account's subscriptions whose token still works."""
    async with conn.execute(
        f"SELECT {', '.join('push_subscriptions.' + c for c in _COLUMNS.split(', '))} FROM push_subscriptions "
        "JOIN oauth_tokens ON oauth_tokens.id = push_subscriptions.token_id "
        "WHERE push_subscriptions.actor_id = ? AND oauth_tokens.revoked_at IS NULL ORDER BY push_subscriptions.id",
        (actor_id,),
    ) as cursor:
        return [_row_to_subscription(row) for row in await cursor.fetchall()]


async def delete_by_token(conn: Connection, token_id: int) -> None:
    await conn.execute("DELETE FROM push_subscriptions WHERE token_id = ?", (token_id,))


async def delete_subscriptions(conn: Connection, ids: list[int]) -> None:
    """Subscriptions whose push service said they are gone (404/410); their queue goes with them."""
    await conn.executemany("DELETE FROM push_subscriptions WHERE id = ?", [(i,) for i in ids])
