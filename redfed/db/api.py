"""What the store may rely on of a database connection, whichever database it is (layer 2).

SQLite's connections are aiosqlite's and PostgreSQL's are `postgres.PgConnection`; both answer
this surface, and the store is written against it alone, so that no module above redfed.db
names a driver.
"""

from collections.abc import Awaitable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager as AsyncContextManager
from typing import Any, Protocol


class Row(Protocol):
    """A result row: by position (`row[0]`, unpacking) and by column name (`row["id"]`)."""

    def __getitem__(self, key: int | str) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...

    def keys(self) -> Iterable[str]: ...


class Cursor(Protocol):
    rowcount: int

    async def fetchone(self) -> Row | None: ...

    async def fetchall(self) -> list[Row]: ...


class Executing(Awaitable[Cursor], AsyncContextManager[Cursor], Protocol):
    """`conn.execute(…)`: awaited, or entered with `async with`."""


class Connection(Protocol):
    dialect: str  # "sqlite" or "postgresql", for the few statements spelt differently
    in_transaction: bool

    def execute(self, sql: str, params: Any = ()) -> Executing: ...

    async def executemany(self, sql: str, seq_of_params: Iterable[Any]) -> Any: ...


class Database(Protocol):
    """An open database: `reader` for reads outside a transaction, `transaction()` for writes."""

    dialect: str

    @property
    def reader(self) -> Connection: ...

    def transaction(self) -> AsyncContextManager[Connection]: ...

    def pool_usage(self) -> tuple[int, int] | None: ...
