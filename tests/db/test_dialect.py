"""The store's SQL as PostgreSQL reads it: only spelling changes, never what is inside quotes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redfed.db.dialect import to_postgresql


def test_question_marks_become_numbered_parameters():
    statement = to_postgresql("SELECT id FROM posts WHERE actor_id = ? AND id < ? LIMIT ?")
    assert statement.sql == "SELECT id FROM posts WHERE actor_id = $1 AND id < $2 LIMIT $3"
    assert statement.arguments((7, 100, 20)) == (7, 100, 20)


def test_a_name_used_twice_is_one_parameter():
    statement = to_postgresql("SELECT 1 WHERE id > :since AND actor_id = :actor AND id <> :since")
    assert statement.sql == "SELECT 1 WHERE id > $1 AND actor_id = $2 AND id <> $1"
    assert statement.arguments({"actor": 3, "since": 9, "unused": 0}) == (9, 3)


def test_a_parameter_tested_for_null_is_a_boolean_computed_from_its_value():
    # PostgreSQL cannot type `$1 IS NULL`, however else $1 is used.
    statement = to_postgresql("SELECT 1 WHERE (:since IS NULL OR id > :since)")
    assert statement.sql == "SELECT 1 WHERE (CAST($1 AS BOOLEAN) OR id > $2)"
    assert statement.arguments({"since": None}) == (True, None)
    assert statement.arguments({"since": 7}) == (False, 7)
    positional = to_postgresql("SELECT 1 WHERE ? IS NOT NULL AND id = ?")
    assert positional.sql == "SELECT 1 WHERE NOT CAST($1 AS BOOLEAN) AND id = $2"
    assert positional.arguments((None, 4)) == (True, 4)


def test_quoted_text_and_comments_are_left_alone():
    sql = "SELECT 'it''s ? :not' AS \"a?\" FROM t -- :nor ?\nWHERE x = ?"
    assert to_postgresql(sql).sql == "SELECT 'it''s ? :not' AS \"a?\" FROM t -- :nor ?\nWHERE x = $1"


def test_like_ignores_ascii_case_as_sqlite_does():
    assert to_postgresql("SELECT 1 WHERE name LIKE ? ESCAPE '\\'").sql == "SELECT 1 WHERE name ILIKE $1 ESCAPE '\\'"


def test_is_with_a_parameter_is_the_null_safe_comparison():
    assert to_postgresql("SELECT 1 WHERE a IS :a AND b IS NOT :b AND c IS NOT NULL").sql == (
        "SELECT 1 WHERE a IS NOT DISTINCT FROM $1 AND b IS DISTINCT FROM $2 AND c IS NOT NULL"
    )


def test_insert_or_ignore_does_nothing_on_conflict():
    assert to_postgresql("INSERT OR IGNORE INTO tags (name) VALUES (?)").sql == (
        "INSERT INTO tags (name) VALUES ($1) ON CONFLICT DO NOTHING"
    )
    assert to_postgresql("insert or ignore into tags (name) values (?) RETURNING id").sql == (
        "INSERT INTO tags (name) values ($1) ON CONFLICT DO NOTHING RETURNING id"
    )


def test_real_casts_keep_double_precision():
    assert to_postgresql("SELECT CAST(price AS REAL)").sql == "SELECT CAST(price AS DOUBLE PRECISION)"


def test_mixing_placeholder_styles_is_refused():
    with pytest.raises(ValueError):
        to_postgresql("SELECT ? , :a")


@given(st.text(alphabet="'?:ab ", max_size=30))
def test_text_inside_a_literal_never_changes(inner):
    literal = "'" + inner.replace("'", "''") + "'"
    assert to_postgresql(f"SELECT {literal}").sql == f"SELECT {literal}"


def test_sqlites_planner_hints_are_dropped():
    assert to_postgresql("SELECT id FROM posts NOT INDEXED WHERE id < ?").sql == "SELECT id FROM posts WHERE id < $1"
