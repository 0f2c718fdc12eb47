"""PostgreSQL through asyncpg (layer 2), speaking to the store as the SQLite connections do.

The store calls `conn.execute(sql, params)` and reads rows from the cursor it gets, the way it
does on aiosqlite; `PgConnection` offers that surface over an asyncpg pool (the reader: each
statement on whichever connection is free) or over one pooled connection inside `transaction()`.
Statements are rewritten once by `dialect.to_postgresql` and prepared once per connection
(asyncpg's statement cache). Rows are asyncpg Records, which index by position and by name like
sqlite3.Row.

Writers are not serialised: each transaction has a connection of its own and PostgreSQL's row
locks order them; queue claims use FOR UPDATE SKIP LOCKED.
"""

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from decimal import Decimal

import asyncpg

from ..errors import BadRequest, ConfigError
from .connection import uninterrupted
from .dialect import to_postgresql
from .faults import as_storage_fault, unreachable
from .urls import DatabaseUrl

log = logging.getLogger(__name__)

DIALECT = "postgresql"
_RETURNS_ROWS = re.compile(r"^\s*(SELECT|WITH|VALUES)\b|\bRETURNING\b", re.IGNORECASE)
STATEMENT_CACHE_SIZE = 2048


class PgCursor:
    """The rows a statement returned, read the way sqlite3's cursor reads them."""

    def __init__(self, rows: list, rowcount: int):
        self._rows, self._next = rows, 0
        self.rowcount = rowcount

    async def fetchone(self):
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchall(self) -> list:
        rows, self._next = self._rows[self._next:], len(self._rows)
        return rows

    async def close(self) -> None:
        pass

    async def __aenter__(self) -> "PgCursor":
        return self

    async def __aexit__(self, *exc) -> None:
        pass


class _Running:
    """`conn.execute(...)`: awaited, or entered with `async with`, like aiosqlite's."""

    def __init__(self, step):
        self._step = step

    def __await__(self):
        return self._step.__await__()

    async def __aenter__(self) -> PgCursor:
        return await self._step

    async def __aexit__(self, *exc) -> None:
        pass


class PgConnection:
    """What the store is handed: the pool (autocommit reads) or a connection in a transaction."""

    dialect = DIALECT

    def __init__(self, target: "asyncpg.Pool | asyncpg.Connection", in_transaction: bool = False):
        self._target = target
        self.in_transaction = in_transaction

    def execute(self, sql: str, params=()) -> _Running:
        return _Running(self._run(sql, params))

    async def executemany(self, sql: str, seq_of_params: Iterable) -> PgCursor:
        # One statement per row, not asyncpg's executemany: that one reports no row count, and
        # the store checks it (as sqlite3 sums it). The statement is prepared once all the same.
        rowcount = 0
        for params in seq_of_params:
            rowcount += (await self._run(sql, params)).rowcount
        return PgCursor([], rowcount)

    async def _run(self, sql: str, params) -> PgCursor:
        statement = to_postgresql(sql)
        arguments = statement.arguments(params)
        try:
            if not isinstance(self._target, asyncpg.Pool):
                return await _run_on(self._target, statement.sql, arguments)
            conn = await acquire(self._target)
            try:
                return await _run_on(conn, statement.sql, arguments)
            finally:
                await self._target.release(conn)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, TypeError, ValueError) as error:
            error.add_note(f"in: {statement.sql}")  # a traceback that names the statement
            raise


async def _run_on(conn: asyncpg.Connection, sql: str, arguments: tuple) -> PgCursor:
    if _RETURNS_ROWS.search(sql):
        rows = await _faults_named(conn.fetch(sql, *arguments))
        return PgCursor(rows, len(rows))
    return PgCursor([], _rowcount(await _faults_named(conn.execute(sql, *arguments))))


async def acquire(pool: asyncpg.Pool) -> asyncpg.Connection:
    """A pooled connection; a server that cannot be reached or refuses connections is a fault
    that clears by itself (503), whatever it said while refusing."""
    try:
        return await pool.acquire(timeout=10)
    except (OSError, asyncio.TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise unreachable(error) from error


def _rowcount(status: str) -> int:
    # "UPDATE 3", "DELETE 0", "INSERT 0 1": the last word is the number of rows.
    last = status.rpartition(" ")[2]
    return int(last) if last.isdigit() else -1


async def _faults_named(step):
    try:
        return await step
    except OSError as error:  # refused, reset, timed out: the server is out of reach
        raise unreachable(error) from error
    except asyncpg.CharacterNotInRepertoireError:
        # PostgreSQL's text cannot hold U+0000 (SQLite's can): such a value matches nothing and
        # cannot be stored, which is the sender's mistake, not ours.
        raise BadRequest("text must not contain the NUL character (U+0000)") from None
    except asyncpg.PostgresError as error:
        raise as_storage_fault(error) or error


class PostgresDatabase:
    dialect = DIALECT

    def __init__(self, url: DatabaseUrl, *, pool_size: int = 20):
        self.url = url
        self.pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self._listener: asyncpg.Connection | None = None
        self._listening: dict[tuple[str, Callable[[], None]], None] = {}  # (channel, wake), in order

    async def open(self) -> "PostgresDatabase":
        self._pool = await connect_pool(self.url, max_size=self.pool_size)
        return self

    async def close(self) -> None:
        if self._listener is not None:
            await _quietly(self._listener.close())
            self._listener = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def listen(self, channel: str, wake: Callable[[], None]) -> None:
        """Call `wake()` whenever a transaction that ran NOTIFY `channel` commits, in any process.
        One connection per process listens on every channel asked for. Idempotent, and cheap when
        already listening: callers call it before each wait, which reopens a connection that
        broke (and `wake` is called when one breaks, so they look at once). A wake-up is a hint:
        callers poll besides, less often."""
        if (channel, wake) in self._listening and self._listener is not None and not self._listener.is_closed():
            return
        self._listening[(channel, wake)] = None
        if self._listener is None or self._listener.is_closed():
            self._listener = await connect_one(self.url)
            self._listener.add_termination_listener(self._wake_all)
            for known, known_wake in list(self._listening):
                await self._listener.add_listener(known, _waking(known_wake))
        else:
            await self._listener.add_listener(channel, _waking(wake))

    def pool_usage(self) -> tuple[int, int] | None:
        """(connections open, of which idle) in this process's pool, for the metrics."""
        if self._pool is None:
            return None
        return self._pool.get_size(), self._pool.get_idle_size()

    def _wake_all(self, _conn) -> None:
        for _channel, wake in list(self._listening):
            wake()

    async def __aenter__(self) -> "PostgresDatabase":
        return await self.open()

    async def __aexit__(self, *exc) -> None:
        await self.close()

    @property
    def reader(self) -> PgConnection:
        return PgConnection(self._open_pool())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgConnection]:
        """BEGIN … COMMIT on a connection of the transaction's own; ROLLBACK on any exception.

        COMMIT and ROLLBACK run to their end even if the caller is cancelled meanwhile, as on
        SQLite: a cancel reaches the unit of work only at its boundaries, so it is whole or absent.
        """
        pool = self._open_pool()
        conn = await acquire(pool)
        transaction = conn.transaction()
        try:
            await _faults_named(transaction.start())
            try:
                yield PgConnection(conn, in_transaction=True)
            except BaseException:
                if not conn.is_closed():
                    await uninterrupted(_quietly(transaction.rollback()))
                raise
            await uninterrupted(_faults_named(transaction.commit()))
        finally:
            await uninterrupted(pool.release(conn))

    def _open_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("database is not open")
        return self._pool


def _waking(wake: Callable[[], None]):
    return lambda _conn, _pid, _channel, _payload: wake()


async def _quietly(step) -> None:
    # A rollback on a connection that broke: the server rolls back by itself, and the pool
    # replaces the connection; the first error is the one worth raising.
    try:
        await step
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        log.debug("rollback failed: %s", error)


async def connect_pool(url: DatabaseUrl, *, min_size: int = 1, max_size: int = 20) -> asyncpg.Pool:
    try:
        return await asyncpg.create_pool(
            url.dsn, min_size=min_size, max_size=max_size, init=_prepare_connection,
            statement_cache_size=STATEMENT_CACHE_SIZE, timeout=10,
        )
    except (OSError, asyncio.TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise ConfigError(f"cannot open database {url.redacted}: {_reason(error, url)}") from None


async def connect_one(url: DatabaseUrl) -> asyncpg.Connection:
    """A connection of its own (migrations, copies), with the same codecs as the pool's."""
    try:
        conn = await asyncpg.connect(url.dsn, timeout=10, statement_cache_size=STATEMENT_CACHE_SIZE)
    except (OSError, asyncio.TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise ConfigError(f"cannot open database {url.redacted}: {_reason(error, url)}") from None
    await _prepare_connection(conn)
    return conn


def _reason(error: BaseException, url: DatabaseUrl) -> str:
    reason = str(error) or type(error).__name__
    return reason.replace(url.password, "***") if url.password else reason


async def _prepare_connection(conn: asyncpg.Connection) -> None:
    # SUM and AVG over BIGINT are NUMERIC in PostgreSQL: read them as SQLite gives them, an int
    # when whole, else a float, never a Decimal the JSON encoder does not know.
    await conn.set_type_codec(
        "numeric", encoder=str, decoder=_number, schema="pg_catalog", format="text",
    )


def _number(text: str) -> int | float:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)
