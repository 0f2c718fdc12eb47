"""Languages of the pages (layer 6): the message catalogs, and which one a request reads.

Catalogs ship as `.po` files in `redfed/locales/<locale>/LC_MESSAGES/`: `messages.po`, plus one file
per area where a feature keeps its own strings (`admin.po`, ...). They are merged and compiled in
memory the first time they are needed, so there is no build step. Templates translate through
jinja2's i18n extension (`{{ _("...") }}`, `{% trans %}`); the callables it installs look up the
translations the page context carries, so one process serves each request in its own language.

A request's locale is, in order: the signed-in user's `users.locale`, the `lang` cookie set by the
switch on every page, then `Accept-Language`.
"""

import functools
import gettext
from datetime import UTC, datetime, timedelta
from importlib import resources
from io import BytesIO

from babel.dates import format_date, format_datetime, format_timedelta
from babel.messages import mofile, pofile
from jinja2 import Environment, pass_context

from ..protocol.instants import renderable

DEFAULT = "en"
RELATIVE_FOR = 7 * 24 * 3600 * 1000  # how long after an instant pages show its age instead of its date
# Locale id -> (name in its own language, the HTML lang attribute, what users.locale stores).
# A locale is listed only once its catalog is complete (tests/pages/test_catalogs.py).
LANGUAGES = {
    "en": ("English", "en", "en"),
    "zh_Hans": ("简体中文", "zh-Hans", "zh"),
    "zh_Hant": ("繁體中文", "zh-Hant", "zh-TW"),
    "es": ("Español", "es", "es"),
    "pt_BR": ("Português (Brasil)", "pt-BR", "pt-BR"),
    "id": ("Bahasa Indonesia", "id", "id"),
    "ja": ("日本語", "ja", "ja"),
    "ar": ("العربية", "ar", "ar"),
}
# Locales written right to left: their pages are mirrored (<html dir="rtl">).
RIGHT_TO_LEFT = {"ar"}
LANG_COOKIE = "lang"
# Chinese tags that mean the Traditional script: Taiwan, Hong Kong and Macau, or the script named.
_TRADITIONAL = {"zh-tw", "zh-hk", "zh-mo", "zh-hant"}
# A language's main tag -> its locale, for languages with one locale whatever the region
# (pt-PT readers get Brazilian Portuguese rather than English).
_BY_LANGUAGE = {"en": "en", "zh": "zh_Hans", "id": "id", "in": "id", "es": "es", "ja": "ja", "pt": "pt_BR", "ar": "ar"}
CONTEXT_KEY = "i18n_translations"


@functools.cache
def translations(locale: str) -> gettext.NullTranslations:
    """The compiled catalog of `locale` (English, whose strings are the msgids, for any other)."""
    if locale not in LANGUAGES:
        locale = DEFAULT
    catalog = None
    for part in catalog_files(locale):
        with part.open("rb") as source:
            read = pofile.read_po(source, locale=locale)
        if catalog is None:
            catalog = read
        else:
            for message in read:
                if message.id:
                    catalog[message.id] = message
    compiled = BytesIO()
    mofile.write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def catalog_files(locale: str) -> list:
    """The `.po` files of a locale, `messages.po` first."""
    folder = resources.files("redfed") / "locales" / locale / "LC_MESSAGES"
    parts = [p for p in folder.iterdir() if p.name.endswith(".po")]
    return sorted(parts, key=lambda p: (p.name != "messages.po", p.name))


def normalise(value: str | None) -> str | None:
    """A locale id from a cookie, a stored user locale or a language tag, if it is one we have."""
    if not value:
        return None
    tag = value.strip().replace("_", "-").lower()
    language = tag.split("-")[0]
    if language == "zh" and (tag in _TRADITIONAL or tag.startswith(("zh-hant-", "zh-tw-", "zh-hk-", "zh-mo-"))):
        found = "zh_Hant"
    else:
        found = _BY_LANGUAGE.get(language)
    return found if found in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The best of our locales for an Accept-Language header (RFC 9110 §12.5.4), or None."""
    if not header:
        return None
    ranked = []
    for position, item in enumerate(header[:1000].split(",")[:30]):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag))
    for _q, _p, tag in sorted(ranked):
        found = normalise(tag)
        if found:
            return found
    return None


def choose(user_locale: str | None, cookie: str | None, accept_language: str | None) -> str:
    return normalise(user_locale) or normalise(cookie) or from_accept_language(accept_language) or DEFAULT


def direction(locale: str) -> str:
    """The HTML dir of a locale's pages."""
    return "rtl" if locale.split("_")[0] in RIGHT_TO_LEFT else "ltr"


def stored_value(locale: str) -> str:
    """What users.locale keeps for a locale id (a language code, as the client API shows it)."""
    return LANGUAGES[locale][2]


@pass_context
def _gettext(context, message: str) -> str:
    return context.get(CONTEXT_KEY, translations(DEFAULT)).gettext(message)


@pass_context
def _ngettext(context, singular: str, plural: str, count: int) -> str:
    return context.get(CONTEXT_KEY, translations(DEFAULT)).ngettext(singular, plural, count)


@pass_context
def short_date(context, instant_ms: int) -> str:
    """An instant (ms, UTC) as a short date and time in the page's language."""
    # renderable: a remote date stored before dates were normalised on arrival (issue 25).
    when = datetime.fromtimestamp(renderable(instant_ms) / 1000, UTC)
    return format_datetime(when, "medium", tzinfo=UTC, locale=context.get("locale") or DEFAULT)


@pass_context
def relative_time(context, instant_ms: int) -> str:
    """How long ago an instant was, shortly ("3h", "3小时") for the past week, its date before that.
    Pages put the rendering's `now_ms` in the context; without it the date is shown."""
    when_ms, now_ms = renderable(instant_ms), context.get("now_ms")
    locale = context.get("locale") or DEFAULT
    if now_ms is not None and 0 <= now_ms - when_ms < RELATIVE_FOR:
        age = timedelta(milliseconds=max(now_ms - when_ms, 1000))
        return format_timedelta(age, format="narrow", threshold=1.0, locale=locale)
    return format_date(datetime.fromtimestamp(when_ms / 1000, UTC), "medium", locale=locale)


def install(env: Environment) -> None:
    """Add the i18n extension and the date filters to a jinja environment. Pages put their
    translations in the context under CONTEXT_KEY; templates rendered without them read English."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    env.filters["short_date"] = short_date
    env.filters["relative_time"] = relative_time
