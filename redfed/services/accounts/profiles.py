"""Editing a local profile, and rotating its signing key; both federate as Update (layer 4)."""

import asyncio
from dataclasses import replace
from typing import BinaryIO

from ...clock import new_id
from ...content import render_local_post, render_local_text
from ...errors import Unprocessable
from ...federation import audience, delivery, serialize
from ...federation.payment_links import links_to_ap
from ...models import Actor, ActorKey, Media, ProfileField
from ...protocol import keys
from ...store import actors as actor_store
from ...store.accounts import payment_links as payment_store
from ..context import Context
from ..emoji import emojis as custom_emojis
from ..media import media

MAX_DISPLAY_NAME = 30
MAX_BIO = 500
MAX_FIELDS = 4
MAX_FIELD_LENGTH = 255  # Mastodon's limit for both
FIELD_TOO_LONG = f"profile field names and values are at most {MAX_FIELD_LENGTH} characters"
NOT_AN_IMAGE = "Validation failed: avatar and header must be images"


def profile_problems(
    display_name: str | None = None, bio: str | None = None, fields: list[tuple[str, str]] | None = None,
) -> list[tuple[str, str]]:
    """Every (part, message) wrong with a profile edit, for forms that show them all at once; the
    part is "display_name", "bio", "fields", or "fields.N.name" / "fields.N.value"."""
    problems = []
    if display_name is not None and len(display_name) > MAX_DISPLAY_NAME:
        problems.append(("display_name", f"display name is longer than {MAX_DISPLAY_NAME} characters"))
    if bio is not None and len(bio) > MAX_BIO:
        problems.append(("bio", f"bio is longer than {MAX_BIO} characters"))
    if fields is not None:
        if len(fields) > MAX_FIELDS:
            problems.append(("fields", f"at most {MAX_FIELDS} profile fields"))
        for number, (name, value) in enumerate(fields):
            for part, text in (("name", name), ("value", value)):
                if len(text) > MAX_FIELD_LENGTH:
                    problems.append((f"fields.{number}.{part}", FIELD_TOO_LONG))
    return problems


async def update_profile(
    ctx: Context, actor: Actor, *, display_name: str | None = None, bio: str | None = None,
    fields: list[tuple[str, str]] | None = None, locked: bool | None = None, bot: bool | None = None,
    discoverable: bool | None = None, avatar_url: str | None = None, header_url: str | None = None,
) -> Actor:
    """Change what is given, keep the rest (Mastodon's update_credentials)."""
    changed = actor
    if bot is not None:
        changed = replace(changed, type="Service" if bot else "Person")
    if discoverable is not None:
        changed = replace(changed, discoverable=discoverable)
    if avatar_url is not None:
        changed = replace(changed, icon_url=avatar_url)
    if header_url is not None:
        changed = replace(changed, image_url=header_url)
    if display_name is not None:
        if len(display_name) > MAX_DISPLAY_NAME:
            raise Unprocessable(f"display name is longer than {MAX_DISPLAY_NAME} characters")
        changed = replace(changed, display_name=display_name.strip())
    if bio is not None:
        if len(bio) > MAX_BIO:
            raise Unprocessable(f"bio is longer than {MAX_BIO} characters")
        changed = replace(changed, summary=render_bio(ctx, bio), summary_source=bio)
    if fields is not None:
        if len(fields) > MAX_FIELDS:
            raise Unprocessable(f"at most {MAX_FIELDS} profile fields")
        if any(len(name) > MAX_FIELD_LENGTH or len(value) > MAX_FIELD_LENGTH for name, value in fields):
            raise Unprocessable(FIELD_TOO_LONG)
        rendered = tuple(ProfileField(name.strip(), render_local_text(value)) for name, value in fields)
        changed = replace(changed, fields=rendered)
    if locked is not None:
        changed = replace(changed, manually_approves_followers=locked)
    return await save_profile(ctx, changed)


def render_bio(ctx: Context, bio: str) -> str:
    """A bio's paragraphs and links, its hashtags linked to their tag pages as in posts (mentions
    stay text: finding their accounts would mean fetching them while saving the form)."""
    return render_local_post(bio, {}, ctx.urls.tag, local_domain=ctx.config.domain).html


async def remove_image(ctx: Context, actor: Actor, which: str) -> Actor:
    """Take the avatar or the header off a profile, so the default one shows again."""
    return await save_profile(ctx, replace(actor, **{{"avatar": "icon_url", "header": "image_url"}[which]: None}))


async def save_profile(ctx: Context, changed: Actor) -> Actor:
    """Store a local actor's edited profile (aliases included) and send its followers the Update."""
    changed = replace(changed, updated_at=ctx.now_ms())
    async with ctx.db.transaction() as conn:
        await actor_store.update_local_profile(conn, changed)
        await announce_update(ctx, conn, changed)
    ctx.wake_delivery()
    return changed


async def upload_image(ctx: Context, actor: Actor, stream: BinaryIO) -> Media:
    """An avatar or header upload, through the same checks as any photo (type sniffed, EXIF
    stripped, size and pixel limits); anything but a still image is removed again and refused."""
    accepted = await media.upload(ctx, actor, stream, gifv=False)  # an animated avatar stays a GIF
    if accepted.media.type != "image":
        await media.delete(ctx, actor, accepted.media.id)
        raise Unprocessable(NOT_AN_IMAGE)
    return accepted.media


async def discard_images(ctx: Context, actor: Actor, uploaded: list[Media]) -> None:
    """Remove uploads a failed profile edit no longer needs."""
    for item in uploaded:
        await media.delete(ctx, actor, item.id)


async def rotate_key(ctx: Context, actor: Actor) -> ActorKey:
    """A new RSA key under the same key id; followers' servers learn it from the Update."""
    private_pem, public_pem = await asyncio.to_thread(keys.generate_rsa_keypair)
    key = ActorKey(0, actor.id, ctx.urls.main_key(actor.uri), "rsa", public_pem, private_pem, ctx.now_ms())
    async with ctx.db.transaction() as conn:
        await actor_store.replace_local_key(conn, actor.id, key)
        await announce_update(ctx, conn, actor)
    ctx.wake_delivery()
    return key


async def announce_update(ctx: Context, conn, actor: Actor) -> None:
    """Queue the Update of `actor`'s document to its followers, inside the caller's transaction."""
    links = links_to_ap(await payment_store.list_links(conn, actor.id))
    emoji_tags = await custom_emojis.local_actor_tags(conn, actor)
    document = serialize.actor_to_ap(actor, await actor_store.list_keys(conn, actor.id), links, emoji_tags)
    activity = serialize.actor_update_activity(document, f"{actor.uri}#updates/{new_id(ctx.now_ms())}")
    inboxes = await audience.for_followers(conn, ctx.config, actor)
    await delivery.enqueue(conn, activity, actor, inboxes, is_public=False, object_uri=actor.uri, now=ctx.now_ms())
