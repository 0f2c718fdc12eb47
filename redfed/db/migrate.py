"""Forward-only schema migrations (layer 2).

Files named NNNN_words.sql ship as the package redfed._migrations (the top-level migrations/
folder). Each pending file runs in one transaction together with its schema_migrations row, so a
failing migration leaves the database exactly as it was. Applying is idempotent.

PostgreSQL reads the same files, except where `postgresql/NNNN_words.sql` exists: that file
replaces the top-level one of its number, and a `postgresql/NNNN_baseline.sql` replaces every
migration up to its number at once (PostgreSQL support began at 0017, with nothing to upgrade).
Both databases record each version under the name of its top-level file. PostgreSQL's runner is
`migrate_postgres`.

The runner writes BEGIN and COMMIT itself: sqlite3's executescript() commits any pending
transaction first and performs no other transaction control.
"""

import sqlite3
from pathlib import Path

import aiosqlite

from ..clock import now_ms
from ..errors import ConfigError
from . import migrate_postgres
from .connection import connect
from .migration_files import Migration, available_migrations
from .urls import DatabaseUrl

_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
)
"""


async def applied_versions(conn: aiosqlite.Connection) -> set[int]:
    await conn.execute(_BOOKKEEPING)
    async with conn.execute("SELECT version FROM schema_migrations") as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def migrate(conn: aiosqlite.Connection) -> list[Migration]:
    """Apply every pending migration; return the ones applied now."""
    done = await applied_versions(conn)
    pending = [m for m in available_migrations() if m.version not in done]
    for migration in pending:
        await apply_migration(conn, migration)
    return pending


async def apply_migration(conn: aiosqlite.Connection, migration: Migration) -> None:
    # executescript() cannot bind parameters; both values are safe by construction (an int and a
    # name that matched [a-z0-9_]+).
    record = (
        "INSERT INTO schema_migrations (version, name, applied_at) "
        f"VALUES ({migration.version}, '{migration.name}', {now_ms()});"
    )
    script = f"BEGIN IMMEDIATE;\n{migration.sql}\n;{record}\nCOMMIT;"
    try:
        await conn.executescript(script)
    except sqlite3.Error as e:
        if conn.in_transaction:
            await conn.execute("ROLLBACK")
        raise ConfigError(f"migration {migration.version:04d}_{migration.name} failed: {e}") from e


async def migrate_database(target: DatabaseUrl | Path) -> list[Migration]:
    """Open the database on a connection of its own, apply pending migrations, close."""
    if isinstance(target, DatabaseUrl) and target.dialect == "postgresql":
        return await migrate_postgres.migrate(target)
    conn = await connect(target.path if isinstance(target, DatabaseUrl) else target)
    try:
        return await migrate(conn)
    finally:
        await conn.close()
