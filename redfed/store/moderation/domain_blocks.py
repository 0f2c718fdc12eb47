"""SQL for an admin's domain blocks and the marks they leave (layer 2). No business rules here.

`_COVERS` is protocol.domains.covers in SQL, over a host[:port] column: the block's own domain, or
(for a block without a port) the same host on any port and any subdomain. Stored domains are
normalised (letters, digits, dots, hyphens, an optional port), so LIKE needs no escaping.
"""

from ...db.api import Connection, Row
from ...models import DomainBlock
from ..id_pages import IdRange, fetch_page

_COLUMNS = "id, domain, severity, public_comment, private_comment, obfuscate, created_at, updated_at"
_SELECT = f"SELECT {_COLUMNS} FROM domain_blocks"


def covers(column: str) -> str:
    return (
        f"({column} = :domain OR (:domain NOT LIKE '%:%' AND ("
        f"{column} LIKE :domain || ':%' OR {column} LIKE '%.' || :domain OR {column} LIKE '%.' || :domain || ':%')))"
    )


def _row(row: Row) -> DomainBlock:
    values = list(row)
    values[5] = bool(values[5])
    return DomainBlock(*values)


async def list_all(conn: Connection) -> list[DomainBlock]:
    async with conn.execute(f"{_SELECT} ORDER BY domain") as cursor:
        return [_row(row) for row in await cursor.fetchall()]


async def list_page(conn: Connection, page: IdRange) -> list[DomainBlock]:
    return await fetch_page(conn, _SELECT, "TRUE", {}, page, "id", _row)


async def get(conn: Connection, block_id: int) -> DomainBlock | None:
    async with conn.execute(f"{_SELECT} WHERE id = ?", (block_id,)) as cursor:
        row = await cursor.fetchone()
    return _row(row) if row else None


async def find_by_domains(conn: Connection, domains: list[str]) -> list[DomainBlock]:
    marks = ", ".join("?" for _ in domains) or "NULL"
    async with conn.execute(f"{_SELECT} WHERE domain IN ({marks})", domains) as cursor:
        return [_row(row) for row in await cursor.fetchall()]


async def insert(
    conn: Connection, domain: str, severity: str, public_comment: str, private_comment: str,
    obfuscate: bool, now: int,
) -> DomainBlock:
    async with conn.execute(
        "INSERT INTO domain_blocks (domain, severity, public_comment, private_comment, obfuscate, created_at, updated_at) "
        f"VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
        (domain, severity, public_comment, private_comment, int(obfuscate), now, now),
    ) as cursor:
        return _row(await cursor.fetchone())


async def update(conn: Connection, block: DomainBlock) -> DomainBlock:
    async with conn.execute(
        "UPDATE domain_blocks SET severity = ?, public_comment = ?, private_comment = ?, obfuscate = ?, updated_at = ? "
        f"WHERE id = ? RETURNING {_COLUMNS}",
        (block.severity, block.public_comment, block.private_comment, int(block.obfuscate), block.updated_at, block.id),
    ) as cursor:
        return _row(await cursor.fetchone())


async def delete(conn: Connection, block_id: int) -> None:
    await conn.execute("DELETE FROM domain_blocks WHERE id = ?", (block_id,))


async def mark_actors(conn: Connection, domain: str, column: str, at: int) -> int:
    """Set `column` (suspended_at or silenced_at) to `at` on the remote actors the block covers
    that carry no such mark yet; how many were marked."""
    cursor = await conn.execute(
        f"UPDATE actors SET {_mark(column)} = :at WHERE is_local = 0 AND {_mark(column)} IS NULL AND {covers('domain')}",
        {"domain": domain, "at": at},
    )
    return cursor.rowcount


async def unmark_actors(conn: Connection, domain: str, column: str, at: int) -> int:
    """Clear the marks this block made (those carrying its time), leaving other moderation alone."""
    cursor = await conn.execute(
        f"UPDATE actors SET {_mark(column)} = NULL WHERE is_local = 0 AND {_mark(column)} = :at AND {covers('domain')}",
        {"domain": domain, "at": at},
    )
    return cursor.rowcount


def _mark(column: str) -> str:
    if column not in ("suspended_at", "silenced_at"):
        raise ValueError(column)
    return column


async def drop_pending_deliveries(conn: Connection, domain: str, now: int) -> int:
    """Queued deliveries to the domain end as failed, with the reason on the row."""
    cursor = await conn.execute(
        "UPDATE deliveries SET state = 'failed', last_error = 'domain is suspended', finished_at = :now, "
        f"claimed_until = NULL WHERE state = 'pending' AND {covers('host')}",
        {"domain": domain, "now": now},
    )
    return cursor.rowcount
