"""Posts move too (layer 4): after an account moved here from another server, its owner pulls
the old account's posts from that server's outbox and re-creates them here through post_import,
with their dates, content warnings, photos and threads, each remembering its old id.

Only the owner of the new account may pull, and only from an account that it lists as an alias
(alsoKnownAs) and that says, read fresh from its server, it has moved here (movedTo): the two
sides together are the proof that the old posts are the owner's own (FEP-7628's handshake).

The old outbox is remote input like any other: it is walked for at most MAX_PAGES pages on its
own origin and MAX_ITEMS items; every item is checked on its own (a Create by the old account of
a Note on its origin, attributed to it, public or unlisted) and refused alone when it is not,
with the reason in the job's report; photos come through the outbound HTTP client (so private
addresses are refused), capped at the instance's media limits, and a post whose photo cannot be
had is refused whole rather than stored without it. Running the pull again creates nothing twice:
each post is found by its origin.
"""

import logging
from collections.abc import Awaitable, Callable

from ...errors import FetchError, Forbidden, RedfedError
from ...federation import ingest
from ...federation.ingest_posts import ap_to_remote_post
from ...models import Actor, Post
from ...protocol import as2
from ...store import post_origins
from ..context import Context
from . import archive_import
from .aliases import resolve_account
from .listing_import import moved_listing
from .post_import import Attachment, Source, attachment_from, import_post

log = logging.getLogger(__name__)

MAX_PAGES = 50
MAX_ITEMS = 2000
# All the files one pull may fetch together, as so many of the largest file accepted (about 2 GB
# by default): an old server cannot make this one download without end.
MEDIA_BUDGET_FILES = 20
PUBLIC = ("public", "unlisted")
# total, processed, imported, and the failures since the last call (as archive_import's)
Progress = Callable[[int, int, int, list], Awaitable[None]]
PROGRESS_EVERY = 10


class PullRefused(Forbidden):
    """The old account's posts may not be pulled into this one (403); `reason` names the rule for
    the pages, which word it themselves."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class ItemRefused(Exception):
    """One outbox item that is not re-created, and why (it goes in the job's report)."""

    def __init__(self, error: str, detail: str):
        super().__init__(detail)
        self.error, self.detail = error, detail


async def old_account(ctx: Context, new: Actor, given: str) -> Actor:
    """The account `given` names (a handle or an actor URI, read fresh from its server), when
    `new` may pull its posts; PullRefused otherwise."""
    old = await resolve_account(ctx, given)
    check_moved_here(new, old)
    return old


def check_moved_here(new: Actor, old: Actor) -> None:
    if old.is_local:
        raise PullRefused("local", "the old account is on this server: its posts are here already")
    if old.uri not in new.also_known_as:
        raise PullRefused(
            "not_alias", f"{old.handle} is not an alias of this account: only posts of an account you list as an alias can be imported"
        )
    if old.moved_to_uri != new.uri:
        raise PullRefused("not_moved", f"{old.handle} has not moved to this account")


async def import_outbox(ctx: Context, new: Actor, old_uri: str, progress: Progress | None = None, start: int = 0,
                        outcome: archive_import.Outcome | None = None) -> archive_import.Outcome:
    """Pull the posts of the account at `old_uri` into `new`. Checks the move again first (it runs
    in the background, maybe after a restart); items up to `start` were done by an earlier run."""
    old = await ctx.resolver.actor(old_uri, refresh=True)
    check_moved_here(new, old)
    # The posts in an outbox are taken as they are embedded there, so the outbox must be the
    # account's own server's word: one elsewhere could put anything in its mouth.
    if not old.outbox_uri or not ingest.same_origin(old.outbox_uri, old.uri):
        raise PullRefused("no_outbox", f"{old.handle} publishes no outbox on its own server")
    items = await ctx.resolver.collection_items(old.outbox_uri, MAX_ITEMS, MAX_PAGES)
    outcome = outcome or archive_import.Outcome()
    outcome.total = len(items)
    steps = _plan(ctx, old, items)
    source = Source(old.uri, old.followers_uri)
    budget = _Budget(MEDIA_BUDGET_FILES * max(ctx.config.media.max_video_bytes, ctx.config.media.max_image_bytes))
    unsaved = []
    for done, (number, step) in enumerate(steps, start=1):
        if done <= start:
            continue
        failure = step if isinstance(step, ItemRefused) else await _import(ctx, new, source, step, budget)
        outcome.processed = done
        if failure is None:
            outcome.imported += 1
        else:
            value = str((step.get("id") if isinstance(step, dict) else None) or _item_id(items[number - 1]))[:300]
            entry = {"row": number, "value": value, "error": failure.error, "detail": failure.detail[:300]}
            outcome.report.append(entry)
            unsaved.append(entry)
        if progress and (done % PROGRESS_EVERY == 0 or done == len(steps)):
            await progress(outcome.total, outcome.processed, outcome.imported, unsaved)
            unsaved = []
    if progress and not steps:
        await progress(0, 0, 0, [])
    log.info("%s: %d of %d outbox items of %s re-created or already here", new.uri, outcome.imported, len(items), old.uri)
    return outcome


def _plan(ctx: Context, old: Actor, items: list) -> list[tuple[int, dict | ItemRefused]]:
    """Every item once, by its place in the outbox (the report's row): the refused first, then the
    Notes oldest first with every reply after the post it answers. The same outbox gives the same
    plan on every run, so a resumed job's `start` counts the same steps."""
    refused, notes = [], {}
    for number, item in enumerate(items, start=1):
        try:
            note = _note_of(ctx, old, item)
            if note["id"] in notes:
                raise ItemRefused("bad_item", "the same post twice in the outbox")
            notes[note["id"]] = (number, note)
        except ItemRefused as why:
            refused.append((number, why))
    ordered = archive_import.thread_order([note for _number, note in notes.values()])
    return refused + [notes[note["id"]] for note in ordered]


def _item_id(item) -> str:
    return (as2.get_id(item) if isinstance(item, (dict, str)) else None) or type(item).__name__


def _note_of(ctx: Context, old: Actor, item) -> dict:
    """The Note an outbox item publishes, when it is the old account's own public post."""
    if not isinstance(item, dict):
        if isinstance(item, str):
            raise ItemRefused("not_embedded", "an outbox item given only by its id")
        raise ItemRefused("bad_item", f"an outbox item that is a {type(item).__name__}, not an activity")
    kind = item.get("type")
    if kind == "Announce":
        raise ItemRefused("not_a_post", "a boost of someone's post, not a post of this account")
    if kind != "Create":
        raise ItemRefused("not_a_post", f"a {str(kind)[:40]} activity, not a Create")
    if as2.get_id(item.get("actor")) != old.uri:
        raise ItemRefused("not_theirs", "a Create by another account than the old one")
    note = item.get("object")
    if isinstance(note, str):
        raise ItemRefused("not_embedded", "a post given only by its id")
    if not isinstance(note, dict):
        raise ItemRefused("bad_item", "a Create without a post")
    try:
        remote = ap_to_remote_post(note, old, ctx.now_ms())
    except RedfedError as error:
        raise ItemRefused("refused", error.message) from None
    if remote.post.visibility not in PUBLIC:
        raise ItemRefused("not_public", f"a {remote.post.visibility} post: only public and unlisted posts move")
    if note.get("type") == "Question":
        raise ItemRefused("refused", "polls are not re-created")
    return note


class _Budget:
    """The bytes of files a pull may still fetch."""

    def __init__(self, total: int):
        self.total = self.left = total


async def _import(ctx: Context, new: Actor, source: Source, note: dict, budget: _Budget) -> ItemRefused | None:
    """Re-create one checked Note; the refusal when it cannot be."""
    try:
        if await post_origins.find_by_origin(ctx.db.reader, new.id, note["id"]) is not None:
            return None  # made by an earlier run: nothing to fetch, nothing to make
        listing = moved_listing(note, None, source.actor_uri)  # checked before any photo is fetched
        attachments = [await _attachment(ctx, item, budget) for item in _attachment_items(ctx, note)]
        await import_post(ctx, new, note, source, attachments=attachments, parent=await _parent(ctx, new, note), listing=listing)
    except ItemRefused as refused:
        return refused
    except FetchError as error:
        return ItemRefused("unreachable", error.message)
    except RedfedError as error:
        return ItemRefused("refused", error.message)
    return None


async def _parent(ctx: Context, new: Actor, note: dict) -> Post | None:
    """The re-created post this one answers, when that one moved too (it was imported first)."""
    parent_uri = as2.get_id(note.get("inReplyTo"))
    return await post_origins.find_by_origin(ctx.db.reader, new.id, parent_uri) if isinstance(parent_uri, str) else None


def _attachment_items(ctx: Context, note: dict) -> list[dict]:
    items = [item for item in as2.as_list(note.get("attachment")) if isinstance(item, dict)]
    if len(items) > ctx.config.media.max_attachments:
        raise ItemRefused("refused", f"more than {ctx.config.media.max_attachments} attachments")
    return items


def _url_of(item: dict) -> str | None:
    url = item.get("url")
    if isinstance(url, list):
        url = next(iter(url), None)
    if isinstance(url, dict):
        url = url.get("href")
    return url if isinstance(url, str) else None


async def _attachment(ctx: Context, item: dict, budget: _Budget) -> Attachment:
    url = _url_of(item)
    if url is None:
        raise ItemRefused("media", "an attachment without a URL")
    media_type = item.get("mediaType") if isinstance(item.get("mediaType"), str) else ""
    limits = ctx.config.media
    cap = limits.max_video_bytes if media_type.startswith(("video/", "audio/")) else limits.max_image_bytes
    if budget.left <= 0:
        raise ItemRefused("media", f"this pull has fetched all the files it may ({budget.total} bytes)")
    allowed = min(cap, budget.left)
    try:
        data = await ctx.resolver.fetch_file(url, allowed)
    except RedfedError as error:
        if allowed < cap:
            budget.left = 0  # maybe cut off by what was left: count it all spent, not fetch again
        raise ItemRefused("media", f"its attachment {url[:200]} could not be fetched: {error.message}") from None
    budget.left -= len(data)
    return attachment_from(item, data)
