"""SQL for the versions of what processes keep in memory (layer 2): triggers bump a version with
every change to the table it covers (migration 0019); on PostgreSQL they also NOTIFY CHANNEL."""

from ..db.api import Connection


CHANNEL = "redfed_caches"


async def version(conn: Connection, name: str) -> int:
    async with conn.execute("SELECT version FROM cache_versions WHERE name = ?", (name,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else 0
