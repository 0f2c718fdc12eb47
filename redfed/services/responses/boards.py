"""Boards (layer 4): a person's named sets of saved posts, like RedNote's 收藏专辑 and Pixelfed's
collections, public or private, with a description and a cover.

A board shows each reader only the posts that reader may see: a public board of someone else's
followers-only posts shows a stranger nothing of them. A post's save count counts public boards
only, and never says whose. Mastodon's bookmarks stay the private default board.
"""

from dataclasses import replace

from ...clock import new_id
from ...errors import NotFound, Unprocessable
from ...models import Actor, Post
from ...store import posts as post_store
from ...store.responses import boards as store
from ...store.responses.boards import Board
from ..context import Context
from ..visibility import can_see

MAX_BOARDS = 200
MAX_NAME = 100
MAX_DESCRIPTION = 1_000
MAX_POSTS = 10_000
PAGE = 200  # posts a board shows at once
COVER_CANDIDATES = 5


def _checked_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise Unprocessable(f"Validation failed: a board's name is 1 to {MAX_NAME} characters")
    return name


def _checked_description(description: str | None) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Unprocessable(f"Validation failed: a board's description is at most {MAX_DESCRIPTION} characters")
    return description


async def create(ctx: Context, owner: Actor, name: str, description: str = "", is_public: bool = False) -> Board:
    if len(await store.list_for(ctx.db.reader, owner.id, public_only=False)) >= MAX_BOARDS:
        raise Unprocessable(f"Validation failed: at most {MAX_BOARDS} boards")
    now = ctx.now_ms()
    board = Board(new_id(now), owner.id, _checked_name(name), _checked_description(description), is_public, None, 0, now, now)
    async with ctx.db.transaction() as conn:
        await store.insert(conn, board)
    return await store.get(ctx.db.reader, board.id)


async def edit(
    ctx: Context, owner: Actor, board: Board, *, name: str | None = None, description: str | None = None,
    is_public: bool | None = None, cover: Post | None = None,
) -> Board:
    """Change what is given; a cover must be a post on the board."""
    if cover is not None and board.id not in await store.boards_holding(ctx.db.reader, owner.id, cover.id):
        raise Unprocessable("Validation failed: the cover must be a post on the board")
    changed = replace(
        board, name=board.name if name is None else _checked_name(name),
        description=board.description if description is None else _checked_description(description),
        is_public=board.is_public if is_public is None else is_public,
        cover_post_id=cover.id if cover else board.cover_post_id, updated_at=ctx.now_ms(),
    )
    async with ctx.db.transaction() as conn:
        await store.update(conn, changed)
    return await store.get(ctx.db.reader, board.id)


async def delete(ctx: Context, owner: Actor, board: Board) -> None:
    async with ctx.db.transaction() as conn:
        await store.delete(conn, board.id)


async def reorder(ctx: Context, owner: Actor, board_ids: list[int]) -> list[Board]:
    """The owner's boards in the order given; boards not named keep their place after those."""
    own = [b.id for b in await store.list_for(ctx.db.reader, owner.id, public_only=False)]
    if any(board_id not in own for board_id in board_ids):
        raise NotFound("Record not found")
    ordered = list(dict.fromkeys(board_ids)) + [b for b in own if b not in board_ids]
    async with ctx.db.transaction() as conn:
        await store.set_positions(conn, owner.id, ordered)
    return await store.list_for(ctx.db.reader, owner.id, public_only=False)


async def save(ctx: Context, owner: Actor, board: Board, post: Post) -> None:
    """Save a post the owner can see into one of the owner's boards (twice is once)."""
    if post.reblog_of_id is not None or not await can_see(ctx.db.reader, owner, post):
        raise NotFound("Record not found")
    if board.posts_count >= MAX_POSTS:
        raise Unprocessable(f"Validation failed: a board holds at most {MAX_POSTS} posts")
    async with ctx.db.transaction() as conn:
        await store.add_post(conn, board.id, post.id, ctx.now_ms())


async def unsave(ctx: Context, owner: Actor, board: Board, post_id: int) -> None:
    async with ctx.db.transaction() as conn:
        await store.remove_post(conn, board.id, post_id)


async def own_board(ctx: Context, owner: Actor, board_id: int) -> Board:
    board = await store.get(ctx.db.reader, board_id)
    if board is None or board.actor_id != owner.id:
        raise NotFound("Record not found")
    return board


async def visible_board(ctx: Context, viewer: Actor | None, board_id: int, owner: Actor | None = None) -> Board:
    """A board its owner, or anyone when it is public, may see (of `owner`, when given)."""
    board = await store.get(ctx.db.reader, board_id)
    mine = board is not None and viewer is not None and board.actor_id == viewer.id
    if board is None or not (board.is_public or mine) or (owner is not None and board.actor_id != owner.id):
        raise NotFound("Record not found")
    return board


async def boards_of(ctx: Context, owner: Actor, viewer: Actor | None) -> list[Board]:
    """An account's boards: all of them to the owner, the public ones to anyone else."""
    mine = viewer is not None and viewer.id == owner.id
    return await store.list_for(ctx.db.reader, owner.id, public_only=not mine)


async def posts_shown(ctx: Context, viewer: Actor | None, board: Board) -> list[Post]:
    """The board's posts this viewer may see, the last saved first."""
    posts = await store.posts_of(ctx.db.reader, board.id, PAGE)
    return [post for post in posts if await can_see(ctx.db.reader, viewer, post)]


async def holding(ctx: Context, owner: Actor, post: Post) -> list[int]:
    return await store.boards_holding(ctx.db.reader, owner.id, post.id)


async def cover_of(ctx: Context, viewer: Actor | None, board: Board) -> Post | None:
    """The post that covers a board for this viewer: its chosen cover, else the last saved post
    the viewer may see (of the last few)."""
    chosen = await post_store.get_post(ctx.db.reader, board.cover_post_id) if board.cover_post_id else None
    candidates = ([chosen] if chosen else []) + await store.posts_of(ctx.db.reader, board.id, COVER_CANDIDATES)
    for post in candidates:
        if await can_see(ctx.db.reader, viewer, post):
            return post
    return None


async def import_save(ctx: Context, owner: Actor, name: str, description: str, is_public: bool, post: Post) -> None:
    """An archive's saved post, into the owner's board of that name (made the first time): an
    import run again saves nothing twice."""
    found = [b for b in await store.list_for(ctx.db.reader, owner.id, public_only=False) if b.name == name.strip()]
    board = found[0] if found else await create(ctx, owner, name, description, is_public)
    await save(ctx, owner, board, post)
