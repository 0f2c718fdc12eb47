"""The store's SQL, written for SQLite, as PostgreSQL reads it (layer 2).

The store writes one statement per query, in the SQL both databases share; the few places where
they truly differ (JSON, FTS, string aggregation) choose per dialect themselves. What remains is
spelling, rewritten here once per distinct statement and cached:

- placeholders: `?` and `:name` become `$1…$n` (a name used twice is one parameter);
- `LIKE` becomes `ILIKE`, because SQLite's LIKE ignores the case of ASCII letters;
- `x IS ?` / `x IS NOT :name` become `IS [NOT] DISTINCT FROM`, PostgreSQL's null-safe comparison;
- `INSERT OR IGNORE INTO …` becomes `INSERT INTO … ON CONFLICT DO NOTHING`;
- `CAST(… AS REAL)` becomes double precision (PostgreSQL's REAL is single precision);
- SQLite's planner hint `NOT INDEXED` goes (PostgreSQL's planner takes no hints).

String literals, quoted identifiers and comments are copied untouched.
"""

import functools
import re
from dataclasses import dataclass

_TOKENS = re.compile(
    r"""
      (?P<literal>'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*)
    | (?P<is>\bIS(?P<not>\s+NOT)?\s+(?=\?|:[A-Za-z_]))
    | (?P<positional>\?)
    | (?P<named>(?<!:):(?P<name>[A-Za-z_]\w*))
    | (?P<like>\bLIKE\b)
    | (?P<real>\bAS\s+REAL\b)
    | (?P<hint>\s+NOT\s+INDEXED\b)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    sql: str
    names: tuple[str, ...]  # for named parameters, the name behind each $n; empty for `?`

    def arguments(self, params) -> tuple:
        """`params` (a sequence for `?`, a mapping for `:name`) in the order of $1…$n."""
        if not self.names:
            return tuple(params or ())
        return tuple(params[name] for name in self.names)


@functools.lru_cache(maxsize=4096)
def to_postgresql(sql: str) -> Statement:
    names: list[str] = []
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        if match["literal"]:
            return match[0]
        if match["is"]:
            return f"IS {'' if match['not'] else 'NOT '}DISTINCT FROM "
        if match["positional"]:
            count += 1
            return f"${count}"
        if match["named"]:
            if match["name"] not in names:
                names.append(match["name"])
            return f"${names.index(match['name']) + 1}"
        if match["like"]:
            return "ILIKE"
        if match["hint"]:
            return ""
        return "AS DOUBLE PRECISION"  # the remaining alternative, `AS REAL`

    rewritten = _TOKENS.sub(replace, sql)
    if _OR_IGNORE.match(rewritten):
        rewritten = _on_conflict_do_nothing(_OR_IGNORE.sub("INSERT INTO", rewritten, count=1))
    if names and count:
        raise ValueError("a statement mixes ? and :name placeholders")
    return Statement(rewritten, tuple(names))


def _on_conflict_do_nothing(sql: str) -> str:
    returning = _RETURNING.search(sql)
    if returning is None:
        return sql.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return f"{sql[:returning.start()]}ON CONFLICT DO NOTHING {sql[returning.start():]}"
