"""The store's SQL, written for SQLite, as PostgreSQL reads it (layer 2).

The store writes one statement per query, in the SQL both databases share; the few places where
they truly differ (JSON, FTS, string aggregation) choose per dialect themselves. What remains is
spelling, rewritten here once per distinct statement and cached:

- placeholders: `?` and `:name` become `$1…$n` (a name used twice is one parameter);
- `LIKE` becomes `ILIKE`, because SQLite's LIKE ignores the case of ASCII letters;
- `x IS ?` / `x IS NOT :name` become `IS [NOT] DISTINCT FROM`, PostgreSQL's null-safe comparison;
- `:x IS NULL` becomes a boolean parameter computed from the value (PostgreSQL cannot infer the
  type of a parameter that is only tested for NULL);
- `INSERT OR IGNORE INTO …` becomes `INSERT INTO … ON CONFLICT DO NOTHING`;
- `CAST(… AS REAL)` becomes double precision (PostgreSQL's REAL is single precision);
- SQLite's planner hint `NOT INDEXED` goes (PostgreSQL's planner takes no hints).

String literals, quoted identifiers and comments are copied untouched.
"""

import functools
import re
from dataclasses import dataclass

_PLACEHOLDER = r"(?:\?|(?<!:):[A-Za-z_]\w*)"
_TOKENS = re.compile(
    rf"""
      (?P<literal>'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*)
    | (?P<null_test>(?P<tested>{_PLACEHOLDER})\s+IS\s+(?P<not_null>NOT\s+)?NULL\b)
    | (?P<is>\bIS(?P<not>\s+NOT)?\s+(?={_PLACEHOLDER}))
    | (?P<placeholder>{_PLACEHOLDER})
    | (?P<like>\bLIKE\b)
    | (?P<real>\bAS\s+REAL\b)
    | (?P<hint>\s+NOT\s+INDEXED\b)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)

# What each $n is made of: a parameter's value (its position for `?`, its name for `:name`), or
# whether that value is NULL (for `:x IS NULL`).
Source = tuple[int | str, bool]


@dataclass(frozen=True)
class Statement:
    sql: str
    sources: tuple[Source, ...]  # the source of $1, $2, …

    def arguments(self, params) -> tuple:
        """`params` (a sequence for `?`, a mapping for `:name`) as the values of $1…$n."""
        params = params or ()
        return tuple((params[key] is None) if null_test else params[key] for key, null_test in self.sources)


@functools.lru_cache(maxsize=4096)
def to_postgresql(sql: str) -> Statement:
    sources: list[Source] = []
    positions = iter(range(sql.count("?")))
    styles = set()

    def number(placeholder: str, null_test: bool = False) -> str:
        styles.add(placeholder[0])
        key = next(positions) if placeholder == "?" else placeholder[1:]
        if (key, null_test) not in sources or placeholder == "?":
            sources.append((key, null_test))
            return f"${len(sources)}"
        return f"${sources.index((key, null_test)) + 1}"

    def replace(match: re.Match) -> str:
        if match["literal"]:
            return match[0]
        if match["null_test"]:
            # PostgreSQL cannot type a parameter tested only for NULL (`$1 IS NULL` is an error
            # whatever else uses $1); the test is a boolean parameter computed here instead.
            return f"{'NOT ' if match['not_null'] else ''}CAST({number(match['tested'], True)} AS BOOLEAN)"
        if match["is"]:
            return f"IS {'' if match['not'] else 'NOT '}DISTINCT FROM "
        if match["placeholder"]:
            return number(match["placeholder"])
        if match["like"]:
            return "ILIKE"
        if match["hint"]:
            return ""
        return "AS DOUBLE PRECISION"  # the remaining alternative, `AS REAL`

    rewritten = _TOKENS.sub(replace, sql)
    if _OR_IGNORE.match(rewritten):
        rewritten = _on_conflict_do_nothing(_OR_IGNORE.sub("INSERT INTO", rewritten, count=1))
    if len(styles) > 1:
        raise ValueError("a statement mixes ? and :name placeholders")
    return Statement(rewritten, tuple(sources))


def _on_conflict_do_nothing(sql: str) -> str:
    returning = _RETURNING.search(sql)
    if returning is None:
        return sql.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return f"{sql[:returning.start()]}ON CONFLICT DO NOTHING {sql[returning.start():]}"
