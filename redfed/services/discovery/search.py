"""Search (layer 4): accounts, hashtags and posts for the client API, and resolving what someone
pasted (a handle, the URL of an account or a post), after Mastodon's SearchService.

Mastodon's rules kept here: full-text search of posts needs a signed-in account (anonymous callers
get accounts and hashtags only); resolving remote resources and paging by offset need one too; a
URL query returns only what the URL names; a failed remote lookup is an empty result, not an error.
"""

import logging
import re
from dataclasses import dataclass, field

from ...errors import RedfedError, Unauthorized
from ...federation import ingest
from ...models import Actor, Post
from ...store import actors as actor_store
from ...store.discovery import search as store
from ...store.social import interactions as interaction_store
from .. import views
from ..context import Context
from ..social import posts as post_service
from ..views import AccountView, StatusView
from ..visibility import can_see
from . import tags

log = logging.getLogger(__name__)

KINDS = frozenset({"accounts", "hashtags", "statuses"})
RESOLVE_NEEDS_USER = "Search queries that resolve remote resources are not supported without authentication"
OFFSET_NEEDS_USER = "Search queries pagination is not supported without authentication"

_HANDLE = re.compile(r"^@?([\w.-]+)@([\w.-]+(?::\d+)?)$")
_HASHTAG = re.compile(r"^#?(\w[\w·]*)$")


@dataclass(frozen=True)
class SearchQuery:
    text: str
    kinds: frozenset[str] = KINDS
    resolve: bool = False
    following: bool = False
    account_id: int | None = None
    max_id: int | None = None
    min_id: int | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class SearchResults:
    accounts: list[AccountView] = field(default_factory=list)
    statuses: list[StatusView] = field(default_factory=list)
    hashtags: list[tags.TagView] = field(default_factory=list)


async def search(ctx: Context, viewer: Actor | None, query: SearchQuery) -> SearchResults:
    """GET /api/v2/search."""
    _check_caller(viewer, query)
    text = query.text.strip()
    if ingest.parse_http_url(text) is not None:
        return await _by_url(ctx, viewer, text, query)
    accounts = await search_accounts(ctx, viewer, query) if "accounts" in query.kinds else []
    if _HANDLE.match(text):
        return SearchResults(accounts)  # an account's address, as Mastodon's mention_query?
    hashtags = await _hashtags(ctx, viewer, text, query) if "hashtags" in query.kinds else []
    statuses = await _statuses(ctx, viewer, text, query) if "statuses" in query.kinds else []
    return SearchResults(accounts, statuses, hashtags)


async def search_accounts(ctx: Context, viewer: Actor | None, query: SearchQuery) -> list[AccountView]:
    """Accounts by username or display name prefix; `user@domain` exactly, WebFinger with resolve."""
    _check_caller(viewer, query)
    text = query.text.strip().lstrip("@")
    handle = _HANDLE.match(query.text.strip())
    name, domain = (handle[1], handle[2].lower()) if handle else (text, None)
    if not name:
        return []
    found: list[Actor] = []
    # The account a handle names comes first, fetched when asked to; `following` only narrows the
    # accounts already known, as on Mastodon.
    if handle and query.offset == 0 and not query.following:
        exact = await _exact_handle(ctx, viewer, name, domain, resolve=query.resolve)
        found += [exact] if exact is not None else []
    found += await store.search_actors(
        ctx.db.reader, name, domain, viewer.id if viewer else None, following=query.following,
        limit=query.limit, offset=query.offset,
    )
    unique = list({actor.id: actor for actor in found}.values())[: query.limit]
    return await views.account_views(ctx.db, unique)


def _check_caller(viewer: Actor | None, query: SearchQuery) -> None:
    if viewer is None and query.resolve:
        raise Unauthorized(RESOLVE_NEEDS_USER)
    if viewer is None and query.offset > 0:
        raise Unauthorized(OFFSET_NEEDS_USER)


async def _exact_handle(ctx: Context, viewer: Actor | None, username: str, domain: str, *, resolve: bool) -> Actor | None:
    actor = None
    if resolve:
        try:
            actor = await ctx.resolver.webfinger(f"{username}@{domain}")
        except RedfedError as error:
            log.info("search: %s@%s not resolved: %s", username, domain, error.message)
    actor = actor or await actor_store.find_actor_by_handle(ctx.db.reader, username, domain)
    if actor is None or actor.suspended_at is not None:
        return None
    if viewer is not None and await interaction_store.is_blocked_either_way(ctx.db.reader, viewer.id, actor.id):
        return None
    return actor


async def _hashtags(ctx: Context, viewer: Actor | None, text: str, query: SearchQuery) -> list[tags.TagView]:
    match = _HASHTAG.match(text)
    if match is None:
        return []
    names = await store.search_tags(ctx.db.reader, match[1].lower(), limit=query.limit, offset=query.offset)
    return await tags.tag_views(ctx, names, viewer)


async def _statuses(ctx: Context, viewer: Actor | None, text: str, query: SearchQuery) -> list[StatusView]:
    match = store.match_expression(text)
    if viewer is None or match is None:
        return []
    found = await store.search_posts(
        ctx.db.reader, match, viewer.id, author_id=query.account_id, max_id=query.max_id, min_id=query.min_id,
        limit=query.limit, offset=query.offset, now=ctx.now_ms(),
    )
    return await views.status_views(ctx.db, found, viewer)


async def _by_url(ctx: Context, viewer: Actor | None, url: str, query: SearchQuery) -> SearchResults:
    """What a URL names: an account or a post we know, else (with resolve) fetched from its server."""
    actor = await store.find_actor_by_url(ctx.db.reader, url)
    post = None if actor else await store.find_post_by_url(ctx.db.reader, url)
    if actor is None and post is None and query.resolve and not ctx.urls.is_local(url):
        actor, post = await _fetch(ctx, url)
    results = SearchResults()
    if actor is not None and actor.suspended_at is None and "accounts" in query.kinds:
        results.accounts.extend(await views.account_views(ctx.db, [actor]))
    if post is not None and "statuses" in query.kinds and await can_see(ctx.db.reader, viewer, post):
        results.statuses.extend(await views.status_views(ctx.db, [post], viewer))
    return results


async def _fetch(ctx: Context, url: str) -> tuple[Actor | None, Post | None]:
    """One signed GET tells an actor from a post; each is then stored by its own service, which
    checks it as it would any other (the id on the served document's origin, the author's own)."""
    try:
        document = await ctx.resolver.fetch_object(url)
        object_id = str(document.get("id"))
        if ingest.is_actor_document(document):
            return await ctx.resolver.actor(object_id), None
        return None, await post_service.fetch_post(ctx, object_id)
    except RedfedError as error:
        log.info("search: %s not resolved: %s", url, error.message)
        return None, None
