"""SQL for creators' payment-provider webhooks and the events already acted on (layer 2)."""

from dataclasses import dataclass

from ...db.api import Connection


@dataclass(frozen=True)
class Webhook:
    creator_id: int
    provider: str  # kofi or stripe
    token: str
    secret: str
    created_at: int


_SELECT = "SELECT creator_id, provider, token, secret, created_at FROM supporter_webhooks"


async def put_webhook(conn: Connection, hook: Webhook) -> None:
    await conn.execute(
        "INSERT INTO supporter_webhooks (creator_id, provider, token, secret, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (creator_id, provider) DO UPDATE SET token = excluded.token, secret = excluded.secret, "
        "created_at = excluded.created_at",
        (hook.creator_id, hook.provider, hook.token, hook.secret, hook.created_at),
    )


async def delete_webhook(conn: Connection, creator_id: int, provider: str) -> bool:
    cursor = await conn.execute(
        "DELETE FROM supporter_webhooks WHERE creator_id = ? AND provider = ?", (creator_id, provider)
    )
    return cursor.rowcount > 0


async def list_webhooks(conn: Connection, creator_id: int) -> list[Webhook]:
    async with conn.execute(f"{_SELECT} WHERE creator_id = ? ORDER BY provider", (creator_id,)) as cursor:
        return [Webhook(*row) for row in await cursor.fetchall()]


async def find_webhook(conn: Connection, provider: str, token: str) -> Webhook | None:
    async with conn.execute(f"{_SELECT} WHERE provider = ? AND token = ?", (provider, token)) as cursor:
        row = await cursor.fetchone()
    return Webhook(*row) if row else None


async def claim_event(conn: Connection, provider: str, event_id: str, creator_id: int, now: int) -> bool:
    """Remember an event; False when it was already seen (a replay)."""
    cursor = await conn.execute(
        "INSERT OR IGNORE INTO supporter_webhook_events (provider, event_id, creator_id, received_at) VALUES (?, ?, ?, ?)",
        (provider, event_id, creator_id, now),
    )
    return cursor.rowcount > 0
