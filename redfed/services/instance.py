"""Facts about the instance as a whole: usage figures for NodeInfo and the landing page (layer 4)."""

from dataclasses import dataclass

from ..clock import now_ms
from ..db.connection import Database
from ..store import posts as post_store
from ..store import users as user_store

_DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class Usage:
    users_total: int
    users_active_month: int
    users_active_halfyear: int
    local_posts: int


async def usage(db: Database) -> Usage:
    now = now_ms()
    return Usage(
        users_total=await user_store.count_users(db.reader),
        users_active_month=await user_store.count_users(db.reader, active_since=now - 30 * _DAY_MS),
        users_active_halfyear=await user_store.count_users(db.reader, active_since=now - 180 * _DAY_MS),
        local_posts=await post_store.count_local_posts(db.reader),
    )
