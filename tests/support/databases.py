"""The database each test instance gets: an SQLite file in its folder, or, when
REDFED_TEST_DATABASE_URL names a PostgreSQL server (`.ci/start-postgres` starts one), a database
of its own there, created on first use and dropped when the test ends.

An instance that is stopped and started again on the same folder finds the same database, as it
would find the same SQLite file: the name comes from the folder.
"""

import asyncio
import hashlib
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

SERVER_URL = os.environ.get("REDFED_TEST_DATABASE_URL", "")
ON_POSTGRESQL = SERVER_URL.startswith(("postgresql://", "postgres://"))

_created: list[str] = []


def only_on_sqlite(why: str):
    """Marks a test about SQLite's own file or locks, which a PostgreSQL run skips."""
    return pytest.mark.skipif(ON_POSTGRESQL, reason=f"SQLite only: {why}")


# Marks a test about PostgreSQL itself, which runs when REDFED_TEST_DATABASE_URL names a server.
only_on_postgresql = pytest.mark.skipif(not ON_POSTGRESQL, reason="needs REDFED_TEST_DATABASE_URL (PostgreSQL)")


def database_section(folder: Path) -> dict:
    """The [database] config section for an instance whose files live in `folder`."""
    if not ON_POSTGRESQL:
        return {}
    name = "redfed_" + hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:20]
    if name not in _created:
        _run(_create(name))
        _created.append(name)
    return {"url": _url_of(name)}


def drop_created() -> None:
    """Drop every database made since the last call (at the end of each test)."""
    while _created:
        _run(_drop(_created.pop()))


def run_on_server(sql: str) -> None:
    """One statement as the server's superuser (the tests' PostgreSQL is theirs alone)."""
    _run(_execute(sql))


async def _execute(sql: str) -> None:
    conn = await asyncpg.connect(SERVER_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _url_of(name: str) -> str:
    return urlunsplit(urlsplit(SERVER_URL)._replace(path=f"/{name}"))


async def _create(name: str) -> None:
    await _execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await _execute(f'CREATE DATABASE "{name}"')


async def _drop(name: str) -> None:
    await _execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(step) -> None:
    # Tests call this from inside and outside running event loops: a thread of its own has none.
    errors: list[BaseException] = []

    def target():
        try:
            asyncio.run(step)
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
