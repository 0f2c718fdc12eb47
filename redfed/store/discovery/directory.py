"""SQL for the profile directory (layer 2): accounts that chose to be discoverable."""

from ...db.api import Connection

_ORDER = {
    "new": "actors.published_at DESC, actors.id DESC",
    "active": "(SELECT max(posts.published_at) FROM posts WHERE posts.actor_id = actors.id) DESC NULLS LAST, actors.id DESC",
}


async def list_discoverable(conn: Connection, order: str, local_only: bool, offset: int, limit: int) -> list[int]:
    """Ids of discoverable accounts (not suspended, not awaiting approval or disabled), in `order`."""
    async with conn.execute(
        "SELECT actors.id FROM actors WHERE actors.discoverable = 1 AND actors.suspended_at IS NULL "
        "AND actors.type != 'Application' AND (? = 0 OR actors.is_local = 1) "
        "AND NOT EXISTS (SELECT 1 FROM users WHERE users.actor_id = actors.id "
        "AND (users.pending = 1 OR users.disabled_at IS NOT NULL)) "
        f"ORDER BY {_ORDER[order]} LIMIT ? OFFSET ?",
        (int(local_only), limit, offset),
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]
