"""Content filters (layer 4): Mastodon's v2 filters, their keywords and statuses, and applying them.

A filter applies in some contexts (home, notifications, public, thread, account) until it expires;
it matches a status by keyword (case-insensitive, whole words unless told otherwise) against the
status's text, content warning and media descriptions, or by naming the status itself. What a
match does is the filter's action: `warn` and `blur` mark the status, `hide` drops it.
"""

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from ...clock import now_ms
from ...content import html_to_text
from ...db.api import Database
from ...errors import NotFound, Unprocessable
from ...models import Actor
from ...store import posts as post_store
from ...store.social import filters as store
from ...store.social.filters import Filter, FilterKeyword, FilterStatus
from ..views import StatusView
from ..visibility import can_see

CONTEXTS = ("home", "notifications", "public", "thread", "account")
ACTIONS = ("warn", "hide", "blur")
MAX_KEYWORDS = 100
NOT_FOUND = "Record not found"
KEEP = object()  # an update that leaves expires_in as it is


@dataclass(frozen=True)
class KeywordChange:
    """One entry of keywords_attributes[]: a new keyword (no id), an edit, or a removal (_destroy)."""

    keyword: str | None = None
    whole_word: bool | None = None
    id: int | None = None
    destroy: bool = False


async def list_filters(db: Database, viewer: Actor) -> list[Filter]:
    return await store.filters_of(db.reader, viewer.id)


async def get_filter(db: Database, viewer: Actor, filter_id: int) -> Filter:
    found = await store.filters_of(db.reader, viewer.id, filter_id=filter_id)
    if not found:
        raise NotFound(NOT_FOUND)
    return found[0]


async def create_filter(
    db: Database, viewer: Actor, title: str | None, context: list[str], action: str | None, expires_in: int | None,
    keywords: list[KeywordChange], now: int,
) -> Filter:
    title, context, action = _checked(title, context, action or "warn")
    added = [_new_keyword(k) for k in keywords if not k.destroy]
    if len(added) > MAX_KEYWORDS:
        raise Unprocessable(f"Validation failed: Keywords are too many (at most {MAX_KEYWORDS})")
    async with db.transaction() as conn:
        filter_id = await store.insert_filter(conn, viewer.id, title, context, action, _expiry(expires_in, now), now)
        await store.insert_keywords(conn, filter_id, added)
    return await get_filter(db, viewer, filter_id)


async def update_filter(
    db: Database, viewer: Actor, filter_id: int, *, title: str | None = None, context: list[str] | None = None,
    action: str | None = None, expires_in=KEEP, keywords: list[KeywordChange] = (), now: int,
) -> Filter:
    found = await get_filter(db, viewer, filter_id)
    title, context, action = _checked(
        found.title if title is None else title, found.context if context is None else context, action or found.filter_action
    )
    expires_at = found.expires_at if expires_in is KEEP else _expiry(expires_in, now)
    own = {k.id: k for k in found.keywords}
    if any(k.id is not None and k.id not in own for k in keywords):
        raise NotFound(NOT_FOUND)
    removed = [k.id for k in keywords if k.id is not None and k.destroy]
    edited = [_edited(own[k.id], k) for k in keywords if k.id is not None and not k.destroy]
    added = [_new_keyword(k) for k in keywords if k.id is None and not k.destroy]
    if len(own) - len(set(removed)) + len(added) > MAX_KEYWORDS:
        raise Unprocessable(f"Validation failed: Keywords are too many (at most {MAX_KEYWORDS})")
    async with db.transaction() as conn:
        await store.update_filter(conn, replace(found, title=title, context=context, filter_action=action, expires_at=expires_at))
        await store.delete_keywords(conn, filter_id, removed)
        await store.update_keywords(conn, edited)
        await store.insert_keywords(conn, filter_id, added)
    return await get_filter(db, viewer, filter_id)


async def delete_filter(db: Database, viewer: Actor, filter_id: int) -> None:
    async with db.transaction() as conn:
        if not await store.delete_filter(conn, viewer.id, filter_id):
            raise NotFound(NOT_FOUND)


async def add_keyword(db: Database, viewer: Actor, filter_id: int, keyword: str | None, whole_word: bool | None) -> FilterKeyword:
    found = await get_filter(db, viewer, filter_id)
    if len(found.keywords) >= MAX_KEYWORDS:
        raise Unprocessable(f"Validation failed: Keywords are too many (at most {MAX_KEYWORDS})")
    text, whole = _new_keyword(KeywordChange(keyword, whole_word))
    async with db.transaction() as conn:
        return await store.insert_keyword(conn, filter_id, text, whole)


async def get_keyword(db: Database, viewer: Actor, keyword_id: int) -> FilterKeyword:
    found = await store.get_keyword(db.reader, viewer.id, keyword_id)
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


async def update_keyword(
    db: Database, viewer: Actor, keyword_id: int, keyword: str | None, whole_word: bool | None
) -> FilterKeyword:
    edited = _edited(await get_keyword(db, viewer, keyword_id), KeywordChange(keyword, whole_word))
    async with db.transaction() as conn:
        await store.update_keywords(conn, [edited])
    return edited


async def delete_keyword(db: Database, viewer: Actor, keyword_id: int) -> None:
    found = await get_keyword(db, viewer, keyword_id)
    async with db.transaction() as conn:
        await store.delete_keywords(conn, found.filter_id, [found.id])


async def add_status(db: Database, viewer: Actor, filter_id: int, post_id: int) -> FilterStatus:
    await get_filter(db, viewer, filter_id)
    post = await post_store.get_post(db.reader, post_id)
    if post is None or not await can_see(db.reader, viewer, post):
        raise NotFound(NOT_FOUND)
    async with db.transaction() as conn:
        added = await store.insert_status(conn, filter_id, post_id)
    if added is None:
        raise Unprocessable("Validation failed: Status has already been taken")
    return added


async def get_status(db: Database, viewer: Actor, status_filter_id: int) -> FilterStatus:
    found = await store.get_status(db.reader, viewer.id, status_filter_id)
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


async def delete_status(db: Database, viewer: Actor, status_filter_id: int) -> None:
    found = await get_status(db, viewer, status_filter_id)
    async with db.transaction() as conn:
        await store.delete_status(conn, found.id)


async def filter_results(
    db: Database, viewer_actor_id: int, context: str, status_views: list[StatusView], *, now: int | None = None
) -> dict[int, list[dict]]:
    """FilterResult entities of the viewer's active filters for `context`, by post id.

    A boost is matched on the boosted status; its results are keyed by the boost's id and by the
    boosted status's id, so both the wrapper and the inner status can carry them. Posts that no
    filter matches are absent. One query per call."""
    active = await store.filters_of(db.reader, viewer_actor_id, context=context, active_at=now_ms() if now is None else now)
    if not active or not status_views:
        return {}
    compiled = compile_filters(active)
    results: dict[int, list[dict]] = {}
    for view in status_views:
        found = results_for(compiled, view)
        if found:
            for post_id in {view.post.id, (view.reblog or view).post.id}:
                results[post_id] = found
    return results


CompiledFilter = tuple[Filter, list[tuple[str, re.Pattern]]]


def compile_filters(active: list[Filter]) -> list[CompiledFilter]:
    """Filters with their keywords' patterns, compiled once for many statuses."""
    return [(f, [(k.keyword, keyword_pattern(k.keyword, k.whole_word)) for k in f.keywords]) for f in active]


def results_for(compiled: list[CompiledFilter], view: StatusView) -> list[dict]:
    """The FilterResult entities of `compiled` that match `view` (a boost on the boosted status)."""
    proper = view.reblog or view
    ids = {view.post.id, proper.post.id}
    text = _searchable_text(proper)
    found = []
    for f, patterns in compiled:
        keyword_matches = [keyword for keyword, pattern in patterns if pattern.search(text)]
        status_matches = [str(s.post_id) for s in f.statuses if s.post_id in ids]
        if keyword_matches or status_matches:
            found.append({
                "filter": filter_entity(f, with_rules=False),
                "keyword_matches": keyword_matches or None,
                "status_matches": status_matches or None,
            })
    return found


def hides(results: list[dict]) -> bool:
    """Whether these FilterResults drop the status (a `hide` filter matched)."""
    return any(r["filter"]["filter_action"] == "hide" for r in results)


def keyword_pattern(keyword: str, whole_word: bool) -> re.Pattern:
    """Mastodon's rule: with whole_word, a word boundary where the keyword starts or ends with a
    word character; always case-insensitive."""
    escaped = re.escape(keyword)
    if whole_word:
        start = r"\b" if re.match(r"\w", keyword) else ""
        end = r"\b" if re.search(r"\w$", keyword) else ""
        escaped = f"{start}{escaped}{end}"
    return re.compile(escaped, re.IGNORECASE)


def filter_entity(f: Filter, *, with_rules: bool = True) -> dict:
    """The Filter entity; inside a FilterResult Mastodon leaves out keywords and statuses."""
    entity = {
        "id": str(f.id),
        "title": f.title,
        "context": list(f.context),
        "expires_at": _iso(f.expires_at),
        "filter_action": f.filter_action,
    }
    if with_rules:
        entity["keywords"] = [keyword_entity(k) for k in f.keywords]
        entity["statuses"] = [status_entity(s) for s in f.statuses]
    return entity


def keyword_entity(k: FilterKeyword) -> dict:
    return {"id": str(k.id), "keyword": k.keyword, "whole_word": k.whole_word}


def status_entity(s: FilterStatus) -> dict:
    return {"id": str(s.id), "status_id": str(s.post_id)}


def _searchable_text(view: StatusView) -> str:
    parts = [view.post.summary, html_to_text(view.post.content)]
    parts += [m.description for m in view.media if m.description]
    parts += [str(a.get("name")) for a in view.post.attachments if a.get("name")]
    return "\n\n".join(p for p in parts if p)


def _checked(title: str | None, context, action: str) -> tuple[str, tuple[str, ...], str]:
    if not title or not title.strip():
        raise Unprocessable("Validation failed: Title can't be blank")
    if not context:
        raise Unprocessable("Validation failed: Context can't be blank")
    if any(c not in CONTEXTS for c in context):
        raise Unprocessable("Validation failed: Context none or invalid context supplied")
    if action not in ACTIONS:
        raise Unprocessable("Validation failed: Filter action is not included in the list")
    return title.strip(), tuple(dict.fromkeys(context)), action


def _expiry(expires_in: int | None, now: int) -> int | None:
    if expires_in is None:
        return None
    if expires_in <= 0:
        raise Unprocessable("Validation failed: Expires in must be greater than 0")
    return now + expires_in * 1000


def _new_keyword(change: KeywordChange) -> tuple[str, bool]:
    if not change.keyword or not change.keyword.strip():
        raise Unprocessable("Validation failed: Keyword can't be blank")
    return change.keyword.strip(), True if change.whole_word is None else change.whole_word


def _edited(found: FilterKeyword, change: KeywordChange) -> FilterKeyword:
    keyword = found.keyword if change.keyword is None else change.keyword.strip()
    if not keyword:
        raise Unprocessable("Validation failed: Keyword can't be blank")
    return replace(found, keyword=keyword, whole_word=found.whole_word if change.whole_word is None else change.whole_word)


def _iso(ms: int | None) -> str | None:
    # The API's instant format (web/api/entities.iso), needed here because FilterResults are built here.
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
