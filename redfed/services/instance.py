"""Facts about the instance as a whole: usage figures for NodeInfo and the landing page (layer 4)."""

from dataclasses import dataclass

from babel import Locale
from babel.localedata import locale_identifiers

from ..clock import now_ms
from ..db.api import Database
from ..store import instance as instance_store
from ..store import posts as post_store
from ..store.accounts import users as user_store

_DAY_MS = 24 * 3600 * 1000
_ENGLISH = Locale("en").languages
_LANGUAGES = sorted((code, _ENGLISH[code]) for code in set(locale_identifiers()) if len(code) == 2 and code in _ENGLISH)


@dataclass(frozen=True)
class Usage:
    users_total: int
    users_active_month: int
    users_active_halfyear: int
    local_posts: int
    domains: int


async def usage(db: Database) -> Usage:
    now = now_ms()
    return Usage(
        users_total=await user_store.count_users(db.reader),
        users_active_month=await user_store.count_users(db.reader, active_since=now - 30 * _DAY_MS),
        users_active_halfyear=await user_store.count_users(db.reader, active_since=now - 180 * _DAY_MS),
        local_posts=await post_store.count_local_posts(db.reader),
        domains=len(await instance_store.known_domains(db.reader)),
    )


def languages() -> list[tuple[str, str]]:
    """The languages a post may be in (ISO 639-1 codes with their English names), as Mastodon lists them."""
    return _LANGUAGES


async def peers(db: Database) -> list[str]:
    """Domains of the servers we know accounts on (Mastodon's /api/v1/instance/peers)."""
    return await instance_store.known_domains(db.reader)


async def weekly_activity(db: Database, weeks: int = 12) -> list[dict]:
    """Statuses, logins and registrations per week, newest week first, as Mastodon reports them."""
    now = now_ms()
    week = 7 * _DAY_MS
    start = now - now % week
    rows = await instance_store.weekly_counts(db.reader, start - (weeks - 1) * week, week)
    kinds = ("statuses", "logins", "registrations")
    return [
        {"week": str(bucket // 1000), **{kind: str(rows.get(bucket, {}).get(kind, 0)) for kind in kinds}}
        for bucket in (start - n * week for n in range(weeks))
    ]
