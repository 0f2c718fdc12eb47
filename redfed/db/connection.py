"""SQLite connections (layer 2).

A `Database` holds two aiosqlite connections to one file: a reader, which in WAL mode sees the last
committed snapshot and never waits for writers, and a writer used only inside `transaction()`.
Transactions on the writer are serialised by an asyncio lock (two coroutines must not interleave
statements on one connection) and begin with BEGIN IMMEDIATE, so writers in other processes
(`redfed worker`) queue on the busy timeout instead of deadlocking on a lock upgrade.
"""

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import aiosqlite

from ..errors import ConfigError
from ..store.discovery.search import indexed_text
from .faults import as_storage_fault

log = logging.getLogger(__name__)
T = TypeVar("T")

DIALECT = "sqlite"

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
    conn.dialect = DIALECT  # where the store's SQL differs between databases, it asks
    for pragma in PRAGMAS:
        await conn.execute(pragma)
    # Called by the triggers of migration 0004 that keep the search index in step with posts: every
    # connection that may write posts needs it, the migration runner's too.
    await conn.create_function("redfed_text", 1, indexed_text, deterministic=True)
    return conn


class Database:
    dialect = DIALECT

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

    async def listen(self, channel: str, wake: Callable[[], None]) -> None:
        """Nothing: SQLite tells no process of another's commits; readers poll (PostgreSQL's
        `listen` wakes them sooner)."""

    def pool_usage(self) -> tuple[int, int] | None:
        """None: SQLite keeps one reader and one writer, no pool."""
        return None

    @property
    def reader(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise RuntimeError("database is not open")
        return self._reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT on the writer; ROLLBACK on any exception, cancellation included.

        A cancel (a client that hung up, a timeout, shutdown) reaches the unit of work only at its
        boundaries: BEGIN, COMMIT and ROLLBACK run to their end on aiosqlite's thread whatever the
        caller's task does, so the writer is never handed on inside an open transaction.
        """
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._write_lock:
            conn = self._writer
            await self._leave_stray_transaction(conn)
            try:
                await uninterrupted(conn.execute("BEGIN IMMEDIATE"))
                yield conn
                await uninterrupted(conn.execute("COMMIT"))
            except sqlite3.OperationalError as error:
                raise as_storage_fault(error) or error
            finally:
                # After a failed COMMIT SQLite may already have rolled back (a full disk does).
                if conn.in_transaction:
                    await uninterrupted(conn.execute("ROLLBACK"))

    async def _leave_stray_transaction(self, conn: aiosqlite.Connection) -> None:
        # Defence in depth: transaction() never leaves one open, so this is a bug worth one error.
        if conn.in_transaction:
            log.error("the writer was inside a transaction when handed out; rolled back")
            await uninterrupted(conn.execute("ROLLBACK"))


async def uninterrupted(step: Awaitable[T]) -> T:
    """Await `step` to its end even if the caller is cancelled meanwhile, then pass the cancel on.

    A statement already handed to aiosqlite's thread runs whatever happens to the coroutine that
    awaits it; unwinding before it ends would let the caller believe it had not run.
    """
    task = asyncio.ensure_future(step)
    cancelled = False
    while not task.done():
        try:
            # asyncio.wait, unlike awaiting the task, leaves the task running when we are cancelled.
            await asyncio.wait([task])
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError
    return task.result()
