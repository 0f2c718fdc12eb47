"""[database] url: SQLite files and PostgreSQL servers, with passwords kept out of sight."""

from pathlib import Path

import pytest

from redfed.db.urls import parse
from redfed.errors import ConfigError


def test_a_relative_sqlite_path_is_relative_to_the_config(tmp_path):
    url = parse("sqlite:///data/redfed.sqlite3", tmp_path)
    assert (url.dialect, url.path) == ("sqlite", tmp_path / "data" / "redfed.sqlite3")


def test_an_absolute_sqlite_path_stays_absolute(tmp_path):
    assert parse("sqlite:////var/lib/redfed/db.sqlite3", tmp_path).path == Path("/var/lib/redfed/db.sqlite3")


def test_the_password_is_in_the_driver_dsn_only(tmp_path):
    url = parse("postgresql://redfed:s3cr%40t@db.internal:5433/social", tmp_path)
    assert url.dialect == "postgresql"
    assert "s3cr%40t" in url.dsn and url.password == "s3cr@t"
    assert url.redacted == "postgresql://redfed:***@db.internal:5433/social"
    assert "s3cr" not in repr(url)


def test_postgres_is_another_spelling_of_postgresql(tmp_path):
    assert parse("postgres://u@h/n", tmp_path).dsn == "postgresql://u@h/n"


@pytest.mark.parametrize("wrong", [
    "mysql://u@h/n", "redfed.sqlite3", "sqlite://", "sqlite:///", "postgresql://h", "postgresql://u@h:port/n",
])
def test_a_malformed_url_is_one_clear_config_error(tmp_path, wrong):
    with pytest.raises(ConfigError, match="database.url"):
        parse(wrong, tmp_path)
