"""0017 rebuilds `imports` (a new kind, `outbox`, and `source_uri`) and `import_failures`: jobs
and their reports made before it are kept as they were, and a job's failures still go with it."""

from redfed.db.connection import connect
from redfed.db.migrate import applied_versions, apply_migration, available_migrations


async def _rows(conn, sql, *params):
    async with conn.execute(sql, params) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def test_0017__keeps_earlier_jobs_and_reports_and_allows_outbox_jobs(tmp_path):
    conn = await connect(tmp_path / "db.sqlite3")
    before, [m0017] = [m for m in available_migrations() if m.version < 17], [m for m in available_migrations() if m.version == 17]
    await applied_versions(conn)  # makes the bookkeeping table
    for migration in before:
        await apply_migration(conn, migration)
    await conn.execute("INSERT INTO actors (id, uri, username, domain, is_local, published_at, updated_at) "
                       "VALUES (1, 'http://x/users/a', 'a', 'x', 1, 0, 0)")
    await conn.execute("INSERT INTO imports (id, actor_id, kind, mode, state, rows, total, processed, imported, created_at) "
                       "VALUES (7, 1, 'blocks', 'overwrite', 'done', '[]', 3, 3, 2, 5)")
    await conn.execute("INSERT INTO import_failures (import_id, row, value, error, detail) VALUES (7, 2, 'x@y', 'bad row', 'no')")
    await conn.commit()

    await apply_migration(conn, m0017)

    assert await _rows(conn, "SELECT id, kind, mode, state, total, processed, imported, source_uri FROM imports") == [
        (7, "blocks", "overwrite", "done", 3, 3, 2, None)
    ]
    assert await _rows(conn, "SELECT import_id, row, value, error, detail FROM import_failures") == [(7, 2, "x@y", "bad row", "no")]
    await conn.execute("INSERT INTO imports (id, actor_id, kind, created_at, source_uri) VALUES (8, 1, 'outbox', 6, 'http://o/users/a')")
    await conn.execute("DELETE FROM imports WHERE id = 7")
    await conn.commit()
    assert await _rows(conn, "SELECT import_id FROM import_failures") == []  # the report went with its job
    assert await _rows(conn, "PRAGMA foreign_key_check") == []
    assert "imports_v2" not in str(await _rows(conn, "SELECT sql FROM sqlite_master"))
    await conn.close()
