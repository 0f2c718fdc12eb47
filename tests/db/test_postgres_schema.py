"""The PostgreSQL baseline (migrations/postgresql/0017_baseline.sql) is the schema SQLite has after
migrations 0001-0017: the same tables, columns in the same order with matching types, NOT NULLs,
defaults, indexes, keys, CHECKs and triggers, and a `redfed_text` that prepares post HTML for the
index exactly as `indexed_text` does.

Runs when REDFED_TEST_DATABASE_URL names a PostgreSQL server where the test may CREATE DATABASE
(`.ci/start-postgres` starts one); each run makes a database of its own and drops it at the end.
"""

import asyncio
import html.entities
import re
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redfed.db.connection import connect
from redfed.db.migrate import applied_versions, apply_migration, available_migrations
from redfed.store.discovery.search import indexed_text

from ..support.postgres import baseline_database, needs_postgres

pytestmark = needs_postgres

# SQLite's declared type → PostgreSQL's (an FTS5 column declares none).
SQLITE_TYPES = {"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision", "BLOB": "bytea", "": "text"}
# What PostgreSQL has beyond SQLite's columns, on purpose: web_sessions' implicit rowid made
# explicit (the store selects and deletes by it), and the FTS5 table as a table with a key and
# its tokens.
EXTRA_COLUMNS = {
    "web_sessions": {"after": [("rowid", "bigint", True, None)]},
    "post_search": {"before": [("rowid", "bigint", True, None)], "after": [("document", "tsvector", False, None)]},
}
EXTRA_KEYS = {("web_sessions", ("rowid",)), ("post_search", ("rowid",))}
EXTRA_INDEXES = {"post_search_document", "post_search_trigram"}


BASELINE_VERSION = 17


async def _migrate_to(path, version: int) -> None:
    """SQLite as it was when the baseline was written (later migrations are not compared yet)."""
    conn = await connect(path)
    try:
        await applied_versions(conn)
        for migration in available_migrations():
            if migration.version <= version:
                await apply_migration(conn, migration)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def pg():
    with baseline_database() as database:
        yield database


@pytest.fixture(scope="module")
def lite(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "db.sqlite3"
    asyncio.run(_migrate_to(path, BASELINE_VERSION))
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


def _sqlite_tables(lite) -> list[str]:
    rows = lite.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "AND name NOT LIKE 'post\\_search\\_%' ESCAPE '\\' AND name != 'schema_migrations'"
    )
    return sorted(row[0] for row in rows)


def _pg_tables(pg) -> list[str]:
    return sorted(r[0] for r in pg.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))


def _default(value) -> str | None:
    # '[]'::text and '[]' are one default; so are 0 and (0).
    return None if value is None else re.sub(r"::[a-z ]+$", "", value).strip("()")


def _sqlite_columns(lite, table: str) -> list[tuple]:
    rows = lite.execute(f"PRAGMA table_info({table})").fetchall()
    # A PRIMARY KEY column is NOT NULL on PostgreSQL. On SQLite an INTEGER one is too (the rowid);
    # another may hold NULL, a quirk SQLite keeps for compatibility and no code relies on.
    return [(name, SQLITE_TYPES[kind], bool(notnull or pk), _default(default))
            for _, name, kind, notnull, default, pk in rows]


def _pg_columns(pg, table: str) -> list[tuple]:
    rows = pg.fetch(
        "SELECT column_name, CASE WHEN data_type = 'USER-DEFINED' THEN udt_name ELSE data_type END, "
        "is_nullable = 'NO', column_default FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        table,
    )
    return [(name, "text" if kind == "citext" else kind, notnull, _default(default))
            for name, kind, notnull, default in rows]


def test_baseline__has_the_tables_of_sqlite(pg, lite):
    assert _pg_tables(pg) == _sqlite_tables(lite)


def test_baseline__columns_keep_sqlite_order_types_not_nulls_and_defaults(pg, lite):
    for table in _sqlite_tables(lite):
        extra = EXTRA_COLUMNS.get(table, {})
        expected = extra.get("before", []) + _sqlite_columns(lite, table) + extra.get("after", [])
        assert _pg_columns(pg, table) == expected, table


def test_baseline__case_blind_columns_are_citext(pg, lite):
    nocase = {row[0] for row in lite.execute("SELECT name FROM sqlite_master WHERE sql LIKE '%COLLATE NOCASE%'")}
    citext = {r[0] for r in pg.fetch(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND udt_name = 'citext'"
    )}
    assert citext == nocase == {"users"}


def _sqlite_indexes(lite) -> dict[str, tuple]:
    """Named indexes: table, uniqueness, partial or not, and the key (None for an expression)."""
    found = {}
    for name, table, sql in lite.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ):
        key = tuple(row[2] for row in lite.execute(f"PRAGMA index_xinfo({name})") if row[5])
        found[name] = (table, sql.upper().startswith("CREATE UNIQUE"), " WHERE " in sql.upper(), key)
    return found


def _pg_indexes(pg) -> dict[str, tuple]:
    rows = pg.fetch(
        "SELECT i.relname, t.relname, x.indisunique, x.indpred IS NOT NULL, "
        "  array(SELECT a.attname FROM unnest(x.indkey[0:x.indnkeyatts - 1]) WITH ORDINALITY k(num, n) "
        "        LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.num ORDER BY k.n) "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "JOIN pg_namespace s ON s.oid = t.relnamespace WHERE s.nspname = 'public'"
    )
    return {name: (table, unique, partial, tuple(key)) for name, table, unique, partial, key in rows}


def test_baseline__has_every_named_index_of_sqlite_alike(pg, lite):
    named = _sqlite_indexes(lite)
    ours = {name: index for name, index in _pg_indexes(pg).items() if name in named}
    assert ours == named
    assert EXTRA_INDEXES <= set(_pg_indexes(pg))


def _sqlite_keys(lite) -> set[tuple]:
    """Primary keys and UNIQUE constraints, as (table, columns)."""
    keys = set()
    for table in _sqlite_tables(lite):
        info = lite.execute(f"PRAGMA table_info({table})").fetchall()
        primary = tuple(row[1] for row in sorted(info, key=lambda row: row[5]) if row[5])
        if primary:
            keys.add((table, primary))
        for _, name, unique, origin, _ in lite.execute(f"PRAGMA index_list({table})"):
            if unique and origin in ("u", "pk"):
                keys.add((table, tuple(row[2] for row in lite.execute(f"PRAGMA index_info({name})"))))
    return keys


def test_baseline__has_the_same_primary_keys_and_unique_constraints(pg, lite):
    named = set(_sqlite_indexes(lite))
    keys = {(table, key) for name, (table, unique, _, key) in _pg_indexes(pg).items()
            if unique and name not in named and name not in EXTRA_INDEXES}
    assert keys == _sqlite_keys(lite) | EXTRA_KEYS


_ON_DELETE = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def test_baseline__has_the_same_foreign_keys_and_delete_actions(pg, lite):
    # Every foreign key here is on one column.
    expected = set()
    for table in _sqlite_tables(lite):
        for row in lite.execute(f"PRAGMA foreign_key_list({table})"):
            expected.add((table, row[3], row[2], row[4], row[6]))
    rows = pg.fetch(
        "SELECT t.relname, a.attname, r.relname, ra.attname, c.confdeltype::text FROM pg_constraint c "
        "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid "
        "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = c.conkey[1] "
        "JOIN pg_attribute ra ON ra.attrelid = r.oid AND ra.attnum = c.confkey[1] WHERE c.contype = 'f'"
    )
    assert {(table, column, target, key, _ON_DELETE[action]) for table, column, target, key, action in rows} == expected


def test_baseline__has_as_many_checks_per_table(pg, lite):
    tables = set(_sqlite_tables(lite))
    expected = {
        name: len(re.findall(r"\bCHECK\s*\(", re.sub(r"--[^\n]*", "", sql)))
        for name, sql in lite.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'") if name in tables
    }
    rows = pg.fetch(
        "SELECT t.relname, count(c.oid) FROM pg_class t JOIN pg_namespace s ON s.oid = t.relnamespace "
        "LEFT JOIN pg_constraint c ON c.conrelid = t.oid AND c.contype = 'c' "
        "WHERE s.nspname = 'public' AND t.relkind = 'r' GROUP BY t.relname"
    )
    assert dict(rows) == expected


def test_baseline__has_the_triggers_of_sqlite(pg, lite):
    expected = {(row[0], row[1]) for row in lite.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")}
    rows = pg.fetch("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
    assert set(rows) == expected


# Sanitised post HTML, and worse: tags, every kind of character reference (named, legacy without
# a semicolon, decimal and hex, invalid code points), CJK text and punctuation, any other text.
_NAMES = sorted(html.entities.html5)
# Code points whose references the HTML standard replaces or drops, and ones past Unicode.
_code_point = st.one_of(st.integers(0, 0x11_0000), st.sampled_from(
    [0, 9, 11, 13, 127, *range(0x80, 0xA0), 0xD800, 0xDFFF, 0xFDD0, 0xFFFE, 0x1FFFF, 0x10FFFF, 0x110000, 10**12]
))
_fragment = st.one_of(
    st.sampled_from(["<p>", "</p>", "<br>", "<br />", '<a href="https://x.example/?a=1&amp;b=2">', "</a>",
                     "<span class=\"h-card\">", "&", "&#", "&#x", ";", "<", ">", "\n", " "]),
    st.sampled_from(_NAMES).map(lambda name: "&" + name),
    _code_point.map(lambda n: f"&#{n};"),
    st.tuples(_code_point, st.booleans(), st.sampled_from(["", ";", "0", "zz"])).map(
        lambda t: (f"&#x{t[0]:X}" if t[1] else f"&#{t[0]:07d}") + t[2]
    ),
    st.text("我喜欢咖啡カフェで커피。、「」！？　〇…ｱ好𠀀", max_size=8),
    st.text("abcÉéüßﬁ½²0123 .,'-_", max_size=8),
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=8),
)


@given(st.lists(_fragment, max_size=30).map("".join))
def test_redfed_text__is_indexed_text(pg, value):
    assert pg.fetch("SELECT redfed_text($1)", value)[0][0] == indexed_text(value)


def test_redfed_text__of_null_is_empty(pg):
    assert pg.fetch("SELECT redfed_text(NULL)") == [("",)]


def test_redfed_text__decodes_every_kind_of_reference_as_html_unescape(pg):
    numeric = [0, 9, 11, 13, 65, 127, *range(0x80, 0xA0), 0xD800, 0xFDD0, 0xFFFE, 0x1FFFF, 0x10FFFF, 0x110000]
    values = [
        "".join(f"&#{n};&#x{n:x}" for n in numeric),
        "".join(f"&{name}" for name in _NAMES),  # every name, the legacy ones without a semicolon
        "&ampfoo; &notin &notit; &copy2024 &#00000000065 &#x0000041 &# &#x; &unknown; &&amp",
    ]
    for value in values:
        assert pg.fetch("SELECT redfed_text($1)", value)[0][0] == indexed_text(value)


def test_triggers__keep_the_index_and_the_event_log_in_step_with_posts(pg):
    pg.execute("TRUNCATE actors, stream_events RESTART IDENTITY CASCADE")
    pg.execute("INSERT INTO actors (id, uri, username, domain, is_local, published_at, updated_at) VALUES "
               "(1, 'https://example.org/users/alice', 'alice', 'example.org', 1, 0, 0), "
               "(2, 'https://example.org/users/bob', 'bob', 'example.org', 1, 0, 0)")
    pg.execute("INSERT INTO posts (id, uri, actor_id, is_local, visibility, content, published_at, created_at) "
               "VALUES (1, 'https://example.org/posts/1', 1, 1, 'unlisted', '<p>hello #tea</p>', 0, 0), "
               "(2, 'https://example.org/posts/2', 2, 1, 'public', '<p>evening coffee</p>', 0, 0)")
    pg.execute("INSERT INTO posts (id, uri, actor_id, is_local, visibility, reblog_of_id, published_at, created_at) "
               "VALUES (3, 'https://example.org/posts/3', 2, 1, 'public', 1, 0, 0)")  # a boost: not indexed
    pg.execute("INSERT INTO post_tags (post_id, name) VALUES (1, 'tea'), (1, 'green')")
    pg.execute("INSERT INTO post_mentions (post_id, actor_id) VALUES (1, 2)")
    pg.execute("UPDATE posts SET visibility = 'public' WHERE id = 1")  # not an edit: no event, no reindex
    pg.execute("UPDATE posts SET content = '<p>edited</p>', edited_at = 5 WHERE id = 1")
    assert pg.fetch("SELECT rowid, body FROM post_search ORDER BY rowid") == [(1, "\n edited "), (2, "\n evening coffee ")]
    pg.execute("INSERT INTO notifications (id, recipient_id, type, from_id, post_id, group_key, created_at) "
               "VALUES (7, 2, 'mention', 1, 1, 'g', 0)")
    pg.execute("DELETE FROM posts WHERE id = 1")
    pg.execute("DELETE FROM actors WHERE id = 2")  # its posts go by cascade
    assert pg.fetch("SELECT count(*) FROM post_search") == [(0,)]
    events = pg.fetch("SELECT kind, post_id, actor_id, notification_id, visibility, tags, mentions FROM stream_events ORDER BY id")
    assert events[:6] == [
        ("update", 1, 1, None, "unlisted", None, None),
        ("update", 2, 2, None, "public", None, None),
        ("update", 3, 2, None, "public", None, None),
        ("status.update", 1, 1, None, "public", None, None),
        ("notification", 1, 2, 7, None, None, None),
        ("delete", 1, 1, None, "public", '["green","tea"]', "[2]"),  # as json_group_array writes them
    ]
    assert sorted(event[:2] for event in events[6:]) == [("delete", 2), ("delete", 3)]
    assert pg.fetch("SELECT bool_and(abs(created_at - redfed_now_ms()) < 60000) FROM stream_events") == [(True,)]


def test_stream_events__prune_what_is_older_than_an_hour(pg):
    pg.execute("TRUNCATE stream_events RESTART IDENTITY")
    now = pg.fetch("SELECT redfed_now_ms()")[0][0]
    insert = "INSERT INTO stream_events (kind, actor_id, created_at) VALUES ('update', 1, $1)"
    pg.run(pg.conn.executemany(insert, [(now - 2 * 3600_000,)] * 50 + [(now,)] * 49))
    assert pg.fetch("SELECT count(*) FROM stream_events") == [(99,)]
    pg.execute(insert, now)  # the 100th event prunes
    assert pg.fetch("SELECT count(*), min(id) FROM stream_events") == [(50, 51)]
