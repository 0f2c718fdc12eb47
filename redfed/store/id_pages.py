"""Id windows for Mastodon's pagination (layer 2): max_id, since_id and min_id as SQL.

`max_id` is an upper bound, `since_id` and `min_id` lower bounds; `min_id` also turns the scan
upwards, so that the page is the one just above the cursor. Callers reverse an upward page so
that every page reaches the client newest first.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Cursor:
    """Where a page starts, as the client asked."""

    max_id: int | None = None
    since_id: int | None = None
    min_id: int | None = None


@dataclass(frozen=True)
class IdWindow:
    condition: str  # SQL over `column`, "TRUE" when unbounded
    params: dict
    upward: bool

    @property
    def order(self) -> str:
        return "ASC" if self.upward else "DESC"


def id_window(column: str, cursor: Cursor) -> IdWindow:
    max_id, since_id, min_id = cursor.max_id, cursor.since_id, cursor.min_id
    clauses, params = [], {}
    if max_id is not None:
        clauses.append(f"{column} < :window_max")
        params["window_max"] = max_id
    lower = max((bound for bound in (since_id, min_id) if bound is not None), default=None)
    if lower is not None:
        clauses.append(f"{column} > :window_min")
        params["window_min"] = lower
    return IdWindow(" AND ".join(clauses) or "TRUE", params, min_id is not None)


@dataclass(frozen=True)
class IdRange(Cursor):
    """A page as the client asked for it: the cursor and how many rows."""

    limit: int = 20


async def fetch_page(conn, head: str, where: str, params: dict, page: IdRange, column: str, to_row) -> list:
    """Rows of `head` (a SELECT … FROM … without WHERE) matching `where`, one page of them by
    `column`, newest first: an upward (min_id) page is scanned ascending, then reversed."""
    window = id_window(column, page)
    sql = f"{head} WHERE {window.condition} AND ({where}) ORDER BY {column} {window.order} LIMIT :page_limit"
    async with conn.execute(sql, {**params, **window.params, "page_limit": page.limit}) as cursor:
        rows = [to_row(row) for row in await cursor.fetchall()]
    return rows[::-1] if window.upward else rows
