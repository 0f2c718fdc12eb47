"""The SQL behind the slow reads, timed without HTTP or aiosqlite (plain sqlite3, one thread).

    /work/venv/bin/python bench/bench_sql.py [--posts 100000]

Builds the same database as bench_timelines.py (a user following 200 of 1,000 accounts, `--posts`
posts) and times, 20-200 times each: the home timeline query exactly as store/social/timelines.py builds
it, and the same query with `FROM posts NOT INDEXED` (a rowid walk that stops after the page);
the account counts of store/views.py (actor_counts) for 20 authors, and an index-only variant;
and store/discovery/search.py's post search for several queries. EXPLAIN QUERY PLAN of the home query is
printed too. Each figure is the mean per call.
"""

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from _common import LiveInstance, header, in_loop, populate, row

from redfed.store.discovery import search as search_store
from redfed.store.discovery.search import indexed_text
from redfed.store.posts import SELECT_POSTS
from redfed.store.social import timelines as timeline_store


def mean_ms(db, sql, params, n) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        db.execute(sql, params).fetchall()
    return (time.perf_counter() - t0) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="redfed-bench-") as tmp:
        instance = LiveInstance(Path(tmp) / "sql").start()
        try:
            instance.create_user("alice")
            viewer = instance.actor("alice").id
            in_loop(instance, populate(instance.runtime.db, viewer, posts=args.posts, followed=200, others=800))
            path = instance.config.database_path
        finally:
            instance.stop()
        db = sqlite3.connect(path)
        db.create_function("redfed_text", 1, indexed_text)
        run(db, viewer, args)
        db.close()


def run(db, viewer: int, args) -> None:
    header(f"bench_sql: the queries alone over {args.posts} posts (sqlite3, no HTTP, no aiosqlite)")
    where = f"""
        (posts.actor_id = :viewer
         OR (posts.actor_id IN (SELECT followee_id FROM follows WHERE follower_id = :viewer AND state = 'accepted')
             AND posts.visibility != 'direct')
         OR posts.id IN (SELECT post_id FROM post_mentions WHERE actor_id = :viewer))
        AND {timeline_store._NOT_HIDDEN}"""  # as in store/social/timelines.py home()
    home = (f"{SELECT_POSTS} WHERE posts.id < :max_id AND posts.id > :lower AND ({where}) "
            "ORDER BY posts.id DESC LIMIT :limit")
    params = {"viewer": viewer, "now": 0, "max_id": 2**63 - 1, "lower": 0, "limit": 20}
    plan = [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + home, params)]
    print("\nhome plan: " + " / ".join(plan) + "\n")
    walk = home.replace("FROM posts WHERE", "FROM posts NOT INDEXED WHERE", 1)
    assert db.execute(home, params).fetchall() == db.execute(walk, params).fetchall()
    row("home query as written (20 rows)", f"{mean_ms(db, home, params, 20):.2f} ms",
        "MULTI-INDEX OR gathers every followed post, then a temp B-tree sorts them")
    row("home query, posts NOT INDEXED (same rows)", f"{mean_ms(db, walk, params, 200):.3f} ms",
        "rowid walk newest-first, stops after 20 matches; worst case: a user whose follows rarely post")
    deep = [r[0] for r in db.execute(walk, {**params, "limit": 2000})][-1]
    row("home query as written, 100 pages deep", f"{mean_ms(db, home, {**params, 'max_id': deep}, 20):.2f} ms", "")
    row("home query NOT INDEXED, 100 pages deep", f"{mean_ms(db, walk, {**params, 'max_id': deep}, 200):.3f} ms", "")

    ids = [r[0] for r in db.execute("SELECT id FROM actors WHERE is_local = 0 LIMIT 20")]
    marks = ", ".join("?" * len(ids))
    counts = f"""SELECT actors.id,
          (SELECT count(*) FROM follows WHERE followee_id = actors.id AND state = 'accepted'),
          (SELECT count(*) FROM follows WHERE follower_id = actors.id AND state = 'accepted'),
          (SELECT count(*) FROM posts WHERE actor_id = actors.id AND reblog_of_id IS NULL),
          (SELECT max(published_at) FROM posts WHERE actor_id = actors.id)
        FROM actors WHERE actors.id IN ({marks})"""  # as in store/views.py actor_counts()
    per_actor = args.posts // 1000
    row("actor_counts for 20 authors", f"{mean_ms(db, counts, ids, 30):.2f} ms",
        f"~{per_actor} posts each: reads every post row of each author (reblog_of_id, published_at not in posts_actor)")
    index_only = counts.replace(" AND reblog_of_id IS NULL", "").replace("max(published_at)", "max(id)")
    row("  index-only variant (count(*), max(id))", f"{mean_ms(db, index_only, ids, 200):.3f} ms",
        "what an index on posts(actor_id, reblog_of_id, published_at), or counters, would approach")

    for q in ["coffee", "coffee river", "bicyc", "咖啡", "图书馆", "北京 咖啡", "xylophone"]:
        match = search_store.match_expression(q)
        sql = (f"{SELECT_POSTS} JOIN post_search ON post_search.rowid = posts.id "
               "WHERE post_search MATCH :match AND post_search.rowid < :max_id AND post_search.rowid > :min_id "
               f"AND posts.reblog_of_id IS NULL AND (:author = 0 OR posts.actor_id = :author) AND {search_store._SEARCHABLE} "
               "ORDER BY post_search.rowid DESC LIMIT :limit OFFSET :offset")  # as in store/discovery/search.py
        p = {"match": match, "viewer": viewer, "author": 0, "max_id": 2**63 - 1, "min_id": 0, "limit": 20,
             "offset": 0, "now": 0}
        found = len(db.execute(sql, p).fetchall())
        row(f"search_posts `{q}` → {match}", f"{mean_ms(db, sql, p, 30):.2f} ms", f"{found} rows")


if __name__ == "__main__":
    main()
