"""Migrations: forward-only files applied in order, each atomically with its version row."""

import sqlite3

import pytest

from redfed.db.connection import connect
from redfed.db.migrate import Migration, apply_migration, available_migrations, migrate
from redfed.errors import ConfigError


async def _tables(conn) -> set[str]:
    async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def test_migrate__builds_the_schema_from_an_empty_database(tmp_path):
    conn = await connect(tmp_path / "db.sqlite3")
    applied = await migrate(conn)
    assert [m.version for m in applied] == [m.version for m in available_migrations()]
    assert {"actors", "actor_keys", "users", "schema_migrations"} <= await _tables(conn)
    async with conn.execute("PRAGMA integrity_check") as cursor:
        assert (await cursor.fetchone())[0] == "ok"
    async with conn.execute("PRAGMA foreign_key_check") as cursor:
        assert await cursor.fetchall() == []
    await conn.close()


async def test_migrate__a_second_run_applies_nothing(tmp_path):
    conn = await connect(tmp_path / "db.sqlite3")
    await migrate(conn)
    assert await migrate(conn) == []
    async with conn.execute("SELECT count(*) FROM schema_migrations") as cursor:
        assert (await cursor.fetchone())[0] == len(available_migrations())
    await conn.close()


async def test_migrate__a_failing_migration_leaves_the_database_as_it_was(tmp_path):
    conn = await connect(tmp_path / "db.sqlite3")
    await migrate(conn)
    before = await _tables(conn)
    broken = Migration(9999, "broken", "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);")
    with pytest.raises(ConfigError, match="migration 9999_broken failed"):
        await apply_migration(conn, broken)
    assert await _tables(conn) == before
    async with conn.execute("SELECT 1 FROM schema_migrations WHERE version = 9999") as cursor:
        assert await cursor.fetchone() is None
    assert not conn.in_transaction
    await conn.close()


def test_migration_files__are_numbered_without_gaps():
    versions = [m.version for m in available_migrations()]
    assert versions == list(range(1, len(versions) + 1))


async def test_connection__enforces_foreign_keys_and_uses_wal(tmp_path):
    conn = await connect(tmp_path / "db.sqlite3")
    await migrate(conn)
    async with conn.execute("PRAGMA journal_mode") as cursor:
        assert (await cursor.fetchone())[0] == "wal"
    with pytest.raises(sqlite3.IntegrityError):
        await conn.execute(
            "INSERT INTO actor_keys (actor_id, key_id, kind, public_pem, created_at) VALUES (12345, 'k', 'rsa', 'x', 0)"
        )
    await conn.close()
