"""Importing the posts of an Instagram or TikTok export (layer 4): each re-created through
post_import - public, with its original date, caption and hashtags, its photos or videos through
the media pipeline and its checks - stored without being delivered to followers, and remembered by
its origin so that a second import makes nothing twice. An entry that cannot be read, or whose
media cannot be had, is a failure in the job's report; the others go on.

A TikTok video missing from the upload is fetched from the export's link through the outbound
client, with its caps (public addresses only, unless the instance allows private ones; the
media's byte limit; the deadline)."""

from ...errors import RedfedError
from ...models import Actor
from ...protocol import as2
from ..context import Context
from ..media import media_files
from . import archive_reader
from .archive_import import PROGRESS_EVERY, Outcome, Progress
from .foreign_export import ForeignExport, ForeignPost, caption_html, hashtags
from .post_import import Attachment, Source, already_imported, import_post

NO_MEDIA = "media"


class _NoMedia(Exception):
    pass


def _note(post: ForeignPost, source_uri: str, urls) -> dict:
    """The post as the AS2 Note post_import re-creates, from its source's origin."""
    tags = [{"type": "Hashtag", "name": f"#{name}", "href": urls.tag(name)} for name in hashtags(post.caption)]
    return {
        "id": post.origin, "type": "Note", "attributedTo": source_uri, "published": post.published,
        "content": caption_html(post.caption, urls.tag), "to": [as2.PUBLIC], "cc": [], "tag": tags,
    }


async def import_export(ctx: Context, author: Actor, export: ForeignExport, progress: Progress | None = None,
                        start: int = 0, outcome: Outcome | None = None) -> Outcome:
    """Import the posts of a checked export into `author`'s account, from the `start`th on."""
    outcome = outcome or Outcome()
    outcome.total = len(export.posts) + len(export.failures)
    unsaved = []
    # The entries that could not be read come first: a resumed job has reported them already.
    steps = [*export.failures, *export.posts]
    for number, item in enumerate(steps, start=1):
        if number <= start:
            continue
        failure = _unreadable(item) if not isinstance(item, ForeignPost) else await _step(ctx, author, export, item)
        outcome.processed = number
        if failure:
            entry = {"row": number, **failure}
            outcome.report.append(entry)
            unsaved.append(entry)
        else:
            outcome.imported += 1
        if progress and (number % PROGRESS_EVERY == 0 or number == len(steps)):
            await progress(outcome.total, outcome.processed, outcome.imported, unsaved)
            unsaved = []
    if progress and not steps:
        await progress(0, 0, 0, [])
    return outcome


def _unreadable(failure) -> dict:
    return {"value": failure.value, "error": "bad_item", "detail": f"entry {failure.number}: {failure.detail}"}


async def _step(ctx: Context, author: Actor, export: ForeignExport, post: ForeignPost) -> dict | None:
    try:
        if await already_imported(ctx, author, post.origin) is None:
            media = await _media(ctx, export, post)
            await import_post(ctx, author, _note(post, export.source_uri, ctx.urls), Source(export.source_uri),
                              attachments=media)
    except _NoMedia as missing:
        return {"value": post.origin, "error": NO_MEDIA, "detail": str(missing)[:300]}
    except RedfedError as error:
        return {"value": post.origin, "error": "refused", "detail": error.message[:300]}
    return None


async def _media(ctx: Context, export: ForeignExport, post: ForeignPost) -> list[Attachment]:
    if post.members:
        return [Attachment(archive_reader.read_member(export.path, name)) for name in post.members]
    if post.link is None or ctx.http is None:
        raise _NoMedia("the video is neither in the export nor linked")
    return [Attachment(await _fetch(ctx, post.link))]


async def _fetch(ctx: Context, link: str) -> bytes:
    limit = media_files.byte_limit("video/mp4", ctx.config.media)
    try:
        response = await ctx.http.request("GET", link, headers={"Accept": "video/*"}, max_bytes=limit)
    except RedfedError as error:
        raise _NoMedia(f"the video could not be fetched: {error.message}") from None
    if not 200 <= response.status < 300:
        raise _NoMedia(f"the video could not be fetched: {link[:200]} answered {response.status}")
    return response.body
