"""SQL for profile payment links (layer 2): FEP-0ea0 links of local and remote actors. No rules here.

`PaymentLink` is defined here rather than in models.py only to keep this increment out of that
shared file; it is a plain row like the others.
"""

from dataclasses import dataclass

from ...db.api import Connection



@dataclass(frozen=True)
class PaymentLink:
    href: str
    name: str = ""


async def replace_links(conn: Connection, actor_id: int, links: list[PaymentLink]) -> None:
    """The actor's links become `links`, in that order."""
    await conn.execute("DELETE FROM payment_links WHERE actor_id = ?", (actor_id,))
    await conn.executemany(
        "INSERT INTO payment_links (actor_id, position, href, name) VALUES (?, ?, ?, ?)",
        [(actor_id, position, link.href, link.name) for position, link in enumerate(links)],
    )


async def list_links(conn: Connection, actor_id: int) -> list[PaymentLink]:
    sql = "SELECT href, name FROM payment_links WHERE actor_id = ? ORDER BY position"
    async with conn.execute(sql, (actor_id,)) as cursor:
        return [PaymentLink(href, name) for href, name in await cursor.fetchall()]
