"""Translating a post for a reader (layer 4), as Mastodon's /api/v1/statuses/:id/translate does.

A post is translated only if the reader may see it (else NotFound, and nothing is sent), and only
if it is public or unlisted unless the admin allows more. The content, content warning and poll
options go to the provider in one request; the answer is kept per post and target language with
a digest of what was sent, so an edit makes it stale. A failing provider is a 503 and keeps
nothing; each reader may reach the provider `translation.per_user_per_hour` times an hour.
"""

import hashlib
import html
import json
import re
from dataclasses import dataclass

from ...content import html_to_text, sanitize_remote_html
from ...errors import Forbidden, NotFound, TooManyRequests, Unprocessable
from ...models import Actor, Post
from ...store import posts as post_store
from ...store.languages import translations as store
from .. import rate_limits
from ..context import Context
from ..visibility import can_see
from .deepl import DeepL
from .libretranslate import LibreTranslate
from .providers import Provider

PROVIDERS = {"libretranslate": LibreTranslate, "deepl": DeepL}
SHARED_VISIBILITIES = ("public", "unlisted")
HOUR_MS = 3600 * 1000
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?")


@dataclass(frozen=True)
class Translation:
    post: Post
    content: str  # sanitised HTML
    spoiler_text: str
    poll_options: list[str]
    source_language: str | None
    provider: str


def provider_for(ctx: Context) -> Provider | None:
    config = ctx.config.translation
    if not config.provider or ctx.http is None:
        return None
    return PROVIDERS[config.provider](config, ctx.http)


async def languages(ctx: Context) -> dict[str, list[str]]:
    """Source language -> targets, as the provider offers them ({} without a provider)."""
    provider = provider_for(ctx)
    return await provider.languages() if provider is not None else {}


async def translate(ctx: Context, post_id: int, reader: Actor, target: str) -> Translation:
    provider = provider_for(ctx)
    if provider is None:
        raise NotFound("Translation is not enabled on this server")
    target = _language_code(target)
    post = await _translatable_post(ctx, post_id, reader, target)
    found = await kept_translation(ctx, post, target)
    if found is not None:
        return found
    await _count(ctx, reader)
    texts = _texts(post)
    answer = await provider.translate(texts, post.language, target)
    kept = store.StoredTranslation(_digest(texts), answer.source_language, provider.name, _cleaned(answer.texts))
    async with ctx.db.transaction() as conn:
        await store.put_translation(conn, post.id, target, kept, ctx.now_ms())
    return _translation(post, kept)


async def kept_translation(ctx: Context, post: Post, target: str) -> Translation | None:
    """The kept translation of the post as it is now, if there is one; never asks the provider.
    The caller has checked that the reader may see the post."""
    kept = await store.get_translation(ctx.db.reader, post.id, target)
    if kept is None or kept.source_digest != _digest(_texts(post)):
        return None
    return _translation(post, kept)


def offers_translation(ctx: Context, post: Post, reader_language: str) -> bool:
    """Whether a reader whose language is `reader_language` is offered a translation of the post."""
    if not ctx.config.translation.provider or post.reblog_of_id is not None:
        return False
    return _shareable(ctx, post) and not _written_in(post, reader_language)


async def _translatable_post(ctx: Context, post_id: int, reader: Actor, target: str) -> Post:
    post = await post_store.get_post(ctx.db.reader, post_id)
    if post is not None and post.reblog_of_id is not None and await can_see(ctx.db.reader, reader, post):
        post = await post_store.get_post(ctx.db.reader, post.reblog_of_id)
    if post is None or not await can_see(ctx.db.reader, reader, post):
        raise NotFound("Record not found")
    if not _shareable(ctx, post):
        raise Forbidden("Only public posts are sent to the translation service")
    if _written_in(post, target):
        raise Unprocessable("The post is already in that language")
    return post


def _shareable(ctx: Context, post: Post) -> bool:
    return post.visibility in SHARED_VISIBILITIES or ctx.config.translation.allow_private_posts


def _written_in(post: Post, language: str) -> bool:
    return bool(post.language) and post.language.split("-")[0].lower() == language.split("-")[0]


def _language_code(value: str) -> str:
    code = (value or "").strip().replace("_", "-").lower()
    if not _LANGUAGE_CODE.fullmatch(code):
        raise Unprocessable("Validation failed: lang must be a language code")
    return code


def _texts(post: Post) -> list[str]:
    """[content, content warning, poll options...], each as HTML (the plain ones escaped)."""
    options = [o.get("title", "") for o in (post.poll or {}).get("options", [])]
    return [post.content, *(html.escape(text, quote=False) for text in [post.summary, *options])]


def _digest(texts: list[str]) -> str:
    return hashlib.sha256(json.dumps(texts).encode()).hexdigest()


def _cleaned(texts: list[str]) -> list[str]:
    # The provider is a stranger as far as markup goes: its HTML is sanitised like a remote post's.
    return [sanitize_remote_html(texts[0]), *(html_to_text(text) for text in texts[1:])]


def _translation(post: Post, kept: store.StoredTranslation) -> Translation:
    content, summary, *options = kept.texts
    return Translation(post, content, summary, options, kept.source_language or post.language, kept.provider)


async def _count(ctx: Context, reader: Actor) -> None:
    window = rate_limits.Window(ctx.db, "translate", HOUR_MS)
    now = ctx.now_ms()
    if await window.add(str(reader.id), now) > ctx.config.translation.per_user_per_hour:
        raise TooManyRequests("Too many translations; try again in an hour")
