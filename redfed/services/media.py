"""Media uploads (layer 4): Mastodon's rules for uploading, describing, deleting and attaching files.

A synchronous upload is processed first and its row written once, ready, pointing at files already
in place. A background upload (v2: video, audio, large images) writes its row first, state
`processing`, and the files only afterwards; the row becomes `ready` in the same statement that
names its files, or `failed` with the reason. A crash leaves `processing` rows behind, which
`recover_interrupted` fails at the next start - never a row naming a missing file.
"""

import asyncio
import dataclasses
import functools
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import BinaryIO

from ..clock import new_id
from ..db.connection import Database
from ..errors import NotFound, RedfedError, Unprocessable
from ..models import Actor, Media
from ..store import media as store
from . import media_files as files
from . import media_images as images
from .context import Context

log = logging.getLogger(__name__)

MAX_DESCRIPTION = 1500
# On /api/v2/media, images larger than this are processed after the answer (202), like video.
BACKGROUND_IMAGE_BYTES = 2 * 1024 * 1024
NOT_FOUND = "Record not found"
PROCESSING_ERROR = "Error processing thumbnail for uploaded media"
IN_USE = "Media attachment is currently used by a status"
NOT_READY = "Cannot attach files that have not finished processing. Try again in a moment!"
IMAGES_AND_VIDEO = "Cannot attach a video to a post that already contains images"


@dataclass(frozen=True)
class Accepted:
    """An upload's row, and the processing still to run when it was accepted for the background."""

    media: Media
    finish: Callable[[], Awaitable[Media | None]] | None = None


def check_description(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    if len(text) > MAX_DESCRIPTION:
        raise Unprocessable(f"Validation failed: Description is too long (maximum is {MAX_DESCRIPTION} characters)")
    return text.strip()


def parse_focus(text: str | None) -> tuple[float, float] | None:
    """Mastodon's focal point "x,y", each from -1.0 to 1.0; None when not given."""
    if text is None or not str(text).strip():
        return None
    try:
        x, y = (float(part) for part in str(text).split(","))
    except ValueError:
        raise Unprocessable("Validation failed: Focus must be two numbers, x,y") from None
    if not all(math.isfinite(v) and -1.0 <= v <= 1.0 for v in (x, y)):
        raise Unprocessable("Validation failed: Focus must be between -1.0 and 1.0")
    return x, y


async def upload(
    ctx: Context, owner: Actor, file: BinaryIO, *, description: str | None = None, focus: str | None = None,
    thumbnail: BinaryIO | None = None, background: bool = False,
) -> Accepted:
    """Accept an upload. With `background`, video, audio and large images come back `processing`
    with a `finish` coroutine for the caller to run; otherwise the media comes back ready."""
    description, point = check_description(description), parse_focus(focus)
    root, limits = ctx.config.media_path, ctx.config.media
    received = await asyncio.to_thread(files.receive, root, file, limits)
    try:
        thumb = await asyncio.to_thread(files.receive, root, thumbnail, limits, images_only=True) if thumbnail else None
    except BaseException:
        received.path.unlink(missing_ok=True)
        raise
    now = ctx.now_ms()
    media = Media(
        id=new_id(now), owner_id=owner.id, post_id=None, position=0, type=received.kind, state="processing",
        file_key="", preview_key=None, content_type=received.content_type, size=received.size, meta={},
        description=description, focus_x=point[0] if point else None, focus_y=point[1] if point else None,
        blurhash=None, error=None, created_at=now,
    )
    if background and (received.kind != "image" or received.size > BACKGROUND_IMAGE_BYTES):
        try:
            async with ctx.db.transaction() as conn:
                await store.insert(conn, media)
        except BaseException:
            for source in (received, thumb):
                if source is not None:
                    source.path.unlink(missing_ok=True)
            raise
        return Accepted(media, functools.partial(_finish, ctx, media, received, thumb))
    ready = await _process(ctx, media, received, thumb)
    try:
        async with ctx.db.transaction() as conn:
            await store.insert(conn, ready)
    except BaseException:
        await asyncio.to_thread(files.remove, root, ready.file_key, ready.preview_key)
        raise
    return Accepted(ready)


async def _process(ctx: Context, media: Media, received: files.Received, thumb: files.Received | None) -> Media:
    """Write the files of an upload and return its row as it is when ready; temporary files go."""
    root, limits = ctx.config.media_path, ctx.config.media
    written: list[str] = []
    try:
        custom = await asyncio.to_thread(images.process_image, thumb.path, thumb.content_type, limits) if thumb else None
        if received.kind == "image":
            image = await asyncio.to_thread(images.process_image, received.path, received.content_type, limits)
            key = files.new_key(image.content_type)
            fields = {"content_type": image.content_type, "size": len(image.data), "meta": image.meta, "blurhash": image.blurhash}
            await asyncio.to_thread(files.write_file, root, key, image.data)
            written.append(key)
            if custom is None:
                fields["preview_key"] = files.preview_key(key, image.preview_type)
                await asyncio.to_thread(files.write_file, root, fields["preview_key"], image.preview)
                written.append(fields["preview_key"])
        else:
            key = files.new_key(received.content_type)
            fields = {"content_type": received.content_type, "size": received.size, "meta": {}}
            await asyncio.to_thread(files.move_into_place, root, received.path, key)
            written.append(key)
        if custom is not None:
            fields["preview_key"] = files.preview_key(key, custom.preview_type)
            await asyncio.to_thread(files.write_file, root, fields["preview_key"], custom.preview)
            written.append(fields["preview_key"])
            fields["meta"] = {**fields["meta"], "small": custom.meta["small"]}
            fields["blurhash"] = custom.blurhash
        return dataclasses.replace(media, state="ready", file_key=key, **fields)
    except BaseException:
        await asyncio.to_thread(files.remove, root, *written)
        raise
    finally:
        for source in (received, thumb):
            if source is not None:
                source.path.unlink(missing_ok=True)


async def _finish(ctx: Context, media: Media, received: files.Received, thumb: files.Received | None) -> Media | None:
    """Background processing of an accepted upload: the row ends ready or failed, never raising."""
    try:
        ready = await _process(ctx, media, received, thumb)
    except Exception as error:  # noqa: BLE001 - recorded on the row, which the client polls
        reason = error.message if isinstance(error, RedfedError) else PROCESSING_ERROR
        if not isinstance(error, RedfedError):
            log.exception("processing media %s failed", media.id)
        async with ctx.db.transaction() as conn:
            await store.set_failed(conn, media.id, reason)
        return None
    try:
        async with ctx.db.transaction() as conn:
            stored = await store.set_ready(conn, ready)
    except BaseException:
        await asyncio.to_thread(files.remove, ctx.config.media_path, ready.file_key, ready.preview_key)
        raise
    if stored is None:  # deleted while processing
        await asyncio.to_thread(files.remove, ctx.config.media_path, ready.file_key, ready.preview_key)
    return stored


async def own_unattached(ctx: Context, owner: Actor, media_id: int) -> Media:
    """The caller's upload not yet in a post (Mastodon answers 404 for anything else)."""
    media = await store.get(ctx.db.reader, media_id)
    if media is None or media.owner_id != owner.id or media.post_id is not None:
        raise NotFound(NOT_FOUND)
    if media.state == "failed":
        raise Unprocessable(PROCESSING_ERROR)
    return media


async def update(
    ctx: Context, owner: Actor, media_id: int, *, description: str | None = None, focus: str | None = None,
    thumbnail: BinaryIO | None = None,
) -> Media:
    """Change description, focus or thumbnail before posting; parameters left None stay as they are."""
    media = await own_unattached(ctx, owner, media_id)
    text = media.description if description is None else check_description(description)
    point = (media.focus_x, media.focus_y) if focus is None else parse_focus(focus)
    root, preview = ctx.config.media_path, None
    if thumbnail is not None:
        received = await asyncio.to_thread(files.receive, root, thumbnail, ctx.config.media, images_only=True)
        try:
            custom = await asyncio.to_thread(images.process_image, received.path, received.content_type, ctx.config.media)
        finally:
            received.path.unlink(missing_ok=True)
        key = files.preview_key(files.new_key(custom.preview_type), custom.preview_type)
        await asyncio.to_thread(files.write_file, root, key, custom.preview)
        preview = (key, {**media.meta, "small": custom.meta["small"]}, custom.blurhash)
    async with ctx.db.transaction() as conn:
        updated = await store.update_details(conn, media.id, text, point, preview)
    if updated is None:
        await asyncio.to_thread(files.remove, root, preview[0] if preview else None)
        raise NotFound(NOT_FOUND)
    if preview is not None:
        await asyncio.to_thread(files.remove, root, media.preview_key)
    return updated


async def delete(ctx: Context, owner: Actor, media_id: int) -> None:
    """Delete an upload and its files; only while no post uses it."""
    media = await store.get(ctx.db.reader, media_id)
    if media is None or media.owner_id != owner.id:
        raise NotFound(NOT_FOUND)
    async with ctx.db.transaction() as conn:
        deleted = await store.delete_unattached(conn, media_id)
    if deleted is None:
        raise Unprocessable(IN_USE)
    await asyncio.to_thread(files.remove, ctx.config.media_path, deleted.file_key, deleted.preview_key)


async def claim_for_post(
    db: Database, owner_id: int, media_ids: list[int], *, max_attachments: int, post_id: int | None = None
) -> list[Media]:
    """The uploads a new post (or, with `post_id`, an edit of that post) may carry, in the order
    given: all the owner's, ready, and not in another post. Bind them with `store.media.attach`
    inside the post's transaction, which re-checks that they are still free."""
    wanted = list(dict.fromkeys(media_ids))
    if len(wanted) > max_attachments:
        raise Unprocessable(f"Cannot attach more than {max_attachments} files")
    found = await store.find_many(db.reader, [i for i in wanted if 0 < i < 2**63])
    unusable = [
        str(i) for i in wanted
        if i not in found or found[i].owner_id != owner_id or found[i].post_id not in (None, post_id)
    ]
    if unusable:
        raise Unprocessable(f"Media {', '.join(unusable)} not found or already attached to another post")
    media = [found[i] for i in wanted]
    if any(m.state != "ready" for m in media):
        raise Unprocessable(NOT_READY)
    if len(media) > 1 and any(m.type in ("video", "gifv", "audio") for m in media):
        raise Unprocessable(IMAGES_AND_VIDEO)
    return media


async def recover_interrupted(ctx: Context) -> int:
    """At start-up, before serving: fail uploads a stopped process left processing, and clear its
    temporary files. How many uploads were failed."""
    async with ctx.db.transaction() as conn:
        count = await store.fail_processing(conn, ctx.now_ms() + 1, "processing was interrupted")
    await asyncio.to_thread(files.clear_temporary, ctx.config.media_path)
    return count
