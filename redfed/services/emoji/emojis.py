"""Custom emoji (layer 4): admins add and remove the instance's own; a local post shows those its
text names as `:shortcode:`, a remote post those its `Emoji` tags name (Mastodon's behaviour).

An emoji's image is an upload through the media pipeline (type sniffed, re-encoded, size and pixel
caps), kept by the emoji row; removing the emoji removes the upload. Remote emoji images are shown
where the remote serves them.
"""

from typing import BinaryIO

from ...db.api import Connection, Database
from ...errors import NotFound, Unprocessable
from ...federation import emoji as emoji_ap
from ...models import Actor
from ...store import actors as actor_store
from ...store.emoji import emojis as store
from ...store.emoji.emojis import CustomEmoji
from ...store.media import media as media_store
from ..context import Context
from ..media import media

MAX_CATEGORY = 64
MAX_IMAGE_BYTES = 256 * 1024  # Mastodon's limit for a custom emoji's image


async def add(ctx: Context, admin: Actor, shortcode: str, image: BinaryIO, category: str | None = None) -> CustomEmoji:
    """A new emoji of the instance; Unprocessable for a bad or taken shortcode or a bad image."""
    if not emoji_ap.SHORTCODE.fullmatch(shortcode or ""):
        raise Unprocessable("Shortcode must be 2-64 letters, digits or underscores")
    if category is not None and len(category) > MAX_CATEGORY:
        raise Unprocessable(f"Category is too long (at most {MAX_CATEGORY} characters)")
    if await store.find_local(ctx.db.reader, shortcode) is not None:
        raise Unprocessable(f"Shortcode :{shortcode}: is taken")
    image.seek(0, 2)
    if image.tell() > MAX_IMAGE_BYTES:
        raise Unprocessable(f"An emoji's image can be at most {MAX_IMAGE_BYTES // 1024} KB")
    image.seek(0)
    accepted = await media.upload(ctx, admin, image)
    if accepted.media.type != "image":
        await media.delete(ctx, admin, accepted.media.id)
        raise Unprocessable("An emoji must be a still or animated image")
    async with ctx.db.transaction() as conn:
        emoji = await store.insert_local(
            conn, shortcode, ctx.urls.media(accepted.media.file_key), accepted.media.id, category or None, ctx.now_ms()
        )
        await store.set_uri(conn, emoji.id, f"{ctx.urls.base}/emojis/{emoji.id}")
    return await store.find_local(ctx.db.reader, shortcode)


async def change(ctx: Context, shortcode: str, category: str | None, visible_in_picker: bool) -> None:
    """File an emoji under another category (none: uncategorised), and show or hide it in pickers."""
    if category is not None and len(category) > MAX_CATEGORY:
        raise Unprocessable(f"Category is too long (at most {MAX_CATEGORY} characters)")
    async with ctx.db.transaction() as conn:
        if not await store.update_local(conn, shortcode, category or None, visible_in_picker, ctx.now_ms()):
            raise NotFound(f"No emoji :{shortcode}:")


async def remove(ctx: Context, shortcode: str) -> None:
    async with ctx.db.transaction() as conn:
        removed = await store.delete_local(conn, shortcode)
    if removed is None:
        raise NotFound(f"No emoji :{shortcode}:")
    upload = await media_store.get(ctx.db.reader, removed.media_id) if removed.media_id else None
    owner = await actor_store.get_actor(ctx.db.reader, upload.owner_id) if upload else None
    if owner is not None:
        await media.delete(ctx, owner, upload.id)


async def list_local(db: Database) -> list[CustomEmoji]:
    return await store.list_local(db.reader)


async def named_in(db: Database, *texts: str) -> list[CustomEmoji]:
    """The instance's emoji that `texts` name as :shortcode:."""
    return await store.list_local(db.reader, emoji_ap.shortcodes_in(*texts))


def ap_tags(emojis: list[CustomEmoji]) -> list[dict]:
    return [emoji_ap.emoji_to_ap(e.shortcode, e.uri, e.image_url, e.updated_at) for e in emojis]


def with_tags(note: dict, emojis: list[CustomEmoji]) -> dict:
    """A local post's Note with the Emoji tags of the emoji its text names."""
    return emoji_ap.with_emoji_tags(note, ap_tags(emojis))


async def set_for_local_post(conn: Connection, post_id: int, emojis: list[CustomEmoji]) -> None:
    await store.replace_post_emojis(conn, post_id, [e.id for e in emojis])


async def local_actor_tags(conn: Connection, actor: Actor) -> list[dict]:
    """Emoji tags for a local account's document: those its name, bio and fields name."""
    return ap_tags(await store.list_local(conn, emoji_ap.profile_shortcodes(actor)))


async def set_for_remote_post(conn: Connection, post_id: int, author: Actor, doc: dict, now: int) -> None:
    """Keep the emoji a remote post's tags name (under its author's domain) and link them."""
    found = emoji_ap.ap_to_emojis(doc)
    ids = await store.save_remote(conn, author.domain, found, now) if found else []
    await store.replace_post_emojis(conn, post_id, ids)
