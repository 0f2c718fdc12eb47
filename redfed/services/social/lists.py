"""Lists (layer 4): an account's named groups of accounts it follows, and their timelines.

Only the owner ever sees a list: any other caller gets "Record not found", never a hint that the
list exists. Members must be accounts the owner follows (or has asked to), as on Mastodon.
"""

from dataclasses import dataclass, replace

from ...db.api import Database
from ...errors import NotFound, Unprocessable
from ...models import Actor
from ...store import views as view_store
from ...store.id_pages import Cursor
from ...store.social import lists as store
from ...store.social.lists import UserList
from ..views import AccountView, StatusView, account_views, status_views
from . import filters

POLICIES = ("followed", "list", "none")
MAX_TITLE = 256
MAX_ACCOUNTS_PER_CALL = 250
NOT_FOUND = "Record not found"


@dataclass(frozen=True)
class TimelinePage:
    statuses: list[StatusView]
    filtered: dict[int, list[dict]]  # post id → FilterResult entities
    page_ids: list[int]  # every post id the page covered, hidden ones too, for the Link header


async def lists_of(db: Database, viewer: Actor) -> list[UserList]:
    return await store.lists_of(db.reader, viewer.id)


async def get_list(db: Database, viewer: Actor, list_id: int) -> UserList:
    found = await store.get_list(db.reader, viewer.id, list_id)
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


async def create_list(
    db: Database, viewer: Actor, title: str | None, replies_policy: str | None, exclusive: bool | None, now: int
) -> UserList:
    title, policy = _checked(title, replies_policy or "list")
    async with db.transaction() as conn:
        return await store.insert_list(conn, viewer.id, title, policy, bool(exclusive), now)


async def update_list(
    db: Database, viewer: Actor, list_id: int, title: str | None, replies_policy: str | None, exclusive: bool | None
) -> UserList:
    found = await get_list(db, viewer, list_id)
    title, policy = _checked(found.title if title is None else title, replies_policy or found.replies_policy)
    updated = replace(found, title=title, replies_policy=policy, exclusive=found.exclusive if exclusive is None else exclusive)
    async with db.transaction() as conn:
        await store.update_list(conn, updated)
    return updated


async def delete_list(db: Database, viewer: Actor, list_id: int) -> None:
    async with db.transaction() as conn:
        if not await store.delete_list(conn, viewer.id, list_id):
            raise NotFound(NOT_FOUND)


async def members(db: Database, viewer: Actor, list_id: int, cursor: Cursor, limit: int | None) -> list[AccountView]:
    found = await get_list(db, viewer, list_id)
    return await account_views(db, await store.members(db.reader, found.id, cursor, limit))


async def add_members(db: Database, viewer: Actor, list_id: int, account_ids: list[int]) -> None:
    found = await get_list(db, viewer, list_id)
    ids = await _existing_accounts(db, account_ids)
    if len(await store.followed_among(db.reader, viewer.id, ids)) != len(ids):
        raise Unprocessable("Validation failed: Account must be followed before it can be added to a list")
    if await store.member_ids_among(db.reader, found.id, ids):
        raise Unprocessable("Validation failed: Account has already been taken")
    async with db.transaction() as conn:
        await store.add_members(conn, found.id, ids)


async def remove_members(db: Database, viewer: Actor, list_id: int, account_ids: list[int]) -> None:
    found = await get_list(db, viewer, list_id)
    ids = _ids(account_ids)
    async with db.transaction() as conn:
        await store.remove_members(conn, found.id, ids)


async def lists_with(db: Database, viewer: Actor, account_id: int) -> list[UserList]:
    """The viewer's lists that the account is on (GET /api/v1/accounts/:id/lists)."""
    await _existing_accounts(db, [account_id])
    return await store.lists_of(db.reader, viewer.id, member_id=account_id)


async def exclusive_member_ids(db: Database, viewer: Actor) -> set[int]:
    """Accounts whose posts an exclusive list keeps out of the viewer's home timeline."""
    return await store.exclusive_member_ids(db.reader, viewer.id)


async def timeline(db: Database, viewer: Actor, list_id: int, cursor: Cursor, limit: int, now: int) -> TimelinePage:
    """A page of the list's timeline, newest first, with the viewer's home filters applied."""
    found = await get_list(db, viewer, list_id)
    posts = await store.timeline(db.reader, found, cursor, limit, now)
    views = await status_views(db, posts, viewer)
    matched = await filters.filter_results(db, viewer.id, "home", views, now=now)
    shown = [v for v in views if not filters.hides(matched.get(v.post.id, []))]
    return TimelinePage(shown, matched, [p.id for p in posts])


async def _existing_accounts(db: Database, account_ids: list[int]) -> list[int]:
    ids = _ids(account_ids)
    if not ids:
        raise Unprocessable("Validation failed: Account ids can't be blank")
    known = await view_store.actors_by_ids(db.reader, ids)
    if len(known) != len(ids):
        raise NotFound(NOT_FOUND)
    return ids


def _ids(account_ids: list[int]) -> list[int]:
    ids = list(dict.fromkeys(account_ids))
    if len(ids) > MAX_ACCOUNTS_PER_CALL:
        raise Unprocessable(f"Validation failed: Too many accounts (at most {MAX_ACCOUNTS_PER_CALL})")
    return ids


def _checked(title: str | None, replies_policy: str) -> tuple[str, str]:
    if not title or not title.strip():
        raise Unprocessable("Validation failed: Title can't be blank")
    if len(title) > MAX_TITLE:
        raise Unprocessable(f"Validation failed: Title is too long (maximum is {MAX_TITLE} characters)")
    if replies_policy not in POLICIES:
        raise Unprocessable("Validation failed: Replies policy is not included in the list")
    return title.strip(), replies_policy
