"""SQL for the admin's view of accounts (layer 2): local and remote accounts with their login and
moderation state, and a moderator's suspension of one remote account. No business rules here."""

from dataclasses import dataclass

from ...db.api import Connection
from ...models import Actor
from ..actors import ACTOR_COLUMNS, row_to_actor
from ..id_pages import IdRange, fetch_page


@dataclass(frozen=True)
class AccountRow:
    actor: Actor
    email: str | None  # local accounts only
    is_admin: bool
    disabled_at: int | None


@dataclass(frozen=True)
class AccountFilter:
    username: str = ""  # a prefix, lower case
    domain: str = ""  # a prefix, lower case
    origin: str = ""  # "local", "remote" or "" for both
    status: str = ""  # "disabled", "suspended", "silenced", "pending", "active" or "" for any
    staff: bool = False  # only accounts that may moderate


_STATUS = {
    "disabled": "users.disabled_at IS NOT NULL",
    "suspended": "actors.suspended_at IS NOT NULL",
    "silenced": "actors.silenced_at IS NOT NULL",
    "pending": "users.pending = 1",
    "active": "actors.suspended_at IS NULL AND (users.actor_id IS NULL OR (users.pending = 0 AND users.disabled_at IS NULL))",
}


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _where(found: AccountFilter) -> tuple[str, dict]:
    clauses = ["NOT (actors.is_local = 1 AND actors.type = 'Application')"]
    params: dict = {}
    if found.username:
        clauses.append("lower(actors.username) LIKE :username ESCAPE '\\'")
        params["username"] = _like_prefix(found.username)
    if found.domain:
        clauses.append("actors.domain LIKE :domain ESCAPE '\\'")
        params["domain"] = _like_prefix(found.domain)
    if found.origin in ("local", "remote"):
        clauses.append(f"actors.is_local = {1 if found.origin == 'local' else 0}")
    if found.status in _STATUS:
        clauses.append(_STATUS[found.status])
    if found.staff:
        clauses.append("users.is_admin = 1")
    return " AND ".join(clauses), params


_SELECT = (f"SELECT {', '.join(f'actors.{c}' for c in ACTOR_COLUMNS)}, users.email, users.is_admin, users.disabled_at "
           "FROM actors LEFT JOIN users ON users.actor_id = actors.id")


def _account_row(row) -> AccountRow:
    width = len(ACTOR_COLUMNS)
    return AccountRow(row_to_actor(row[:width]), row[width], bool(row[width + 1]), row[width + 2])


async def list_accounts(conn: Connection, found: AccountFilter, limit: int, offset: int) -> list[AccountRow]:
    """Newest first; the instance actor is left out."""
    where, params = _where(found)
    sql = f"{_SELECT} WHERE {where} ORDER BY actors.id DESC LIMIT :limit OFFSET :offset"
    async with conn.execute(sql, {**params, "limit": limit, "offset": offset}) as cursor:
        return [_account_row(row) for row in await cursor.fetchall()]


async def page_accounts(conn: Connection, found: AccountFilter, page: IdRange) -> list[AccountRow]:
    """One page by id (max_id, since_id, min_id), newest first, for the admin API."""
    where, params = _where(found)
    return await fetch_page(conn, _SELECT, where, params, page, "actors.id", _account_row)


async def set_remote_suspended(conn: Connection, actor_id: int, at: int | None) -> bool:
    cursor = await conn.execute("UPDATE actors SET suspended_at = ? WHERE id = ? AND is_local = 0", (at, actor_id))
    return cursor.rowcount > 0


async def set_silenced(conn: Connection, actor_id: int, at: int | None) -> bool:
    cursor = await conn.execute("UPDATE actors SET silenced_at = ? WHERE id = ?", (at, actor_id))
    return cursor.rowcount > 0
