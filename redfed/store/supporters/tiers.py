"""SQL for a creator's support tiers (layer 2). No rules here."""

from dataclasses import dataclass

from ...db.api import Connection


@dataclass(frozen=True)
class Tier:
    id: int
    actor_id: int
    name: str
    description: str
    price: str
    url: str
    created_at: int


_SELECT = "SELECT id, actor_id, name, description, price, url, created_at FROM support_tiers"


async def insert_tier(conn: Connection, tier: Tier) -> None:
    await conn.execute(
        "INSERT INTO support_tiers (id, actor_id, name, description, price, url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (tier.id, tier.actor_id, tier.name, tier.description, tier.price, tier.url, tier.created_at),
    )


async def update_tier(conn: Connection, tier: Tier) -> None:
    await conn.execute(
        "UPDATE support_tiers SET name = ?, description = ?, price = ?, url = ? WHERE id = ?",
        (tier.name, tier.description, tier.price, tier.url, tier.id),
    )


async def delete_tier(conn: Connection, tier_id: int) -> None:
    await conn.execute("DELETE FROM support_tiers WHERE id = ?", (tier_id,))


async def get_tier(conn: Connection, tier_id: int) -> Tier | None:
    async with conn.execute(f"{_SELECT} WHERE id = ?", (tier_id,)) as cursor:
        row = await cursor.fetchone()
    return Tier(*row) if row else None


async def find_tier_by_name(conn: Connection, actor_id: int, name: str) -> Tier | None:
    async with conn.execute(f"{_SELECT} WHERE actor_id = ? AND lower(name) = lower(?)", (actor_id, name)) as cursor:
        row = await cursor.fetchone()
    return Tier(*row) if row else None


async def list_tiers(conn: Connection, actor_id: int) -> list[Tier]:
    async with conn.execute(f"{_SELECT} WHERE actor_id = ? ORDER BY id", (actor_id,)) as cursor:
        return [Tier(*row) for row in await cursor.fetchall()]


async def count_tiers(conn: Connection, actor_id: int) -> int:
    async with conn.execute("SELECT count(*) FROM support_tiers WHERE actor_id = ?", (actor_id,)) as cursor:
        return (await cursor.fetchone())[0]
