"""Migration 0004: the search index and the stream event log, kept in step by triggers that run
the `redfed_text` function every connection from connect() carries, the migration runner's too."""

import time

from redfed.db.connection import connect
from redfed.db.migrate import Migration, applied_versions, apply_migration, available_migrations, migrate
from redfed.store.discovery.search import fts5_match, indexed_text, match_expression, tsquery_terms

NOW = int(time.time() * 1000)


async def _rows(conn, sql: str, params=()) -> list[tuple]:
    async with conn.execute(sql, params) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def _actor(conn, username: str) -> int:
    rows = await _rows(
        conn,
        "INSERT INTO actors (uri, username, domain, is_local, published_at, updated_at) "
        "VALUES (?, ?, 'example.org', 1, 0, 0) RETURNING id",
        (f"https://example.org/users/{username}", username),
    )
    return rows[0][0]


async def _post(conn, post_id: int, actor_id: int, html: str, visibility: str = "public") -> None:
    await conn.execute(
        "INSERT INTO posts (id, uri, actor_id, is_local, visibility, content, published_at, created_at) "
        "VALUES (?, ?, ?, 1, ?, ?, 0, 0)",
        (post_id, f"https://example.org/posts/{post_id}", actor_id, visibility, html),
    )


async def _found(conn, query: str) -> list[int]:
    return [r[0] for r in await _rows(
        conn, "SELECT rowid FROM post_search WHERE post_search MATCH ? ORDER BY rowid",
        (fts5_match(match_expression(query)),)
    )]


async def test_connect__registers_the_text_function_the_triggers_call(tmp_path):
    conn = await connect(tmp_path / "db.sqlite3")
    rows = await _rows(conn, "SELECT redfed_text(?), redfed_text(NULL), redfed_text(5)", ("<p>a<br>b &amp; 我喜欢</p>",))
    assert rows[0][0].split() == ["a", "b", "&", "我", "喜", "欢"]
    assert rows[0][1:] == ("", "")
    await conn.close()


def test_indexed_text__keeps_words_apart_at_tags_and_splits_cjk():
    assert indexed_text("<p>one</p><p>two<br>three</p>").split() == ["one", "two", "three"]
    assert indexed_text("カフェで커피").split() == ["カ", "フ", "ェ", "で", "커", "피"]
    assert indexed_text("好。好").split() == ["好", "\ue000", "好"]  # a phrase cannot span a full stop


async def test_search__cjk_words_match_as_phrases_within_a_sentence(tmp_path):
    conn = await connect(tmp_path / "db.sqlite3")
    await migrate(conn)
    actor = await _actor(conn, "alice")
    await _post(conn, 1, actor, "<p>我喜欢咖啡</p>")
    await _post(conn, 2, actor, "<p>我喜欢。咖啡很贵</p>")
    await _post(conn, 3, actor, "<p>咖喱饭</p>")
    assert await _found(conn, "喜欢咖啡") == [1]
    assert await _found(conn, "咖啡") == [1, 2]
    assert await _found(conn, "咖") == [1, 2, 3]
    await conn.close()


def test_match_expression__turns_words_into_quoted_phrases():
    def fts5(query):
        return fts5_match(match_expression(query))

    assert fts5("Coffee  tea") == '"Coffee"* AND "tea"*'
    assert fts5("我喜欢咖啡") == '"我 喜 欢 咖 啡"'
    assert fts5('"strong coffee" 北京cafe') == '"strong coffee" AND "北 京 cafe"*'
    assert fts5('NEAR(a b) OR -x "') == '"NEAR a"* AND "b"* AND "OR"* AND "x"*'
    assert match_expression("!!! ...") is None


def test_tsquery_terms__writes_the_same_phrases_a_line_each():
    assert tsquery_terms(match_expression('"strong coffee" 北京cafe 咖啡')) == "strong coffee\n北 京 cafe*\n咖 啡"


async def test_migration__indexes_posts_that_existed_before_it(tmp_path):
    conn = await connect(tmp_path / "db.sqlite3")
    await applied_versions(conn)  # creates schema_migrations
    for migration in [m for m in available_migrations() if m.version < 4]:
        await apply_migration(conn, migration)
    actor = await _actor(conn, "alice")
    await _post(conn, 1, actor, "<p>我喜欢咖啡</p>")
    await _post(conn, 2, actor, "<p>plain tea</p>")
    assert [m.version for m in await migrate(conn)][0] == 4
    assert await _found(conn, "咖啡") == [1]
    assert await _found(conn, "tea") == [2]
    await conn.close()


async def test_triggers__keep_the_index_in_step_with_posts(tmp_path):
    conn = await connect(tmp_path / "db.sqlite3")
    await migrate(conn)
    alice, bob = await _actor(conn, "alice"), await _actor(conn, "bob")
    await _post(conn, 1, alice, "<p>morning coffee</p>")
    await _post(conn, 2, bob, "<p>evening coffee</p>")
    assert await _found(conn, "coffee") == [1, 2]
    await conn.execute("UPDATE posts SET content = '<p>morning tea</p>' WHERE id = 1")
    assert await _found(conn, "coffee") == [2] and await _found(conn, "tea") == [1]
    await conn.execute("DELETE FROM posts WHERE id = 1")
    await conn.execute("DELETE FROM actors WHERE id = ?", (bob,))  # its posts go by cascade
    assert await _rows(conn, "SELECT count(*) FROM post_search") == [(0,)]
    await conn.execute("INSERT INTO post_search (post_search) VALUES ('integrity-check')")
    await conn.close()


async def test_migration_runner__can_apply_later_migrations_that_write_posts(tmp_path):
    conn = await connect(tmp_path / "db.sqlite3")
    await migrate(conn)
    await _post(conn, 1, await _actor(conn, "alice"), "<p>before</p>")
    await apply_migration(conn, Migration(9999, "rewrite", "UPDATE posts SET content = '<p>after</p>';"))
    assert await _found(conn, "after") == [1]
    await conn.close()


async def test_triggers__log_stream_events_for_posts_and_notifications(tmp_path):
    conn = await connect(tmp_path / "db.sqlite3")
    await migrate(conn)
    alice, bob = await _actor(conn, "alice"), await _actor(conn, "bob")
    await _post(conn, 1, alice, "<p>hello #tea @bob</p>", "unlisted")
    await conn.execute("INSERT INTO post_tags (post_id, name) VALUES (1, 'tea')")
    await conn.execute("INSERT INTO post_mentions (post_id, actor_id) VALUES (1, ?)", (bob,))
    await conn.execute("UPDATE posts SET visibility = 'public' WHERE id = 1")  # not an edit: no event
    await conn.execute("UPDATE posts SET content = '<p>edited</p>', edited_at = 5 WHERE id = 1")
    await conn.execute(
        "INSERT INTO notifications (id, recipient_id, type, from_id, post_id, group_key, created_at) "
        "VALUES (7, ?, 'mention', ?, 1, 'g', 0)", (bob, alice),
    )
    await conn.execute("DELETE FROM posts WHERE id = 1")
    events = await _rows(conn, "SELECT kind, post_id, actor_id, notification_id, visibility, tags, mentions FROM stream_events ORDER BY id")
    assert events == [
        ("update", 1, alice, None, "unlisted", None, None),
        ("status.update", 1, alice, None, "public", None, None),
        ("notification", 1, bob, 7, None, None, None),
        ("delete", 1, alice, None, "public", '["tea"]', f"[{bob}]"),
    ]
    await conn.close()


async def test_stream_events__prune_what_is_older_than_an_hour(tmp_path):
    conn = await connect(tmp_path / "db.sqlite3")
    await migrate(conn)
    insert = "INSERT INTO stream_events (kind, actor_id, created_at) VALUES ('update', 1, ?)"
    await conn.executemany(insert, [(NOW - 2 * 3600_000,)] * 50 + [(NOW,)] * 49)
    assert await _rows(conn, "SELECT count(*) FROM stream_events") == [(99,)]
    await conn.execute(insert, (NOW,))  # the 100th event prunes
    assert await _rows(conn, "SELECT count(*), min(id) FROM stream_events") == [(50, 51)]
    await conn.close()
