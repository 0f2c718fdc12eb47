"""Schema migrations on PostgreSQL (layer 2): the files `migration_files` picks for it.

Several processes may start at once against one database (`redfed serve` twice, a worker): an
advisory lock held for the whole run makes the second wait and then find nothing to do. Each file
runs in one transaction with its schema_migrations rows, as on SQLite.
"""

import asyncpg

from ..clock import now_ms
from ..errors import ConfigError
from .migration_files import Migration, available_migrations
from .postgres import DIALECT, connect_one
from .urls import DatabaseUrl

_LOCK = 0x7265_6466_6564  # "redfed": one number every redfed process agrees on
_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)
"""


async def migrate(url: DatabaseUrl) -> list[Migration]:
    """Apply every pending migration; return the ones applied now."""
    conn = await connect_one(url)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", _LOCK)
        await conn.execute(_BOOKKEEPING)
        done = {row[0] for row in await conn.fetch("SELECT version FROM schema_migrations")}
        pending = [m for m in available_migrations(DIALECT) if m.version not in done]
        for migration in pending:
            await _apply(conn, migration)
        return pending
    finally:
        await conn.close()  # the lock goes with the session


async def _apply(conn: asyncpg.Connection, migration: Migration) -> None:
    try:
        async with conn.transaction():
            await conn.execute(migration.sql)
            await conn.executemany(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                [(version, name, now_ms()) for version, name in migration.recorded()],
            )
    except asyncpg.PostgresError as e:
        raise ConfigError(f"migration {migration.version:04d}_{migration.name} failed: {e}") from e
