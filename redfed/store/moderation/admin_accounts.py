"""SQL for the admin's view of accounts (layer 2): local and remote accounts with their login and
moderation state, and a moderator's suspension of one remote account. No business rules here."""

from dataclasses import dataclass

from ...db.api import Connection
from ...models import Actor
from ..actors import ACTOR_COLUMNS, row_to_actor


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
    status: str = ""  # "disabled", "suspended", "silenced" or "" for any


_STATUS = {
    "disabled": "users.disabled_at IS NOT NULL",
    "suspended": "actors.suspended_at IS NOT NULL",
    "silenced": "actors.silenced_at IS NOT NULL",
}


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def list_accounts(conn: Connection, found: AccountFilter, limit: int, offset: int) -> list[AccountRow]:
    """Newest first; the instance actor is left out."""
    columns = ", ".join(f"actors.{c}" for c in ACTOR_COLUMNS)
    clauses = ["NOT (actors.is_local = 1 AND actors.type = 'Application')"]
    params: dict = {"limit": limit, "offset": offset}
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
    sql = (
        f"SELECT {columns}, users.email, users.is_admin, users.disabled_at FROM actors "
        f"LEFT JOIN users ON users.actor_id = actors.id WHERE {' AND '.join(clauses)} "
        "ORDER BY actors.id DESC LIMIT :limit OFFSET :offset"
    )
    async with conn.execute(sql, params) as cursor:
        rows = await cursor.fetchall()
    width = len(ACTOR_COLUMNS)
    return [AccountRow(row_to_actor(row[:width]), row[width], bool(row[width + 1]), row[width + 2]) for row in rows]


async def set_remote_suspended(conn: Connection, actor_id: int, at: int | None) -> bool:
    cursor = await conn.execute("UPDATE actors SET suspended_at = ? WHERE id = ? AND is_local = 0", (at, actor_id))
    return cursor.rowcount > 0


async def set_silenced(conn: Connection, actor_id: int, at: int | None) -> bool:
    cursor = await conn.execute("UPDATE actors SET silenced_at = ? WHERE id = ?", (at, actor_id))
    return cursor.rowcount > 0
