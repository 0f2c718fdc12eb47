"""A scratch PostgreSQL database for the tests that compare the PostgreSQL schema and search with
SQLite's: made from REDFED_TEST_DATABASE_URL (a server where the test may CREATE DATABASE), given
the baseline schema, dropped at the end."""

import asyncio
import os
import uuid
from contextlib import contextmanager
from importlib import resources

import asyncpg
import pytest

URL = os.environ.get("REDFED_TEST_DATABASE_URL")
needs_postgres = pytest.mark.skipif(not URL, reason="REDFED_TEST_DATABASE_URL is not set")
BASELINE = resources.files("redfed._migrations").joinpath("postgresql", "0017_baseline.sql")


class Postgres:
    """A connection on an event loop of its own, so that plain (and hypothesis) tests can use it."""

    def __init__(self, url: str):
        self.loop = asyncio.new_event_loop()
        self.conn = self.run(asyncpg.connect(url))

    def run(self, awaitable):
        return self.loop.run_until_complete(awaitable)

    def fetch(self, sql: str, *args) -> list[tuple]:
        return [tuple(row) for row in self.run(self.conn.fetch(sql, *args))]

    def execute(self, sql: str, *args) -> None:
        self.run(self.conn.execute(sql, *args))

    def close(self) -> None:
        self.run(self.conn.close())
        self.loop.close()


@contextmanager
def baseline_database():
    """A fresh database with migrations/postgresql/0017_baseline.sql applied."""
    server = Postgres(URL)
    name = f"redfed_test_{uuid.uuid4().hex[:12]}"
    server.execute(f"CREATE DATABASE {name}")
    database = None
    try:
        database = Postgres(f"{URL.rpartition('/')[0]}/{name}")
        database.execute(BASELINE.read_text(encoding="utf-8"))
        yield database
    finally:
        if database is not None:
            database.close()
        server.execute(f"DROP DATABASE {name}")
        server.close()
