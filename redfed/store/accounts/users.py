"""SQL for local users' logins (layer 2). No business rules here."""

from ...db.api import Connection, Row
from ...models import User

_SELECT = (
    "SELECT users.id, users.actor_id, actors.username, users.email, users.password_hash, "
    "users.is_admin, users.locale, users.created_at, users.last_active_at, users.disabled_at, users.pending "
    "FROM users JOIN actors ON actors.id = users.actor_id"
)


def _row_to_user(row: Row) -> User:
    values = list(row)
    values[5] = bool(values[5])
    values[10] = bool(values[10])
    return User(*values)


async def insert_user(
    conn: Connection, actor_id: int, email: str, password_hash: str, is_admin: bool, created_at: int
) -> int:
    async with conn.execute(
        "INSERT INTO users (actor_id, email, password_hash, is_admin, created_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        (actor_id, email, password_hash, int(is_admin), created_at),
    ) as cursor:
        return (await cursor.fetchone())[0]


async def find_user_by_username(conn: Connection, username: str) -> User | None:
    async with conn.execute(f"{_SELECT} WHERE lower(actors.username) = lower(?) AND actors.is_local = 1", (username,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_user(row) if row else None


async def email_taken(conn: Connection, email: str) -> bool:
    async with conn.execute("SELECT 1 FROM users WHERE email = ?", (email,)) as cursor:
        return await cursor.fetchone() is not None


async def list_users(conn: Connection) -> list[User]:
    async with conn.execute(f"{_SELECT} ORDER BY users.id") as cursor:
        return [_row_to_user(row) for row in await cursor.fetchall()]


async def set_disabled_at(conn: Connection, user_id: int, disabled_at: int | None) -> None:
    await conn.execute("UPDATE users SET disabled_at = ? WHERE id = ?", (disabled_at, user_id))


async def count_users(conn: Connection, active_since: int | None = None) -> int:
    """Enabled users; with `active_since`, only those active (or created) since that instant."""
    sql = "SELECT count(*) FROM users WHERE disabled_at IS NULL AND pending = 0"
    params: tuple = ()
    if active_since is not None:
        sql += " AND coalesce(last_active_at, created_at) >= ?"
        params = (active_since,)
    async with conn.execute(sql, params) as cursor:
        return (await cursor.fetchone())[0]


async def get_user(conn: Connection, user_id: int) -> User | None:
    async with conn.execute(f"{_SELECT} WHERE users.id = ?", (user_id,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_user(row) if row else None


async def find_user_by_actor(conn: Connection, actor_id: int) -> User | None:
    async with conn.execute(f"{_SELECT} WHERE users.actor_id = ?", (actor_id,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_user(row) if row else None


async def username_for_email(conn: Connection, email: str) -> str | None:
    """The local username registered with `email` (case-insensitive), to sign in by email."""
    async with conn.execute(
        "SELECT actors.username FROM users JOIN actors ON actors.id = users.actor_id WHERE lower(users.email) = lower(?)",
        (email,),
    ) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def users_by_actors(conn: Connection, actor_ids: list[int]) -> dict[int, User]:
    """The logins of the given local actors, keyed by actor id, in one query."""
    if not actor_ids:
        return {}
    marks = ", ".join("?" for _ in actor_ids)
    async with conn.execute(f"{_SELECT} WHERE users.actor_id IN ({marks})", actor_ids) as cursor:
        return {user.actor_id: user for user in map(_row_to_user, await cursor.fetchall())}
