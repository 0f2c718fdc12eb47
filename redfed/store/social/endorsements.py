"""SQL for endorsements, the accounts an account features on its profile (layer 2)."""

from ...db.api import Connection

# An endorsement counts while its follow lasts (Mastodon removes it on unfollow).
_FOLLOWED = (
    "JOIN follows ON follows.follower_id = account_endorsements.actor_id "
    "AND follows.followee_id = account_endorsements.target_id AND follows.state = 'accepted'"
)


async def insert(conn: Connection, actor_id: int, target_id: int, now: int) -> None:
    await conn.execute(
        "INSERT INTO account_endorsements (actor_id, target_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (actor_id, target_id, now),
    )


async def delete(conn: Connection, actor_id: int, target_id: int) -> None:
    await conn.execute("DELETE FROM account_endorsements WHERE actor_id = ? AND target_id = ?", (actor_id, target_id))


async def list_targets(conn: Connection, actor_id: int, limit: int) -> list[int]:
    """The endorsed accounts, most recently endorsed first."""
    async with conn.execute(
        f"SELECT account_endorsements.target_id FROM account_endorsements {_FOLLOWED} "
        "WHERE account_endorsements.actor_id = ? ORDER BY account_endorsements.created_at DESC, account_endorsements.target_id DESC LIMIT ?",
        (actor_id, limit),
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def endorsed_among(conn: Connection, actor_id: int, target_ids: list[int]) -> set[int]:
    if not target_ids:
        return set()
    marks = ", ".join("?" for _ in target_ids)
    async with conn.execute(
        f"SELECT account_endorsements.target_id FROM account_endorsements {_FOLLOWED} "
        f"WHERE account_endorsements.actor_id = ? AND account_endorsements.target_id IN ({marks})",
        [actor_id, *target_ids],
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}
