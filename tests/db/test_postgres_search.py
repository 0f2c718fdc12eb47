"""Full-text search on PostgreSQL finds the same posts, in the same order, as FTS5 does on SQLite:
the same data in both, the same store function (store/discovery/search.py search_posts), each
dialect's SQL. Runs when REDFED_TEST_DATABASE_URL is set (tests/support/postgres.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redfed.db.connection import connect
from redfed.db.migrate import migrate
from redfed.db.postgres import PgConnection
from redfed.store.discovery.search import fts5_match, match_expression, search_posts, tsquery_terms

from ..support.postgres import baseline_database, needs_postgres

pytestmark = needs_postgres

ALICE, BOB, CAROL = 1, 2, 3
POSTS = [  # id, author, visibility, content
    (1, ALICE, "public", "<p>I drink &lt;b&gt;strong&lt;/b&gt; coffee every morning</p>"),
    (2, ALICE, "public", "<p>我喜欢咖啡。今天天气很好</p>"),
    (3, ALICE, "public", "<p>Trying 北京 cafés, tea mostly</p>"),
    (4, ALICE, "public", "<p>我喜欢。咖啡很贵</p>"),
    (5, ALICE, "public", "<p>咖喱饭</p>"),
    (6, ALICE, "public", "<p>ÉCOLE naïve<br>Résumé</p>"),
    (7, BOB, "public", "<p>public espresso</p>"),
    (8, BOB, "private", "<p>followers espresso</p>"),
    (9, BOB, "direct", "<p>@carol direct espresso</p>"),
]


class Databases:
    """The same rows in a migrated SQLite database and a PostgreSQL baseline, both driven from one
    event loop (the PostgreSQL connection's)."""

    def __init__(self, pg, lite):
        self.pg, self.lite = pg, lite

    def insert(self, table: str, rows: list[dict]) -> None:
        columns = ", ".join(rows[0])
        self.pg.run(self.pg.conn.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(f'${n + 1}' for n in range(len(rows[0])))})",
            [tuple(row.values()) for row in rows],
        ))
        self.pg.run(self.lite.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' for _ in rows[0])})",
            [tuple(row.values()) for row in rows],
        ))

    def search(self, query: str, viewer: int = ALICE, **page) -> tuple[list[int], list[int]]:
        options = dict(author_id=None, max_id=None, min_id=None, limit=20, offset=0, now=0) | page
        phrases = match_expression(query)
        found = []
        for conn in (self.lite, PgConnection(self.pg.conn)):
            found.append([post.id for post in self.pg.run(search_posts(conn, phrases, viewer, **options))])
        return found[0], found[1]


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    with baseline_database() as pg:
        lite = pg.run(connect(tmp_path_factory.mktemp("search") / "db.sqlite3"))
        pg.run(migrate(lite))
        databases = Databases(pg, lite)
        databases.insert("actors", [
            dict(id=n, uri=f"https://example.org/users/{name}", username=name, domain="example.org", is_local=1,
                 published_at=0, updated_at=0)
            for n, name in [(ALICE, "alice"), (BOB, "bob"), (CAROL, "carol")]
        ])
        databases.insert("posts", [
            dict(id=n, uri=f"https://example.org/posts/{n}", actor_id=author, is_local=1, visibility=visibility,
                 content=content, published_at=0, created_at=0)
            for n, author, visibility, content in POSTS
        ])
        # A boost repeats no text: only the boosted post is found.
        databases.insert("posts", [dict(id=10, uri="https://example.org/posts/10", actor_id=BOB, is_local=1,
                                        visibility="public", reblog_of_id=1, published_at=0, created_at=0)])
        databases.insert("post_mentions", [dict(post_id=9, actor_id=CAROL)])
        yield databases
        pg.run(lite.close())


@pytest.mark.parametrize("query, expected", [
    ("coffee", [1]),
    ("COFFEE morning", [1]),  # every term, any case
    ("strong", [1]),  # escaped markup typed by the author is text
    ("drin", [1]),  # a bare word is a prefix
    ('"drin"', []),  # a quoted one is not
    ('"every morning"', [1]),
    ('"every coffee"', []),  # a phrase is adjacent words
    ("咖啡", [4, 2]),  # newest first
    ("喜欢咖啡", [2]),  # a CJK word is a phrase of its characters ...
    ("天气", [2]),
    ("咖", [5, 4, 2]),
    ("北京 cafes", [3]),  # ... and diacritics are folded
    ("ecole resume naive", [6]),
    ("咖啡 coffee", []),
    ("OR", []),
    ('coffee" OR "tea', []),  # FTS5 syntax is only words
])
def test_search__finds_the_same_posts_on_both(both, query, expected):
    lite, pg = both.search(query)
    assert lite == expected
    assert pg == expected


def test_search__a_phrase_does_not_match_across_cjk_punctuation_on_both(both):
    assert both.search("喜欢咖啡") == ([2], [2])  # post 4 has 喜欢。咖啡


def test_search__finds_only_what_the_searcher_may_find_on_both(both):
    assert both.search("espresso", ALICE) == ([7], [7])
    assert both.search("espresso", BOB) == ([9, 8, 7], [9, 8, 7])  # one's own posts, all of them
    assert both.search("espresso", CAROL) == ([9, 7], [9, 7])  # it mentions carol


def test_search__pages_alike_on_both(both):
    assert both.search("espresso", BOB, limit=2) == ([9, 8], [9, 8])
    assert both.search("espresso", BOB, limit=2, offset=1) == ([8, 7], [8, 7])
    assert both.search("espresso", BOB, max_id=9) == ([8, 7], [8, 7])
    assert both.search("espresso", BOB, min_id=7) == ([9, 8], [9, 8])
    assert both.search("coffee espresso", BOB, author_id=ALICE) == ([], [])


# Generated posts and queries over words where the two tokenizers must agree: cases, accents,
# CJK with its punctuation, kana, Hangul, digits, markup and references.
_WORDS = ["coffee", "Coffee", "COFFEES", "café", "cafe", "CAFÉ", "naïve", "tea", "teapot", "x2", "42",
          "咖啡", "咖", "啡", "喜欢", "北京", "カフェ", "커피", "Привет", "привет", "ά"]
_GLUE = [" ", "", ", ", "。", "、", "！", "<br>", "</p><p>", " &amp; ", "&nbsp;", "-", "'", "&#x5496;"]
_document = st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_GLUE)), min_size=1, max_size=8).map(
    lambda parts: "<p>" + "".join(word + glue for word, glue in parts) + "</p>"
)
_query = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).flatmap(
    lambda words: st.sampled_from([" ".join(words), '"' + " ".join(words) + '"', "".join(words)])
)


@given(documents=st.lists(_document, min_size=1, max_size=6), queries=st.lists(_query, min_size=1, max_size=4))
def test_search__generated_posts_and_queries_match_alike(both, documents, queries):
    rows = [(100 + n, document) for n, document in enumerate(documents)]
    both.pg.execute("DELETE FROM posts WHERE id >= 100")
    both.pg.run(both.lite.execute("DELETE FROM posts WHERE id >= 100"))
    both.insert("posts", [
        dict(id=n, uri=f"https://example.org/posts/{n}", actor_id=ALICE, is_local=1, visibility="public",
             content=content, published_at=0, created_at=0)
        for n, content in rows
    ])
    for query in queries:
        phrases = match_expression(query)
        lite = both.pg.run(both.lite.execute_fetchall(
            "SELECT rowid FROM post_search WHERE rowid >= 100 AND post_search MATCH ? ORDER BY rowid",
            (fts5_match(phrases),),
        ))
        pg = both.pg.fetch(
            "SELECT rowid FROM post_search WHERE rowid >= 100 AND document @@ redfed_tsquery($1) ORDER BY rowid",
            tsquery_terms(phrases),
        )
        assert [row[0] for row in pg] == [row[0] for row in lite], (query, documents)
