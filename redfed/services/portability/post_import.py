"""Re-creating a post someone wrote elsewhere in their account here (layer 4): from an archive
now, from a moved account's old server later. The post keeps its published date, content
warning, visibility, media with their descriptions, and its place in a thread; it records where
it came from (`origin_uri`), so the same post is never imported twice; and it is not delivered to
followers as new - only stored, with its Create in the outbox like any post of the account.

Its content is treated as remote HTML (sanitised), since an archive is whatever the uploader made.
"""

import html
import io
import re
from dataclasses import dataclass, replace

from ...clock import new_id
from ...db.errors import INTEGRITY_ERRORS
from ...errors import BadRequest, RedfedError, Unprocessable
from ...federation import delivery, imported, serialize
from ...federation.ingest_posts import ap_to_remote_post
from ...models import Actor, Media, Post
from ...store import posts as post_store
from ...store import post_origins
from ...store.media import media as media_store
from ...store.shop import listings as listing_store
from ..context import Context
from ..media import media as media_service
from . import listing_import

# A hashtag link as Mastodon writes it (href first), once sanitised: its href is made ours, so the
# tag leads to this server's tag page rather than the old server's.
_TAG_LINK = re.compile(
    r'<a href="[^"]*"(?P<attrs>[^>]*\bclass="[^"]*\bhashtag\b[^"]*"[^>]*)>#(?P<inner>(?:<span>)?(?P<name>[\w]{1,100})(?:</span>)?)</a>'
)


def local_tag_links(content: str, urls) -> str:
    return _TAG_LINK.sub(
        lambda m: f'<a href="{html.escape(urls.tag(m["name"].lower()))}"{m["attrs"]}>#{m["inner"]}</a>', content
    )


@dataclass(frozen=True)
class Attachment:
    """A file of the post as bytes, with its description (alt text) and focal point ("x,y")."""

    data: bytes
    description: str | None = None
    focus: str | None = None


@dataclass(frozen=True)
class Source:
    """Who wrote the post where it comes from: its id must be on this actor's origin."""

    actor_uri: str
    followers_uri: str | None = None


@dataclass(frozen=True)
class Imported:
    post: Post
    created: bool


async def already_imported(ctx: Context, author: Actor, origin_uri: str) -> Post | None:
    return await post_origins.find_by_origin(ctx.db.reader, author.id, origin_uri)


def _focus(item: dict) -> str | None:
    point = item.get("focalPoint")
    if isinstance(point, list) and len(point) == 2 and all(isinstance(v, (int, float)) for v in point):
        return f"{point[0]},{point[1]}"
    return None


def attachment_from(item: dict, data: bytes) -> Attachment:
    """An AS2 attachment's description and focal point, around the file's bytes."""
    name = item.get("name") if isinstance(item.get("name"), str) else None
    return Attachment(data, name[: media_service.MAX_DESCRIPTION] if name else None, _focus(item))


async def import_post(
    ctx: Context, author: Actor, note: dict, source: Source, *, attachments: list[Attachment] = (),
    parent: Post | None = None, listing: listing_import.MovedListing | None = None,
) -> Imported:
    """Re-create `note` (an AS2 Note by `source.actor_uri`) as a post of the local `author`.
    `parent` is the post it answers when that is already here (for a thread of the same archive,
    the post imported before it). Importing the same note again returns the post made the first
    time. Refuses a note that is not the source's with BadRequest. With `listing` (what the note
    carried, listing_import.moved_listing) the post is re-created as that listing of `author`."""
    origin = note.get("id")
    if not isinstance(origin, str):
        raise BadRequest("the post has no id")
    existing = await already_imported(ctx, author, origin)
    if existing is not None:
        return Imported(existing, False)
    stand_in = replace(author, uri=source.actor_uri, followers_uri=source.followers_uri)
    remote = ap_to_remote_post(note, stand_in, ctx.now_ms())
    if listing is not None:
        listing_import.check_visibility(remote.post)
    media = [await _upload(ctx, author, item) for item in attachments]
    try:
        return Imported(await _store(ctx, author, remote, origin, media, parent, listing), True)
    except INTEGRITY_ERRORS:
        # Another import made the same post meanwhile (posts_origin is unique): that one stands.
        await _discard(ctx, author, media)
        existing = await already_imported(ctx, author, origin)
        if existing is None:
            raise
        return Imported(existing, False)
    except BaseException:
        await _discard(ctx, author, media)
        raise


async def _discard(ctx: Context, author: Actor, media: list[Media]) -> None:
    """Uploads no post uses, gone with the post that was not made."""
    for m in media:
        try:
            await media_service.delete(ctx, author, m.id)
        except RedfedError:
            pass


async def _upload(ctx: Context, author: Actor, item: Attachment) -> Media:
    try:
        accepted = await media_service.upload(ctx, author, io.BytesIO(item.data), description=item.description, focus=item.focus)
    except Unprocessable:
        # A focal point out of range is not worth losing the photo for.
        accepted = await media_service.upload(ctx, author, io.BytesIO(item.data), description=item.description)
    return accepted.media


async def _store(ctx: Context, author: Actor, remote, origin: str, media: list[Media], parent: Post | None,
                 listing: listing_import.MovedListing | None) -> Post:
    published = remote.post.published_at
    post_id = new_id(published)
    in_reply_to_uri = parent.uri if parent else remote.post.in_reply_to_uri
    post = replace(
        remote.post, id=post_id, uri=ctx.urls.post(author.uri, post_id), url=ctx.urls.post_page(author.username, post_id),
        actor_id=author.id, is_local=True, in_reply_to_uri=in_reply_to_uri, in_reply_to_id=parent.id if parent else None,
        conversation=None, attachments=tuple(serialize.media_to_ap(m, ctx.urls) for m in media), edited_at=None,
        poll=None, type="Note", created_at=ctx.now_ms(), summary=html.unescape(remote.post.summary),
        content=local_tag_links(remote.post.content, ctx.urls),
    )
    rendered = await listing_import.rendered(ctx, listing) if listing else None
    hashtags, row = remote.hashtags, None
    async with ctx.db.transaction() as conn:
        for _ in range(8):  # many imported posts may share a millisecond
            if not await post_store.id_taken(conn, post.id):
                break
            post_id = new_id(published)
            post = replace(post, id=post_id, uri=ctx.urls.post(author.uri, post_id), url=ctx.urls.post_page(author.username, post_id))
        if listing is None:
            note = imported.mark(serialize.post_to_ap(post, author, [], list(remote.hashtags), ctx.urls), origin)
        else:
            post, note, row = listing_import.carrying(ctx, author, post, listing, rendered, origin)
            hashtags = rendered.hashtags
        post = replace(post, audience=tuple(note["to"] + note["cc"]))
        await post_store.insert_post(conn, post)
        await post_origins.set_origin(conn, post.id, origin)
        await post_origins.unannounce(conn, post.id)
        await media_store.attach(conn, post.id, [m.id for m in media])
        await post_store.replace_tags(conn, post.id, hashtags)
        if row is not None:
            await listing_store.insert_listing(conn, row)
        # Into the outbox, to no inbox: followers are not told of old posts as if they were new.
        await delivery.enqueue(
            conn, serialize.create_activity(note), author, [], is_public=post.visibility in ("public", "unlisted"),
            object_uri=post.uri, now=ctx.now_ms(),
        )
    return post
