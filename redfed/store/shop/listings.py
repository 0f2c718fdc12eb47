"""SQL for product listings (layer 2): the structured part of a listing post. No business rules here.

`Listing` lives here rather than in models.py only because this increment could not touch that
file; it is a plain row like the others and belongs with them.
"""

import json
from dataclasses import dataclass

from ...db.api import Connection, Row
from ...models import Listing

from ..id_pages import IdRange, fetch_page



@dataclass(frozen=True)
class ListingQuery:
    """Search filters; None means "any"."""

    text: str | None = None
    tag: str | None = None
    category: str | None = None
    currency: str | None = None
    min_price: str | None = None
    max_price: str | None = None


_COLUMNS = (
    "post_id", "proposal_uri", "actor_id", "title", "price_kind", "price_amount", "price_currency", "quantity",
    "availability", "condition", "category", "regions", "checkout_url", "status", "created_at", "updated_at",
)
_SELECT = f"SELECT {', '.join('listings.' + c for c in _COLUMNS)} FROM listings"
_EDITABLE = tuple(c for c in _COLUMNS if c not in ("post_id", "proposal_uri", "actor_id", "created_at"))


def _row_to_listing(row: Row) -> Listing:
    values = dict(zip(_COLUMNS, row))
    values["regions"] = tuple(json.loads(values["regions"]))
    return Listing(**values)


def _values(listing: Listing) -> dict:
    values = {name: getattr(listing, name) for name in _COLUMNS}
    values["regions"] = json.dumps(list(listing.regions), ensure_ascii=False)
    return values


async def insert_listing(conn: Connection, listing: Listing) -> Listing:
    values = _values(listing)
    marks = ", ".join(f":{name}" for name in values)
    await conn.execute(f"INSERT INTO listings ({', '.join(values)}) VALUES ({marks})", values)
    return listing


async def update_listing(conn: Connection, listing: Listing) -> None:
    assignments = ", ".join(f"{name} = :{name}" for name in _EDITABLE)
    await conn.execute(f"UPDATE listings SET {assignments} WHERE post_id = :post_id", _values(listing))


async def get_listing(conn: Connection, post_id: int) -> Listing | None:
    async with conn.execute(f"{_SELECT} WHERE post_id = ?", (post_id,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_listing(row) if row else None


async def find_listing_by_proposal(conn: Connection, proposal_uri: str) -> Listing | None:
    async with conn.execute(f"{_SELECT} WHERE proposal_uri = ?", (proposal_uri,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_listing(row) if row else None


async def count_listings(conn: Connection) -> int:
    async with conn.execute("SELECT count(*) FROM listings") as cursor:
        return (await cursor.fetchone())[0]


# Listings a viewer may see: public or unlisted carrying posts, by authors neither side blocks.
_SHOWN = """
    listings.post_id IN (SELECT id FROM posts WHERE visibility IN ('public', 'unlisted'))
    AND (:viewer IS NULL OR listings.actor_id NOT IN (
        SELECT target_id FROM blocks WHERE actor_id = :viewer
        UNION SELECT actor_id FROM blocks WHERE target_id = :viewer))"""


async def list_by_seller(conn: Connection, seller_id: int, viewer_id: int | None, page: IdRange) -> list[Listing]:
    where = f"listings.actor_id = :seller AND (listings.actor_id = :viewer OR ({_SHOWN}))"
    return await _page(conn, where, {"seller": seller_id, "viewer": viewer_id}, page)


async def search(conn: Connection, query: ListingQuery, viewer_id: int | None, page: IdRange) -> list[Listing]:
    """Open and paused listings matching every given filter, newest first."""
    clauses = [_SHOWN, "listings.status IN ('open', 'paused')"]
    params: dict = {"viewer": viewer_id}
    if query.text:
        escaped = query.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append("(listings.title LIKE :text ESCAPE '\\' OR listings.category LIKE :text ESCAPE '\\')")
        params["text"] = f"%{escaped}%"
    if query.tag:
        clauses.append("listings.post_id IN (SELECT post_id FROM post_tags WHERE name = :tag)")
        params["tag"] = query.tag
    if query.category:
        clauses.append("listings.category = :category")
        params["category"] = query.category
    if query.currency:
        clauses.append("listings.price_kind = 'fixed' AND listings.price_currency = :currency")
        params["currency"] = query.currency
    if query.min_price is not None:
        clauses.append("CAST(listings.price_amount AS REAL) >= :min_price")
        params["min_price"] = float(query.min_price)  # checked to be a decimal number
    if query.max_price is not None:
        clauses.append("CAST(listings.price_amount AS REAL) <= :max_price")
        params["max_price"] = float(query.max_price)
    return await _page(conn, " AND ".join(f"({c})" for c in clauses), params, page)


async def _page(conn: Connection, where: str, params: dict, page: IdRange) -> list[Listing]:
    """Mastodon's id pagination over listing ids (post ids), newest first."""
    return await fetch_page(conn, _SELECT, where, params, page, "listings.post_id", _row_to_listing)