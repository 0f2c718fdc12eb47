"""The profile directory (layer 4): discoverable accounts, most recently active or newest first
(Mastodon's /api/v1/directory)."""

from ...db.api import Database
from ...models import Actor
from ...store import views as view_store
from ...store.discovery import directory as store

ORDERS = ("active", "new")


async def profiles(db: Database, *, order: str, local_only: bool, offset: int, limit: int) -> list[Actor]:
    ids = await store.list_discoverable(db.reader, order if order in ORDERS else "active", local_only, offset, limit)
    found = await view_store.actors_by_ids(db.reader, ids)
    return [found[i] for i in ids if i in found]
