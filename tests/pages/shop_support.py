"""What the shop page tests share: a seller's listing with photos, settling two instances, and
reading an instance's database."""

import io

from PIL import Image

from redfed.services.media import media as media_service
from redfed.services.shop import listings
from redfed.store.shop import listings as listing_store

BIKE = {
    "title": "Blue one-speed bike", "price_amount": "30", "price_currency": "USD", "quantity": "3",
    "condition": "used", "category": "bicycles", "regions": ["Berlin", "Potsdam"],
    "checkout_url": "https://pay.example/bike",
}


def settle(*instances) -> None:
    for _ in range(10):
        if sum(i.drain() for i in instances) == 0:
            return


def upload(instance, owner, colour, alt, size=(120, 90)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    buffer.seek(0)
    return instance.run(media_service.upload(instance.ctx, owner, buffer, description=alt)).media


def create_listing(instance, seller, changes=None, description="Some rust, rides well. #bikes", photos=()):
    media = [upload(instance, seller, colour, alt) for colour, alt in photos]
    return instance.run(listings.create_listing(instance.ctx, seller, {**BIKE, **(changes or {})}, description, media=media))


def listing_by_proposal(instance, proposal_uri):
    return instance.run(listing_store.find_listing_by_proposal(instance.runtime.db.reader, proposal_uri))


async def _rows(instance, sql: str, *params) -> list[tuple]:
    async with instance.runtime.db.reader.execute(sql, params) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


def rows(instance, sql: str, *params) -> list[tuple]:
    return instance.run(_rows(instance, sql, *params))
