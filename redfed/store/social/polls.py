"""SQL for poll votes (layer 2)."""

from ...db.api import Connection



async def insert_votes(conn: Connection, post_id: int, actor_id: int, choices: list[int], uri: str | None, now: int) -> None:
    await conn.executemany(
        "INSERT OR IGNORE INTO poll_votes (post_id, actor_id, choice, uri, created_at) VALUES (?, ?, ?, ?, ?)",
        [(post_id, actor_id, choice, uri, now) for choice in choices],
    )


async def votes_of(conn: Connection, post_id: int, actor_id: int) -> list[int]:
    async with conn.execute(
        "SELECT choice FROM poll_votes WHERE post_id = ? AND actor_id = ? ORDER BY choice", (post_id, actor_id)
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def tally(conn: Connection, post_id: int) -> tuple[dict[int, int], int]:
    """(votes per choice, number of voters) of a local poll."""
    async with conn.execute(
        "SELECT choice, count(*) FROM poll_votes WHERE post_id = ? GROUP BY choice", (post_id,)
    ) as cursor:
        per_choice = {row[0]: row[1] for row in await cursor.fetchall()}
    async with conn.execute("SELECT count(DISTINCT actor_id) FROM poll_votes WHERE post_id = ?", (post_id,)) as cursor:
        voters = (await cursor.fetchone())[0]
    return per_choice, voters


async def set_poll(conn: Connection, post_id: int, poll_json: str) -> None:
    await conn.execute("UPDATE posts SET poll = ? WHERE id = ?", (poll_json, post_id))


async def votes_for(conn: Connection, actor_id: int, post_ids: list[int]) -> dict[int, list[int]]:
    """The actor's choices in each of the given polls."""
    if not post_ids:
        return {}
    marks = ", ".join("?" for _ in post_ids)
    found: dict[int, list[int]] = {}
    async with conn.execute(
        f"SELECT post_id, choice FROM poll_votes WHERE actor_id = ? AND post_id IN ({marks}) ORDER BY choice",
        [actor_id, *post_ids],
    ) as cursor:
        for post_id, choice in await cursor.fetchall():
            found.setdefault(post_id, []).append(choice)
    return found
