"""Forward-only schema migrations (layer 2).

Files named NNNN_words.sql ship as the package redfed._migrations (the top-level migrations/
folder). Each pending file runs in one transaction together with its schema_migrations row, so a
failing migration leaves the database exactly as it was. Applying is idempotent.

The runner writes BEGIN and COMMIT itself: sqlite3's executescript() commits any pending
transaction first and performs no other transaction control.
"""

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

import aiosqlite

from ..clock import now_ms
from ..errors import ConfigError
from .connection import connect

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
)
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    found = []
    for entry in resources.files("redfed._migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ConfigError("two migration files share a version number")
    return found


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


async def migrate_database(path) -> list[Migration]:
    """Open `path` on a connection of its own, apply pending migrations, close."""
    conn = await connect(path)
    try:
        return await migrate(conn)
    finally:
        await conn.close()
