"""`[database] url`: which database, parsed once, with a form safe to print (layer 2).

`sqlite:///relative/path` and `sqlite:////absolute/path` name an SQLite file (relative to the
config's folder); `postgresql://user:password@host:port/name` a PostgreSQL database. The password
appears in `dsn` only, never in `redacted`, which is what logs and errors show.
"""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from ..errors import ConfigError

SCHEMES = ("sqlite", "postgresql", "postgres")


@dataclass(frozen=True)
class DatabaseUrl:
    dialect: str  # "sqlite" or "postgresql"
    dsn: str = field(repr=False)  # the whole URL, password included, for the driver
    path: Path | None = None  # SQLite's file
    password: str = field(default="", repr=False)

    @property
    def redacted(self) -> str:
        if self.dialect == "sqlite":
            return f"sqlite:///{self.path}"
        parts = urlsplit(self.dsn)
        if parts.password is None:
            return self.dsn
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))


def parse(url: str, base_dir: Path) -> DatabaseUrl:
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in SCHEMES:
        raise ConfigError("config key 'database.url' must start with sqlite:/// or postgresql://")
    if scheme == "sqlite":
        if not rest.startswith("/") or rest == "/":
            raise ConfigError("config key 'database.url' must be sqlite:///PATH (a file, relative to the config)")
        path = Path(unquote(rest[1:]))
        return sqlite_file(path if path.is_absolute() else base_dir / path)
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ConfigError("config key 'database.url' has a port that is not a number") from None
    if not parts.hostname or not parts.path.strip("/"):
        raise ConfigError("config key 'database.url' must be postgresql://USER:PASSWORD@HOST:PORT/NAME")
    dsn = urlunsplit(parts._replace(scheme="postgresql"))
    return DatabaseUrl("postgresql", dsn, password=unquote(parts.password or ""))


def sqlite_file(path: Path) -> DatabaseUrl:
    return DatabaseUrl("sqlite", f"sqlite:///{path}", path=Path(path))
