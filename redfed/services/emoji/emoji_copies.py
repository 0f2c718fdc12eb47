"""Our copies of remote custom emoji (layer 4). An emoji another server names is shown from its
original URL only until a worker has fetched the image through the outbound client (private
addresses refused, at most 256 KB) and the media pipeline (type sniffed, metadata stripped, pixel
caps), and stored it as the instance actor's media; from then on ours is shown, so that readers'
browsers never ask the remote server. A fetch that fails is tried again later, a few times."""

import io
import logging

from ...errors import FetchError, RedfedError
from ...models import Actor
from ...store import actors as actor_store
from ...store.emoji import emojis as store
from ..context import Context
from ..media import media
from .emojis import MAX_IMAGE_BYTES

log = logging.getLogger(__name__)

BATCH = 10
MAX_TRIES = 5
RETRY_MS = 10 * 60 * 1000  # a claimed fetch that failed (or whose worker died) is tried again after this


async def copy_due(ctx: Context) -> int:
    """Copy the remote emoji images that are due; how many were tried."""
    now = ctx.now_ms()
    async with ctx.db.transaction() as conn:
        due = await store.claim_uncopied(conn, now, now + RETRY_MS, MAX_TRIES, BATCH)
    if not due:
        return 0
    owner = await actor_store.find_actor_by_uri(ctx.db.reader, ctx.urls.instance_actor())
    for emoji_id, _domain, original in due:
        await _copy(ctx, owner, emoji_id, original)
    return len(due)


async def _copy(ctx: Context, owner: Actor, emoji_id: int, original: str) -> None:
    try:
        response = await ctx.http.request("GET", original, max_bytes=MAX_IMAGE_BYTES)
        if response.status != 200:
            raise FetchError(f"{original} answered {response.status}")
        accepted = await media.upload(ctx, owner, io.BytesIO(response.body), gifv=False)
    except RedfedError as failed:  # a fetch refused or failed, or an image the pipeline refused
        log.info("remote emoji image not copied (will try again): %s", failed)
        return
    if accepted.media.type != "image":
        await media.delete(ctx, owner, accepted.media.id)
        log.info("remote emoji image %s is not an image", original)
        return
    async with ctx.db.transaction() as conn:
        kept = await store.set_copy(conn, emoji_id, original, ctx.urls.media(accepted.media.file_key), accepted.media.id)
    if not kept:  # the remote server named another image meanwhile: that one is fetched next
        await media.delete(ctx, owner, accepted.media.id)
