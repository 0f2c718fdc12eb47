"""`redfed db copy`: an SQLite instance's rows into an empty PostgreSQL database (layer 2).

Both databases are migrated to the same version first, so their tables match. Tables are copied
parents first (the order their foreign keys give), in batches taken by SQLite's rowid; each batch
commits together with a progress row in the target, so a copy that stops anywhere resumes from
its last batch and never copies a row twice. A column that refers to its own table (a reply's
parent post) is filled in by a second pass, once every row it may point at is there. At the end
the identity sequences move past the copied ids, every table's rows are counted on both sides,
and the progress table goes: from then on the target is an ordinary redfed database.

The target must be empty (or hold an interrupted copy).
"""

import contextlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from ..errors import ConfigError
from .migrate import migrate_database
from .postgres import connect_one
from .urls import DatabaseUrl

BATCH_ROWS = 500
_PROGRESS = "redfed_db_copy"
# The search index and the live-update buffer are filled by triggers as posts and notifications
# arrive; the buffer's rows from the copy itself are then dropped (nobody was streaming).
_NOT_COPIED = ("schema_migrations", "post_search", "stream_events", _PROGRESS)
# Tables a migration fills in: the target has their rows from its own migration, replaced by the
# source's.
_SEEDED = ("cache_versions",)

# (table, rows copied, rows in all) after each batch; table "posts (links)" for a second pass.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # in the target; "rowid" on a table that names SQLite's rowid
    self_references: tuple[str, ...]  # columns pointing into the same table


async def copy_database(source: Path, target: DatabaseUrl, progress: Progress, batch_rows: int = BATCH_ROWS) -> dict[str, int]:
    """Copy every row of the SQLite file `source` into `target`; the rows per table."""
    await migrate_database(source)
    await migrate_database(target)
    with contextlib.closing(sqlite3.connect(source)) as reader:
        conn = await connect_one(target)
        try:
            # COPY sends values in binary; citext's binary form is text's (UTF-8), which asyncpg
            # does not know by itself.
            await conn.set_type_codec("citext", encoder=str.encode, decoder=bytes.decode, format="binary")
            tables = await _plan(reader, conn)
            await _claim_target(conn, tables)
            for table in tables:
                await _copy_rows(reader, conn, table, batch_rows, progress)
                if table.self_references:
                    await _copy_links(reader, conn, table, batch_rows, progress)
            await _advance_identities(conn, tables)
            counts = await _compare_counts(reader, conn, tables)
            await conn.execute(f"DELETE FROM stream_events; DROP TABLE {_PROGRESS}")
            return counts
        finally:
            await conn.close()


async def _plan(reader: sqlite3.Connection, conn: asyncpg.Connection) -> list[Table]:
    names = [row[0] for row in reader.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )]
    names = [n for n in names if not n.startswith(_NOT_COPIED)]
    target_columns = await _target_columns(conn)
    tables, parents = {}, {}
    for name in names:
        if name not in target_columns:
            raise ConfigError(f"table {name} is missing from the target database")
        references = reader.execute(f"PRAGMA foreign_key_list('{name}')").fetchall()
        parents[name] = {row[2] for row in references} - {name}
        own = tuple(row[3] for row in references if row[2] == name)
        tables[name] = Table(name, target_columns[name], own)
    return [tables[name] for name in _parents_first(parents)]


async def _target_columns(conn: asyncpg.Connection) -> dict[str, tuple[str, ...]]:
    rows = await conn.fetch(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["table_name"], []).append(row["column_name"])
    return {name: tuple(columns) for name, columns in found.items()}


def _parents_first(parents: dict[str, set[str]]) -> list[str]:
    ordered: list[str] = []
    while len(ordered) < len(parents):
        ready = sorted(n for n, needs in parents.items() if n not in ordered and needs <= set(ordered))
        if not ready:
            raise ConfigError("the tables' foreign keys form a cycle; cannot order the copy")
        ordered.extend(ready)
    return ordered


async def _claim_target(conn: asyncpg.Connection, tables: list[Table]) -> None:
    """Refuse a target that holds data, unless it is this command's interrupted copy."""
    resuming = await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", _PROGRESS)
    if resuming:
        return
    for table in tables:
        if table.name not in _SEEDED and await conn.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table.name}")'):
            raise ConfigError(f"the target database is not empty (table {table.name} has rows); refusing to copy into it")
    async with conn.transaction():
        await conn.execute(f"CREATE TABLE {_PROGRESS} (step TEXT PRIMARY KEY, last_rowid BIGINT NOT NULL)")
        for name in _SEEDED:
            await conn.execute(f'DELETE FROM "{name}"')


async def _copy_rows(reader, conn, table: Table, batch_rows: int, progress: Progress) -> None:
    selected = ", ".join("NULL" if c in table.self_references else f'"{c}"' for c in table.columns)
    await _in_batches(
        reader, conn, table, table.name, f"SELECT rowid, {selected} FROM \"{table.name}\"", batch_rows, progress,
        lambda rows: conn.copy_records_to_table(table.name, records=[row[1:] for row in rows], columns=table.columns),
    )


async def _copy_links(reader, conn, table: Table, batch_rows: int, progress: Progress) -> None:
    # Only posts point at themselves (replies, boosts), by their `id`.
    links = table.self_references
    sets = ", ".join(f'"{column}" = ${i + 2}' for i, column in enumerate(links))
    update = f'UPDATE "{table.name}" SET {sets} WHERE id = $1'
    selected = ", ".join(f'"{column}"' for column in links)
    await _in_batches(
        reader, conn, table, f"{table.name} (links)", f'SELECT rowid, id, {selected} FROM "{table.name}"',
        batch_rows, progress,
        lambda rows: conn.executemany(update, [row[1:] for row in rows if any(v is not None for v in row[2:])]),
    )


async def _in_batches(reader, conn, table: Table, step: str, select: str, batch_rows: int, progress: Progress, write) -> None:
    total = reader.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
    last = await conn.fetchval(f"SELECT last_rowid FROM {_PROGRESS} WHERE step = $1", step) or 0
    done = reader.execute(f'SELECT count(*) FROM "{table.name}" WHERE rowid <= ?', (last,)).fetchone()[0]
    progress(step, done, total)
    while True:
        rows = reader.execute(f"{select} WHERE rowid > ? ORDER BY rowid LIMIT ?", (last, batch_rows)).fetchall()
        if not rows:
            return
        async with conn.transaction():
            await write(rows)
            last = rows[-1][0]
            await conn.execute(
                f"INSERT INTO {_PROGRESS} (step, last_rowid) VALUES ($1, $2) "
                "ON CONFLICT (step) DO UPDATE SET last_rowid = excluded.last_rowid",
                step, last,
            )
        done += len(rows)
        progress(step, done, total)


async def _advance_identities(conn: asyncpg.Connection, tables: list[Table]) -> None:
    """Rows were copied with their ids: the next id PostgreSQL hands out must come after them."""
    identities = await conn.fetch(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    copied = {table.name for table in tables}
    for row in identities:
        if row["table_name"] in copied:
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(\"{row['column_name']}\") "
                f"FROM \"{row['table_name']}\"), 0) + 1, false)",
                row["table_name"], row["column_name"],
            )


async def _compare_counts(reader, conn, tables: list[Table]) -> dict[str, int]:
    counts = {}
    for table in tables:
        source = reader.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
        target = await conn.fetchval(f'SELECT count(*) FROM "{table.name}"')
        if source != target:
            raise ConfigError(f"table {table.name}: {source} rows in SQLite but {target} in PostgreSQL after the copy")
        counts[table.name] = source
    return counts
