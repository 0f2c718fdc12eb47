"""The Translate button on a post's page (layer 6).

The button posts a form (signed in, CSRF-checked) that has the post translated into the page's
language, then comes back to the page with `?translated=1`; the page shows the kept translation
in place of the original, with the provider named. A GET never asks the provider for anything,
so a crawler or a reload costs nothing.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from babel import Locale
from quart import request

from ...errors import ServiceUnavailable, TooManyRequests
from ...models import Post
from ...services.languages import translation
from .. import i18n
from ..context import runtime
from ..inputs import record_id
from .common import N_, _, blueprint, check_csrf, form, safe_next, see_other, signed_in, visit

UNAVAILABLE = N_("The translation service is unavailable; try again later.")
TOO_MANY = N_("You have asked for many translations; try again in an hour.")


@dataclass(frozen=True)
class Shown:
    """A translation as the page shows it."""

    content: str
    spoiler_text: str
    language: str  # the page's
    source_name: str  # the original's language, named in the page's
    provider: str


@blueprint.post("/posts/<post_id>/translate")
async def translate(post_id: str):
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    target = i18n.stored_value(current.locale)
    try:
        await translation.translate(runtime().services, record_id(post_id), viewer, target)
    except ServiceUnavailable:
        raise ServiceUnavailable(_(UNAVAILABLE)) from None
    except TooManyRequests:
        raise TooManyRequests(_(TOO_MANY)) from None
    back = urlsplit(safe_next(fields.get("next"), f"/posts/{post_id}"))
    return see_other(f"{back.path}?translated=1" + (f"#{back.fragment}" if back.fragment else ""))


async def translation_context(post: Post) -> dict:
    """What a page with a translatable post needs (_translation.html): whether to offer the
    button, and the translation to show."""
    current = await visit()
    if current.viewer is None:
        return {"offer_translation": False, "translation": None, "original_path": request.path}
    ctx, locale = runtime().services, current.locale
    language = i18n.stored_value(locale)
    kept = None
    if request.args.get("translated"):
        kept = await translation.kept_translation(ctx, post, language)
    return {
        "offer_translation": translation.offers_translation(ctx, post, language),
        "translation": _shown(kept, locale), "original_path": request.path,
    }


def _shown(kept: translation.Translation | None, locale: str) -> Shown | None:
    if kept is None:
        return None
    names = Locale.parse(i18n.LANGUAGES[locale][1].replace("-", "_")).languages
    source = kept.source_language or ""
    return Shown(kept.content, kept.spoiler_text, i18n.stored_value(locale), names.get(source, source), kept.provider)
