"""SQLite connections (layer 2).

A `Database` holds two aiosqlite connections to one file: a reader, which in WAL mode sees the last
committed snapshot and never waits for writers, and a writer used only inside `transaction()`.
Transactions on the writer are serialised by an asyncio lock (two coroutines must not interleave
statements on one connection) and begin with BEGIN IMMEDIATE, so writers in other processes
(`redfed worker`) queue on the busy timeout instead of deadlocking on a lock upgrade.
"""

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from ..errors import ConfigError, ServiceUnavailable
from ..store.search import indexed_text

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)


async def connect(path: Path) -> aiosqlite.Connection:
    path = Path(path)
    # Checked first because a failed aiosqlite.connect leaves its worker thread posting to a loop
    # that may already be closed; the common mistake gets a clean error.
    if not path.parent.is_dir():
        raise ConfigError(f"cannot open database {path}: folder {path.parent} does not exist")
    try:
        conn = await aiosqlite.connect(path, isolation_level=None)
    except sqlite3.OperationalError as e:
        raise ConfigError(f"cannot open database {path}: {e}") from None
    conn.row_factory = sqlite3.Row
    for pragma in PRAGMAS:
        await conn.execute(pragma)
    # Called by the triggers of migration 0004 that keep the search index in step with posts: every
    # connection that may write posts needs it, the migration runner's too.
    await conn.create_function("redfed_text", 1, indexed_text, deterministic=True)
    return conn


class Database:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._reader: aiosqlite.Connection | None = None
        self._writer: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    async def open(self) -> "Database":
        self._writer = await connect(self.path)
        self._reader = await connect(self.path)
        return self

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def __aenter__(self) -> "Database":
        return await self.open()

    async def __aexit__(self, *exc) -> None:
        await self.close()

    @property
    def reader(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise RuntimeError("database is not open")
        return self._reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT on the writer; ROLLBACK on any exception."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._write_lock:
            conn = self._writer
            try:
                await conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                raise _busy(e) from e
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            try:
                await conn.execute("COMMIT")
            except sqlite3.OperationalError as e:
                await conn.execute("ROLLBACK")
                raise _busy(e) from e


def _busy(error: sqlite3.OperationalError) -> Exception:
    """A locked or full database is a temporary condition for the client, not a crash."""
    text = str(error)
    if "locked" in text or "busy" in text or "full" in text:
        return ServiceUnavailable("the database is busy, try again shortly")
    return error
