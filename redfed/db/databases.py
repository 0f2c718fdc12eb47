"""Which database a config names, and the object that speaks to it (layer 2)."""

from ..config import Config
from .connection import Database
from .postgres import PostgresDatabase
from .urls import DatabaseUrl, parse, sqlite_file

AnyDatabase = Database | PostgresDatabase


def database_url(config: Config) -> DatabaseUrl:
    """`[database] url` when set; else the SQLite file of `[database] path` (the default)."""
    if config.database.url:
        return parse(config.database.url, config.base_dir)
    return sqlite_file(config.database_path)


def database_for(url: DatabaseUrl, *, pool_size: int = 20) -> AnyDatabase:
    """Not yet open: `await db.open()`, or `async with`."""
    if url.dialect == "postgresql":
        return PostgresDatabase(url, pool_size=pool_size)
    return Database(url.path)
