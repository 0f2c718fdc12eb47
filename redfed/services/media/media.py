"""Media uploads (layer 4): Mastodon's rules for uploading, describing, deleting and attaching files.

A synchronous upload is processed first, its files staged (media_files), then its row written
once, ready, and the files published into place. A background upload (v2: audio, large images)
writes its row first, state `processing`, and stages its files afterwards; the row becomes
`ready` in the same statement that names its files, or `failed` with the reason. At the next start
media_sweep fails what a stop left `processing` and sweeps the stored files so that
files and rows agree whatever moment the stop came at.

A video (or an animated GIF, which becomes one) is probed here and refused at once when it breaks
a limit; its original is then kept with a job for the workers (media_jobs), which survives a stop.

A client that goes away cancels its request: file work already running runs to its end and is
then taken back, so an abandoned upload leaves no file behind.

Files go through the instance's store (objectstore: the media folder, or a bucket); uploads are
checked in the local media folder's scratch space first, whichever store keeps them.
"""

import asyncio
import dataclasses
import functools
import logging
import math
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

from ...clock import new_id
from ...db.api import Connection
from ...db.connection import Database, uninterrupted
from ...errors import NotFound, RedfedError, ServiceUnavailable, Unprocessable
from ...models import Actor, Media
from ...store.media import jobs
from ...store.media import media as store
from ..context import Context
from ..disk_space import storage_errors
from . import media_files as files
from . import media_images as images
from . import media_jobs
from . import media_video as video
from .media_files import PROCESSING_ERROR

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

MAX_DESCRIPTION = 1500
# On /api/v2/media, images larger than this are processed after the answer (202), like video.
BACKGROUND_IMAGE_BYTES = 2 * 1024 * 1024
NOT_FOUND = "Record not found"
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


def ensure_room(ctx: Context, size: int) -> None:
    """ServiceUnavailable (503) when the media disk has no room for an upload of `size` bytes, its
    re-encoding and the reserve: checked before its body is read, and again before it is written."""
    files.ensure_room(ctx.config.media_path, 2 * size)


async def upload(
    ctx: Context, owner: Actor, file: BinaryIO, *, description: str | None = None, focus: str | None = None,
    thumbnail: BinaryIO | None = None, background: bool = False, gifv: bool = True,
) -> Accepted:
    """Accept an upload. With `background`, video, audio and large images come back `processing`
    with a `finish` coroutine for the caller to run, or queued for the workers (video); otherwise
    the media comes back ready. With `gifv`, an animated GIF becomes a looping video."""
    description, point = check_description(description), parse_focus(focus)
    received, thumb = await _receive(ctx, file), None
    try:
        thumb = await _receive(ctx, thumbnail, images_only=True) if thumbnail else None
        now = ctx.now_ms()
        media = Media(
            id=new_id(now), owner_id=owner.id, post_id=None, position=0, type=received.kind, state="processing",
            file_key="", preview_key=None, content_type=received.content_type, size=received.size, meta={},
            description=description, focus_x=point[0] if point else None, focus_y=point[1] if point else None,
            blurhash=None, error=None, created_at=now,
        )
        if received.kind == "video" or (gifv and await _animated_gif(ctx, received)):
            kind = "video" if received.kind == "video" else "gifv"
            return await _accept_video(ctx, dataclasses.replace(media, type=kind), received, thumb, background=background)
        if background and (received.kind != "image" or received.size > BACKGROUND_IMAGE_BYTES):
            async with ctx.db.transaction() as conn:
                await store.insert(conn, media)
            return Accepted(media, functools.partial(_finish, ctx, media, received, thumb))
        ready = await _process(ctx, media, received, thumb)
    except BaseException:
        _unlink(received, thumb)
        raise
    await _commit_staged(ctx, (ready.file_key, ready.preview_key), lambda conn: store.insert(conn, ready))
    return Accepted(ready)


async def _animated_gif(ctx: Context, received: files.Received) -> bool:
    """Whether an upload is an animated GIF, which becomes a looping video (Mastodon's gifv);
    decoded as an image first, so that every check on images holds for it too."""
    return received.content_type == "image/gif" and (await _decode(ctx, received)).animated


async def _accept_video(
    ctx: Context, media: Media, received: files.Received, thumb: files.Received | None, *, background: bool
) -> Accepted:
    """Probe a video (422, nothing kept, when it is refused), store its original and queue its
    transcode. In the background the upload comes back processing; otherwise the job runs here
    and the upload comes back ready, or is refused with the transcode's reason."""
    probed = await _blocking(functools.partial(video.probe, received.path, received.content_type, ctx.config.media))
    custom = await _decode(ctx, thumb) if thumb else None
    _unlink(thumb)
    source_key = files.new_key(received.content_type)
    staged = [await _stage(ctx, source_key, received.path)]
    if custom is not None:
        preview = files.preview_key(files.new_key(custom.preview_type), custom.preview_type)
        staged.append(await _stage(ctx, preview, custom.preview))
        media = dataclasses.replace(media, preview_key=preview, meta={"small": custom.meta["small"]}, blurhash=custom.blurhash)
    now = ctx.now_ms()
    lease = None if background else now + media_jobs.lease_ms(ctx)
    job = jobs.MediaJob(media.id, source_key, dataclasses.asdict(probed), 0 if background else 1)

    async def write(conn: Connection) -> Media:
        await store.insert(conn, media)
        await jobs.insert(conn, job, now, lease)
        return media

    await _commit_staged(ctx, tuple(staged), write)
    if background:
        return Accepted(media)
    done = await media_jobs.run_job(ctx, job)
    if done is None or done.state != "ready":
        await uninterrupted(_delete_row_and_files(ctx, media.id))
        raise Unprocessable(done.error if done and done.error else PROCESSING_ERROR)
    return Accepted(done)


async def _receive(ctx: Context, source: BinaryIO, *, images_only: bool = False) -> files.Received:
    receive = functools.partial(files.receive, ctx.config.media_path, source, ctx.config.media, images_only=images_only)
    return await _blocking(receive, undo=_unlink)


async def _blocking(work: Callable[[], T], *, undo: Callable[[T], None] | None = None) -> T:
    """Blocking file work in a thread. A cancel (the client went away) cannot stop the thread:
    it runs to its end, and `undo` then takes back what it made."""
    return await _shielded(asyncio.to_thread(work), undo=undo)


async def _shielded(step: Awaitable[T], *, undo: Callable[[T], None] | None = None) -> T:
    """Await `step`, which a cancel does not stop: it runs to its end, and `undo` then takes back
    what it made."""
    future = asyncio.ensure_future(step)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        if undo is not None:
            future.add_done_callback(functools.partial(_undo_if_made, undo))
        raise


def _undo_if_made(undo: Callable[[T], None], done: asyncio.Future) -> None:
    if not done.cancelled() and done.exception() is None:
        undo(done.result())


_cleanups: set[asyncio.Task] = set()


def _later(step: Coroutine) -> None:
    """Run a clean-up after the request that needed it has gone (kept referenced until done)."""
    task = asyncio.ensure_future(step)
    _cleanups.add(task)
    task.add_done_callback(_cleanups.discard)


async def _discard(ctx: Context, *keys: str | None) -> None:
    """Remove stored files, staged or published. A store that cannot be reached keeps them, no
    row names them, and a later sweep takes them (warned about where the fault was met)."""
    try:
        with storage_errors():
            await ctx.files.media.delete(*keys)
    except ServiceUnavailable:
        pass


def _unlink(*sources: files.Received | None) -> None:
    for source in sources:
        if source is not None:
            source.path.unlink(missing_ok=True)


Write = Callable[[Connection], Awaitable[R | None]]


async def _commit_staged(ctx: Context, staged: tuple[str | None, ...], write: Write) -> R | None:
    """Run `write` in a transaction, then publish the `staged` files it names; remove them instead
    if it failed or found nothing to write (None). Runs to its end even when the caller is
    cancelled meanwhile, so that the files always follow what was committed."""
    return await uninterrupted(_commit_then_publish(ctx, staged, write))


async def _commit_then_publish(ctx: Context, staged: tuple[str | None, ...], write: Write) -> R | None:
    try:
        async with ctx.db.transaction() as conn:
            stored = await write(conn)
    except BaseException:
        await _discard(ctx, *staged)
        raise
    if stored is None:
        await _discard(ctx, *staged)
        return None
    with storage_errors():
        await ctx.files.media.publish(*staged)
    return stored


async def _stage(ctx: Context, key: str, source: bytes | Path) -> str:
    """Stage `source` (bytes, or a received file, which is moved) under `key`."""
    with storage_errors():
        await _shielded(ctx.files.media.stage(key, source, files.content_type_of(key)), undo=lambda _: _later(_discard(ctx, key)))
    return key


async def _decode(ctx: Context, source: files.Received) -> images.ProcessedImage:
    return await _blocking(functools.partial(images.process_image, source.path, source.content_type, ctx.config.media))


async def _process(ctx: Context, media: Media, received: files.Received, thumb: files.Received | None) -> Media:
    """Stage the files of an upload and return its row as it is when ready; temporary files go."""
    staged: list[str] = []
    try:
        custom = await _decode(ctx, thumb) if thumb else None
        if received.kind == "image":
            image = await _decode(ctx, received)
            key = files.new_key(image.content_type)
            fields = {"content_type": image.content_type, "size": len(image.data), "meta": image.meta, "blurhash": image.blurhash}
            staged.append(await _stage(ctx, key, image.data))
            if custom is None:
                fields["preview_key"] = files.preview_key(key, image.preview_type)
                staged.append(await _stage(ctx, fields["preview_key"], image.preview))
        else:
            key = files.new_key(received.content_type)
            fields = {"content_type": received.content_type, "size": received.size, "meta": {}}
            staged.append(await _stage(ctx, key, received.path))
        if custom is not None:
            fields["preview_key"] = files.preview_key(key, custom.preview_type)
            staged.append(await _stage(ctx, fields["preview_key"], custom.preview))
            fields["meta"] = {**fields["meta"], "small": custom.meta["small"]}
            fields["blurhash"] = custom.blurhash
        return dataclasses.replace(media, state="ready", file_key=key, **fields)
    except BaseException:
        await _discard(ctx, *staged)
        raise
    finally:
        _unlink(received, thumb)


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
    # None when the upload was deleted while processing.
    return await _commit_staged(ctx, (ready.file_key, ready.preview_key), lambda conn: store.set_ready(conn, ready))


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
    preview = None
    if thumbnail is not None:
        received = await _receive(ctx, thumbnail, images_only=True)
        try:
            custom = await _decode(ctx, received)
        finally:
            _unlink(received)
        key = await _stage(ctx, files.preview_key(files.new_key(custom.preview_type), custom.preview_type), custom.preview)
        preview = (key, {**media.meta, "small": custom.meta["small"]}, custom.blurhash)
    staged = (preview[0],) if preview else ()
    updated = await _commit_staged(ctx, staged, lambda conn: store.update_details(conn, media.id, text, point, preview))
    if updated is None:
        raise NotFound(NOT_FOUND)
    if preview is not None:
        await _discard(ctx, media.preview_key)
    return updated


async def delete(ctx: Context, owner: Actor, media_id: int) -> None:
    """Delete an upload and its files; only while no post uses it."""
    media = await store.get(ctx.db.reader, media_id)
    if media is None or media.owner_id != owner.id:
        raise NotFound(NOT_FOUND)
    # Uninterrupted: a cancel that lands on the COMMIT still lets the files go with their row.
    if await uninterrupted(_delete_row_and_files(ctx, media_id)) is None:
        raise Unprocessable(IN_USE)


async def _delete_row_and_files(ctx: Context, media_id: int) -> Media | None:
    async with ctx.db.transaction() as conn:
        source = await jobs.delete(conn, media_id)
        deleted = await store.delete_unattached(conn, media_id)
    if deleted is not None:
        await _discard(ctx, deleted.file_key or None, deleted.preview_key, source)
    return deleted


async def claim_for_post(
    db: Database, owner_id: int, media_ids: list[int], *, max_attachments: int, post_id: int | None = None
) -> list[Media]:
    """The uploads a new post (or, with `post_id`, an edit of that post) may carry, in the order
    given: all the owner's, ready, and not in another post. Bind them with `store.media.media.attach`
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
