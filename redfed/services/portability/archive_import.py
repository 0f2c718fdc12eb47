"""Importing an account archive (layer 4): the posts of its outbox re-created in a local account
through post_import (parents before their replies, so threads hold), then its bookmarks and
likes. The archive is checked whole by archive_reader first: a refused archive stores nothing.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import RedfedError
from ...models import Actor, Post
from ...protocol import as2
from ..context import Context
from ..responses import boards
from ..supporters import tiers
from ..social import interactions, statuses
from . import archive_reader
from .import_rows import Importer, RowFailed
from .listing_import import moved_listing
from .post_import import Source, attachment_from, import_post

log = logging.getLogger(__name__)

# total, processed, imported, and the failures since the last call
Progress = Callable[[int, int, int, list], Awaitable[None]]
PROGRESS_EVERY = 10


@dataclass
class Outcome:
    total: int = 0
    processed: int = 0
    imported: int = 0
    report: list = field(default_factory=list)  # the failures of this run


def thread_order(notes: list[dict]) -> list[dict]:
    """Oldest first, and every post after the post of the archive it replies to - iteratively,
    so a 10,000-deep thread or a cycle of replies costs no recursion."""
    by_id = {note["id"]: note for note in notes}
    ordered, placed = [], set()
    for note in sorted(notes, key=lambda n: str(n.get("published") or "")):
        chain, on_chain, current = [], set(), note
        while current is not None and current["id"] not in placed and current["id"] not in on_chain:
            chain.append(current)
            on_chain.add(current["id"])
            current = by_id.get(as2.get_id(current.get("inReplyTo")))
        for item in reversed(chain):
            placed.add(item["id"])
            ordered.append(item)
    return ordered


def _attachments(archive: archive_reader.Archive, note: dict) -> list:
    found = []
    for item in as2.as_list(note.get("attachment"))[:20]:
        if not isinstance(item, dict):
            continue
        url = item.get("url")
        if isinstance(url, list):
            url = next((as2.get_id(u) or (u.get("href") if isinstance(u, dict) else None) for u in url), None)
        elif isinstance(url, dict):
            url = url.get("href")
        name = archive.member_for(url)
        if name is not None:
            found.append(attachment_from(item, archive.read(name)))
    return found


async def import_archive(ctx: Context, author: Actor, path: Path, progress: Progress | None = None,
                         start: int = 0, outcome: Outcome | None = None) -> Outcome:
    """Check the archive at `path`, then import it into `author`'s account. Safe to run again:
    posts already imported from it are found by their origin and not made twice."""
    archive = archive_reader.read_archive(path)
    source = Source(archive.actor_uri, archive.followers_uri)
    notes = thread_order(archive.notes)
    outcome = outcome or Outcome()
    saves = [(board, uri) for board in archive.boards for uri in board.uris]
    outcome.total = len(notes) + len(archive.bookmarks) + len(archive.likes) + len(saves) + len(archive.tiers)
    made: dict[str, Post] = {}
    importer = Importer(ctx, author)
    steps = [("post", note) for note in notes] + [("bookmark", uri) for uri in archive.bookmarks] + [("like", uri) for uri in archive.likes]
    steps += [("board", save) for save in saves] + [("tier", tier) for tier in archive.tiers]
    unsaved: list = []
    for number, (what, item) in enumerate(steps, start=1):
        if number <= start and what != "post":
            continue
        # Posts before `start` run again too (each is found by its origin, nothing is made twice):
        # the replies after them need to know their new ids.
        failure = await _step(ctx, importer, archive, source, made, what, item)
        if number <= start:
            continue
        outcome.processed = number
        if failure:
            entry = {"row": number, "value": str(_value(what, item))[:300], **failure}
            outcome.report.append(entry)
            unsaved.append(entry)
        else:
            outcome.imported += 1
        if progress and (number % PROGRESS_EVERY == 0 or number == len(steps)):
            await progress(outcome.total, outcome.processed, outcome.imported, unsaved)
            unsaved = []
    if progress and not steps:
        await progress(outcome.total, outcome.processed, outcome.imported, [])
    return outcome


def _value(what: str, item):
    """What a report row names: a post's id, or the URI saved, bookmarked or liked."""
    if what in ("post", "tier"):
        return item.get("id" if what == "post" else "name")
    return item[1] if what == "board" else item


async def _step(ctx, importer: Importer, archive, source: Source, made: dict, what: str, item) -> dict | None:
    try:
        if what == "post":
            parent_uri = as2.get_id(item.get("inReplyTo"))
            parent = made.get(parent_uri) if parent_uri else None
            listing = moved_listing(item, archive.listings.get(item["id"]), source.actor_uri)
            imported = await import_post(ctx, importer.actor, item, source, attachments=_attachments(archive, item),
                                         parent=parent, listing=listing)
            made[item["id"]] = imported.post
        elif what == "tier":
            await tiers.import_tier(ctx, importer.actor, item)
        elif what == "board":
            board, uri = item
            await boards.import_save(ctx, importer.actor, board.name, board.description, board.public,
                                     made.get(uri) or await importer.post(uri))
        else:
            post = made.get(item) or await importer.post(item)
            if what == "bookmark":
                await statuses.bookmark(ctx, importer.actor, post, True)
            else:
                await interactions.like(ctx, importer.actor, post)
    except RowFailed as failed:
        return {"error": failed.error, "detail": failed.detail[:300]}
    except RedfedError as error:
        return {"error": "refused", "detail": error.message[:300]}
    return None
