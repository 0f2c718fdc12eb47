"""SQL for the operator's view of access tokens (layer 2): a user's live tokens with the app each
belongs to, and revoking one by its id. Never the secrets: only their hashes are stored."""

from dataclasses import dataclass

from ...db.api import Connection


@dataclass(frozen=True)
class ListedToken:
    id: int
    app_name: str | None  # None: the app is gone
    scopes: str
    created_at: int
    last_used_at: int | None


async def list_live_tokens(conn: Connection, user_id: int) -> list[ListedToken]:
    async with conn.execute(
        "SELECT t.id, a.name, t.scopes, t.created_at, t.last_used_at FROM oauth_tokens AS t "
        "LEFT JOIN oauth_apps AS a ON a.id = t.app_id WHERE t.user_id = ? AND t.revoked_at IS NULL ORDER BY t.id",
        (user_id,),
    ) as cursor:
        return [ListedToken(*row) for row in await cursor.fetchall()]


async def revoke_live_token(conn: Connection, token_id: int, now: int) -> bool:
    """Whether a live token had that id (and is now revoked)."""
    cursor = await conn.execute(
        "UPDATE oauth_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (now, token_id)
    )
    return cursor.rowcount == 1
