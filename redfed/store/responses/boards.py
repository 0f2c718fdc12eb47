"""SQL for boards of saved posts (layer 2). No business rules here."""

from dataclasses import dataclass

from ...db.api import Connection
from ...models import Post
from ..posts import SELECT_POSTS, row_to_post


@dataclass(frozen=True)
class Board:
    id: int
    actor_id: int
    name: str
    description: str
    is_public: bool
    cover_post_id: int | None
    position: int
    created_at: int
    updated_at: int
    posts_count: int = 0


_SELECT = (
    "SELECT boards.id, boards.actor_id, boards.name, boards.description, boards.is_public, boards.cover_post_id,"
    " boards.position, boards.created_at, boards.updated_at,"
    " (SELECT count(*) FROM board_posts WHERE board_posts.board_id = boards.id) FROM boards"
)


def _board(row) -> Board:
    return Board(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], row[7], row[8], row[9])


async def insert(conn: Connection, board: Board) -> None:
    """A new board, after the owner's others."""
    await conn.execute(
        "INSERT INTO boards (id, actor_id, name, description, is_public, cover_post_id, position, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(position), 0) + 1 FROM boards WHERE actor_id = ?), ?, ?)",
        (board.id, board.actor_id, board.name, board.description, int(board.is_public), board.cover_post_id,
         board.actor_id, board.created_at, board.updated_at),
    )


async def update(conn: Connection, board: Board) -> None:
    await conn.execute(
        "UPDATE boards SET name = ?, description = ?, is_public = ?, cover_post_id = ?, updated_at = ? WHERE id = ?",
        (board.name, board.description, int(board.is_public), board.cover_post_id, board.updated_at, board.id),
    )


async def delete(conn: Connection, board_id: int) -> None:
    await conn.execute("DELETE FROM boards WHERE id = ?", (board_id,))


async def get(conn: Connection, board_id: int) -> Board | None:
    async with conn.execute(f"{_SELECT} WHERE boards.id = ?", (board_id,)) as cursor:
        row = await cursor.fetchone()
    return _board(row) if row else None


async def list_for(conn: Connection, actor_id: int, *, public_only: bool) -> list[Board]:
    """An account's boards in its order (only the public ones, for others)."""
    sql = f"{_SELECT} WHERE boards.actor_id = ? AND (boards.is_public = 1 OR ? = 0) ORDER BY boards.position, boards.id"
    async with conn.execute(sql, (actor_id, int(public_only))) as cursor:
        return [_board(row) for row in await cursor.fetchall()]


async def set_positions(conn: Connection, actor_id: int, board_ids: list[int]) -> None:
    await conn.executemany(
        "UPDATE boards SET position = ? WHERE id = ? AND actor_id = ?",
        [(position, board_id, actor_id) for position, board_id in enumerate(board_ids, start=1)],
    )


async def add_post(conn: Connection, board_id: int, post_id: int, now: int) -> bool:
    cursor = await conn.execute(
        "INSERT INTO board_posts (board_id, post_id, position, added_at)"
        " VALUES (?, ?, (SELECT coalesce(max(position), 0) + 1 FROM board_posts WHERE board_id = ?), ?) ON CONFLICT DO NOTHING",
        (board_id, post_id, board_id, now),
    )
    return cursor.rowcount == 1


async def remove_post(conn: Connection, board_id: int, post_id: int) -> None:
    await conn.execute("DELETE FROM board_posts WHERE board_id = ? AND post_id = ?", (board_id, post_id))


async def posts_of(conn: Connection, board_id: int, limit: int) -> list[Post]:
    """A board's posts, the last saved first."""
    sql = (
        f"{SELECT_POSTS} JOIN board_posts ON board_posts.post_id = posts.id"
        " WHERE board_posts.board_id = ? ORDER BY board_posts.position DESC LIMIT ?"
    )
    async with conn.execute(sql, (board_id, limit)) as cursor:
        return [row_to_post(row) for row in await cursor.fetchall()]


async def boards_holding(conn: Connection, actor_id: int, post_id: int) -> list[int]:
    """Which of an account's boards hold a post."""
    sql = "SELECT boards.id FROM boards JOIN board_posts ON board_posts.board_id = boards.id WHERE boards.actor_id = ? AND board_posts.post_id = ?"
    async with conn.execute(sql, (actor_id, post_id)) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def public_saves(conn: Connection, post_ids: list[int]) -> dict[int, int]:
    """How many public boards hold each post (a count, never who)."""
    if not post_ids:
        return {}
    marks = ", ".join("?" for _ in post_ids)
    sql = (
        "SELECT board_posts.post_id, count(*) FROM board_posts JOIN boards ON boards.id = board_posts.board_id"
        f" WHERE boards.is_public = 1 AND board_posts.post_id IN ({marks}) GROUP BY board_posts.post_id"
    )
    async with conn.execute(sql, post_ids) as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall()}
