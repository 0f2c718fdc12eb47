"""SQL for quotes and quote policies (layer 2). No business rules here."""

from dataclasses import dataclass

from ...db.api import Connection
from ...models import Post
from ..id_pages import IdRange, fetch_page
from ..posts import SELECT_POSTS, row_to_post


@dataclass(frozen=True)
class Quote:
    post_id: int  # the quoting post
    quoted_uri: str
    quoted_id: int | None
    state: str  # pending, accepted, rejected, revoked
    legacy: bool
    authorization_uri: str | None
    request_uri: str | None


_SELECT = "SELECT post_id, quoted_uri, quoted_id, state, legacy, authorization_uri, request_uri FROM quotes"


def _quote(row) -> Quote:
    return Quote(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6])


async def insert(conn: Connection, quote: Quote, now: int) -> None:
    """A post's quote; a post quotes once, so a second insert changes nothing."""
    await conn.execute(
        "INSERT INTO quotes (post_id, quoted_uri, quoted_id, state, legacy, authorization_uri, request_uri,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (quote.post_id, quote.quoted_uri, quote.quoted_id, quote.state, int(quote.legacy),
         quote.authorization_uri, quote.request_uri, now, now),
    )


async def find(conn: Connection, post_id: int) -> Quote | None:
    async with conn.execute(f"{_SELECT} WHERE post_id = ?", (post_id,)) as cursor:
        row = await cursor.fetchone()
    return _quote(row) if row else None


async def find_by_request(conn: Connection, request_uri: str) -> Quote | None:
    async with conn.execute(f"{_SELECT} WHERE request_uri = ?", (request_uri,)) as cursor:
        row = await cursor.fetchone()
    return _quote(row) if row else None


async def find_by_authorization(conn: Connection, authorization_uri: str) -> Quote | None:
    async with conn.execute(f"{_SELECT} WHERE authorization_uri = ?", (authorization_uri,)) as cursor:
        row = await cursor.fetchone()
    return _quote(row) if row else None


async def for_posts(conn: Connection, post_ids: list[int]) -> dict[int, Quote]:
    if not post_ids:
        return {}
    marks = ", ".join("?" for _ in post_ids)
    async with conn.execute(f"{_SELECT} WHERE post_id IN ({marks})", post_ids) as cursor:
        return {row[0]: _quote(row) for row in await cursor.fetchall()}


async def set_state(conn: Connection, post_id: int, state: str, authorization_uri: str | None, now: int) -> None:
    await conn.execute(
        "UPDATE quotes SET state = ?, authorization_uri = coalesce(?, authorization_uri), updated_at = ?"
        " WHERE post_id = ?",
        (state, authorization_uri, now, post_id),
    )


async def link_quoted(conn: Connection, quoted_uri: str, quoted_id: int) -> None:
    """Quotes that named a post before it was stored now point at it."""
    await conn.execute("UPDATE quotes SET quoted_id = ? WHERE quoted_uri = ? AND quoted_id IS NULL", (quoted_id, quoted_uri))


async def quoting_posts(conn: Connection, quoted_id: int, page: IdRange) -> list[Post]:
    """The posts that quote a post with its author's consent, one page, newest first."""
    head = f"{SELECT_POSTS} JOIN quotes ON quotes.post_id = posts.id"
    where = "quotes.quoted_id = :quoted AND quotes.state = 'accepted'"
    return await fetch_page(conn, head, where, {"quoted": quoted_id}, page, "posts.id", row_to_post)


async def count_accepted(conn: Connection, post_ids: list[int]) -> dict[int, int]:
    if not post_ids:
        return {}
    marks = ", ".join("?" for _ in post_ids)
    sql = f"SELECT quoted_id, count(*) FROM quotes WHERE state = 'accepted' AND quoted_id IN ({marks}) GROUP BY quoted_id"
    async with conn.execute(sql, post_ids) as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall()}


async def policy(conn: Connection, post_id: int, actor_id: int) -> str | None:
    """The post's own quote policy, else its author's default, else None."""
    sql = (
        "SELECT coalesce((SELECT policy FROM quote_policies WHERE post_id = ?),"
        " (SELECT policy FROM quote_policy_defaults WHERE actor_id = ?))"
    )
    async with conn.execute(sql, (post_id, actor_id)) as cursor:
        return (await cursor.fetchone())[0]


async def policies(conn: Connection, post_ids: list[int]) -> dict[int, str]:
    """Posts' own policies and their authors' defaults, per post (those with neither left out)."""
    if not post_ids:
        return {}
    marks = ", ".join("?" for _ in post_ids)
    sql = (
        "SELECT posts.id, coalesce(quote_policies.policy, quote_policy_defaults.policy) FROM posts"
        " LEFT JOIN quote_policies ON quote_policies.post_id = posts.id"
        " LEFT JOIN quote_policy_defaults ON quote_policy_defaults.actor_id = posts.actor_id"
        f" WHERE posts.id IN ({marks})"
    )
    async with conn.execute(sql, post_ids) as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall() if row[1] is not None}


async def set_policy(conn: Connection, post_id: int, policy: str) -> None:
    await conn.execute(
        "INSERT INTO quote_policies (post_id, policy) VALUES (?, ?)"
        " ON CONFLICT (post_id) DO UPDATE SET policy = excluded.policy",
        (post_id, policy),
    )


async def default_policy(conn: Connection, actor_id: int) -> str | None:
    async with conn.execute("SELECT policy FROM quote_policy_defaults WHERE actor_id = ?", (actor_id,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def set_default_policy(conn: Connection, actor_id: int, policy: str) -> None:
    await conn.execute(
        "INSERT INTO quote_policy_defaults (actor_id, policy) VALUES (?, ?)"
        " ON CONFLICT (actor_id) DO UPDATE SET policy = excluded.policy",
        (actor_id, policy),
    )
