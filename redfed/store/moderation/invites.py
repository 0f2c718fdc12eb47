"""SQL for invite codes (layer 2)."""

from dataclasses import dataclass

from ...db.api import Connection



@dataclass(frozen=True)
class Invite:
    id: int
    code: str
    created_by: int | None
    max_uses: int | None
    uses: int
    expires_at: int | None
    revoked_at: int | None
    created_at: int

    def usable(self, now: int) -> bool:
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and (self.max_uses is None or self.uses < self.max_uses)
        )


_COLUMNS = "id, code, created_by, max_uses, uses, expires_at, revoked_at, created_at"


async def insert_invite(
    conn: Connection, code: str, created_by: int | None, max_uses: int | None, expires_at: int | None, now: int
) -> Invite:
    async with conn.execute(
        f"INSERT INTO invites (code, created_by, max_uses, expires_at, created_at) VALUES (?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
        (code, created_by, max_uses, expires_at, now),
    ) as cursor:
        return Invite(*await cursor.fetchone())


async def list_invites(conn: Connection) -> list[Invite]:
    async with conn.execute(f"SELECT {_COLUMNS} FROM invites ORDER BY id DESC") as cursor:
        return [Invite(*row) for row in await cursor.fetchall()]


async def find_invite(conn: Connection, code: str) -> Invite | None:
    async with conn.execute(f"SELECT {_COLUMNS} FROM invites WHERE code = ?", (code,)) as cursor:
        row = await cursor.fetchone()
    return Invite(*row) if row else None


async def use_invite(conn: Connection, code: str, now: int) -> int | None:
    """Count one use of a usable code in one statement (two sign-ups cannot both take its last
    use); the invite's id, or None when the code is unknown, used up, expired or revoked."""
    async with conn.execute(
        "UPDATE invites SET uses = uses + 1 WHERE code = ? AND revoked_at IS NULL "
        "AND (expires_at IS NULL OR expires_at > ?) AND (max_uses IS NULL OR uses < max_uses) RETURNING id",
        (code, now),
    ) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def revoke_invite(conn: Connection, invite_id: int, now: int) -> bool:
    cursor = await conn.execute(
        "UPDATE invites SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (now, invite_id)
    )
    return cursor.rowcount > 0
