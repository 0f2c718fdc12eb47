"""The migration files, as each database reads them (layer 2); see `migrate` for the rules."""

import re
from dataclasses import dataclass
from importlib import resources

from ..errors import ConfigError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str
    # The versions (and names) this file records as applied: itself, or all a baseline replaces.
    records: tuple[tuple[int, str], ...] = ()

    def recorded(self) -> tuple[tuple[int, str], ...]:
        return self.records or ((self.version, self.name),)


def available_migrations(dialect: str = "sqlite") -> list[Migration]:
    found = _read_folder(resources.files("redfed._migrations"))
    if dialect == "sqlite":
        return found
    own = {m.version: m for m in _read_folder(resources.files("redfed._migrations") / dialect)}
    baseline = max((m for m in own.values() if m.name == "baseline"), key=lambda m: m.version, default=None)
    covered = baseline.version if baseline else 0
    chosen = [own.get(m.version, m) for m in found if m.version > covered]
    if baseline is None:
        return chosen
    records = tuple((m.version, m.name) for m in found if m.version <= covered)
    return [Migration(baseline.version, baseline.name, baseline.sql, records), *chosen]


def _read_folder(folder) -> list[Migration]:
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ConfigError("two migration files share a version number")
    return found
