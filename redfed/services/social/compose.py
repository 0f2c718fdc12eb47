"""The web's compose form (layer 4): its photos are staged as uploads before the post is made, so a
form sent back with an error still has them, with their descriptions, in the order the person put
them, and with the cover they chose first.

Each photo of a form is a `Choice`: a staged upload (key "m<id>") or a newly sent file (key "n<i>").
`stage` deletes the uploads the person removed, describes the kept ones, uploads the new files,
and returns them all in order; `publish` makes the post with them (the API's claim rules apply)."""

from dataclasses import dataclass
from typing import BinaryIO

from ...errors import RedfedError, Unprocessable
from ...models import Actor, Media, Post
from ..context import Context
from ..media import media
from ..responses import quotes
from . import posts


@dataclass(frozen=True)
class Choice:
    key: str
    position: float
    description: str
    file: BinaryIO | None = None  # a new file; None for a staged upload

    @property
    def media_id(self) -> int | None:
        return int(self.key[1:]) if self.key.startswith("m") else None


@dataclass(frozen=True)
class Staged:
    media: list[Media]  # in the order they will be posted, the cover first
    error: RedfedError | None = None  # what stopped a new file from being staged


def arrange(choices: list[Choice], cover: str | None) -> list[Choice]:
    """The photos by the positions the person gave them (ties keep the form's order), the cover first."""
    ordered = sorted(choices, key=lambda choice: choice.position)
    return sorted(ordered, key=lambda choice: choice.key != cover)


async def stage(ctx: Context, author: Actor, choices: list[Choice], removed: list[int]) -> Staged:
    for media_id in removed:
        await media.delete(ctx, author, media_id)
    limit = ctx.config.media.max_attachments
    if len(choices) > limit:
        kept = [await _describe(ctx, author, choice) for choice in choices if choice.file is None][:limit]
        return Staged(kept, Unprocessable(f"Cannot attach more than {limit} files"))
    staged, error = [], None
    for choice in choices:
        if choice.file is None:
            staged.append(await _describe(ctx, author, choice))
            continue
        try:
            staged.append((await media.upload(ctx, author, choice.file, description=choice.description)).media)
        except RedfedError as failed:
            if failed.status >= 500:
                raise
            error = error or failed
    return Staged(staged, error)


async def _describe(ctx: Context, author: Actor, choice: Choice) -> Media:
    """A staged upload of the author's, with the description the form now gives it."""
    found = await media.own_unattached(ctx, author, choice.media_id)
    if (found.description or "") == choice.description:
        return found
    return await media.update(ctx, author, found.id, description=choice.description)


async def publish(
    ctx: Context, author: Actor, text: str, photos: list[Media], *, visibility: str, summary: str = "",
    in_reply_to: Post | None = None, quote: quotes.QuoteDraft | None = None, language: str | None = None,
) -> Post:
    """The post, with the staged photos in the order given (each still the author's and unposted),
    in the `language` the author picked (None: detected from the text)."""
    posts.check_text(text, visibility, summary, has_media=bool(photos))
    claimed = await media.claim_for_post(
        ctx.db, author.id, [photo.id for photo in photos], max_attachments=ctx.config.media.max_attachments,
    )
    return await posts.create_local_post(
        ctx, author, text, visibility=visibility, summary=summary, in_reply_to=in_reply_to, language=language,
        media=claimed, quote=quote, quote_policy=await quotes.default_policy(ctx, author),
    )
