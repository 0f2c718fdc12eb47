"""SQL for deals (FEP-0837 offers of agreements) and listing reviews (layer 2). No business rules.

`Deal` and `Review` are defined here rather than in models.py only because this increment does
not own that file; they are plain rows like the others and belong with them.
"""

from ...db.api import Connection, Row
from ...models import Deal, Review

from ..id_pages import IdRange, fetch_page


_COLUMNS = (
    "id", "listing_id", "seller_id", "buyer_id", "quantity", "state", "offer_uri", "agreement_uri",
    "payment_url", "reason", "created_at", "updated_at", "message",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM deals"


def _row_to_deal(row: Row) -> Deal:
    return Deal(*row)


async def insert_deal(conn: Connection, deal: Deal) -> Deal:
    marks = ", ".join("?" for _ in _COLUMNS)
    await conn.execute(f"INSERT INTO deals ({', '.join(_COLUMNS)}) VALUES ({marks})", [getattr(deal, c) for c in _COLUMNS])
    return deal


async def get_deal(conn: Connection, deal_id: int) -> Deal | None:
    async with conn.execute(f"{_SELECT} WHERE id = ?", (deal_id,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_deal(row) if row else None


async def find_deal_by_offer(conn: Connection, offer_uri: str) -> Deal | None:
    async with conn.execute(f"{_SELECT} WHERE offer_uri = ?", (offer_uri,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_deal(row) if row else None


async def find_deal_by_agreement(conn: Connection, agreement_uri: str) -> Deal | None:
    async with conn.execute(f"{_SELECT} WHERE agreement_uri = ?", (agreement_uri,)) as cursor:
        row = await cursor.fetchone()
    return _row_to_deal(row) if row else None


async def update_deal(
    conn: Connection, deal_id: int, *, state: str, now: int, agreement_uri: str | None = None,
    payment_url: str | None = None, reason: str | None = None,
) -> None:
    """Move a deal to `state`; the optional columns keep their value when None is given."""
    await conn.execute(
        "UPDATE deals SET state = ?, updated_at = ?, agreement_uri = coalesce(?, agreement_uri),"
        " payment_url = coalesce(?, payment_url), reason = coalesce(?, reason) WHERE id = ?",
        (state, now, agreement_uri, payment_url, reason, deal_id),
    )


async def list_deals_of(conn: Connection, actor_id: int, page: IdRange) -> list[Deal]:
    """Deals where the actor is the buyer or the seller, newest first."""
    where = "seller_id = :actor OR buyer_id = :actor"
    return await fetch_page(conn, _SELECT, where, {"actor": actor_id}, page, "id", _row_to_deal)


async def count_deals(conn: Connection) -> int:
    async with conn.execute("SELECT count(*) FROM deals") as cursor:
        return (await cursor.fetchone())[0]


async def take_stock(conn: Connection, listing_id: int, quantity: int) -> bool:
    """Lower a listing's stock by `quantity` if that much is left (unknown stock is not counted)."""
    cursor = await conn.execute(
        "UPDATE listings SET quantity = quantity - ? WHERE post_id = ? AND (quantity IS NULL OR quantity >= ?)",
        (quantity, listing_id, quantity),
    )
    return cursor.rowcount == 1


# Reviews ---------------------------------------------------------------------------------------

_REVIEW_COLUMNS = ("listing_id", "actor_id", "post_id", "rating", "created_at")
_REVIEW_SELECT = f"SELECT {', '.join('reviews.' + c for c in _REVIEW_COLUMNS)} FROM reviews"


def _row_to_review(row: Row) -> Review:
    return Review(*row)


async def upsert_review(conn: Connection, review: Review) -> None:
    """One review per account and listing: a later one replaces the earlier."""
    await conn.execute(
        "INSERT INTO reviews (listing_id, actor_id, post_id, rating, created_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (listing_id, actor_id) DO UPDATE SET post_id = excluded.post_id,"
        " rating = excluded.rating, created_at = excluded.created_at",
        (review.listing_id, review.actor_id, review.post_id, review.rating, review.created_at),
    )


async def rating_of_post(conn: Connection, post_id: int) -> int | None:
    """The rating of a counted review post, or None."""
    async with conn.execute("SELECT rating FROM reviews WHERE post_id = ?", (post_id,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def list_reviews(conn: Connection, listing_id: int, page: IdRange) -> list[Review]:
    return await fetch_page(conn, _REVIEW_SELECT, "reviews.listing_id = :listing", {"listing": listing_id}, page,
                            "reviews.post_id", _row_to_review)


async def ratings(conn: Connection, listing_ids: list[int]) -> dict[int, tuple[float, int]]:
    """(average, count) of the counted reviews of each listing that has any."""
    if not listing_ids:
        return {}
    marks = ", ".join("?" for _ in listing_ids)
    sql = f"SELECT listing_id, avg(rating), count(*) FROM reviews WHERE listing_id IN ({marks}) GROUP BY listing_id"
    async with conn.execute(sql, listing_ids) as cursor:
        return {row[0]: (row[1], row[2]) for row in await cursor.fetchall()}
