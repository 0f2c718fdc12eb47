"""Settings: the public profile and the preferences (layer 6).

The profile form goes through the same service as Mastodon's update_credentials, so an edit here
federates as an Update exactly as one made from an app. Every text field is checked before any
upload is stored, and uploads a failed edit leaves behind are removed again.
"""

from babel import Locale
from quart import request
from werkzeug.exceptions import RequestEntityTooLarge

from ...content import html_to_text
from ...errors import RedfedError
from ...models import VISIBILITIES
from ...services.accounts import preferences, profiles
from ...services.media import media_files
from ...services.social import showcase
from .. import i18n
from ..context import runtime
from .common import PROFILE_PATH, _, blueprint, check_csrf, profile_form_limit, secure_cookies, signed_in
from .settings import posted_form, saved, settings_page

PREFERENCES_PATH = "/settings/preferences"
LANG_COOKIE_AGE = 365 * 24 * 3600
IMAGES = ("avatar", "header")
# Posting languages offered (ISO 639-1); names are shown in the visitor's language.
POST_LANGUAGES = (
    "en", "zh", "ja", "ko", "fr", "de", "es", "pt", "it", "nl", "ru", "uk", "pl", "tr", "ar", "hi", "id", "vi",
    "th", "sv",
)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.4g}"


def _profile_fields(actor) -> dict:
    """The form's values for the stored profile (field values are stored as HTML)."""
    values = {
        "display_name": actor.display_name, "bio": actor.summary_source or html_to_text(actor.summary),
        "locked": actor.manually_approves_followers, "discoverable": actor.discoverable,
    }
    for number, field in enumerate(actor.fields[: profiles.MAX_FIELDS]):
        values[f"field_name{number}"] = field.name
        values[f"field_value{number}"] = html_to_text(field.value)
    return values


async def _profile_page(status: int = 200, *, values: dict | None = None, errors: dict | None = None, error: str | None = None):
    rt = runtime()
    _current, viewer = await signed_in()
    return await settings_page(
        "settings/profile.html", PROFILE_PATH, status, values=values or _profile_fields(viewer), errors=errors or {},
        error=error, max_fields=profiles.MAX_FIELDS, max_display_name=profiles.MAX_DISPLAY_NAME,
        max_bio=profiles.MAX_BIO, max_field=profiles.MAX_FIELD_LENGTH,
        max_image_mb=_megabytes(rt.config.media.max_image_bytes),
    )


@blueprint.get(PROFILE_PATH)
async def profile_settings():
    return await _profile_page()


def _text_errors(display_name: str, bio: str, pairs: list[tuple[str, str]], numbers: list[int]) -> dict[str, str]:
    """Per-field messages for the text part of a profile edit, keyed by form field name."""
    names = {"display_name": "display_name", "bio": "bio"}
    for index, number in enumerate(numbers):
        names[f"fields.{index}.name"] = f"field_name{number}"
        names[f"fields.{index}.value"] = f"field_value{number}"
    messages = {
        "display_name": _("Your display name can be at most %(num)d characters.") % {"num": profiles.MAX_DISPLAY_NAME},
        "bio": _("Your bio can be at most %(num)d characters.") % {"num": profiles.MAX_BIO},
    }
    errors = {}
    for part, _message in profiles.profile_problems(display_name, bio, pairs):
        key = names.get(part)
        if key is not None:
            errors[key] = messages.get(key) or _("Labels and contents can be at most %(num)d characters.") % {
                "num": profiles.MAX_FIELD_LENGTH}
    return errors


def _image_error(error: RedfedError, limit: int) -> str:
    message = error.message
    if message in (media_files.FILE_TYPE_ERROR, profiles.NOT_AN_IMAGE):
        return _("That file is not a picture we can read.")
    if message.startswith("Validation failed: File file size"):
        return _("The picture can be at most %(size)s MB.") % {"size": _megabytes(limit)}
    return message


@blueprint.post(PROFILE_PATH)
async def save_profile():
    rt = runtime()
    current, viewer = await signed_in()
    limit = rt.config.media.max_image_bytes
    try:
        posted = await request.form
        uploaded = await request.files
    except RequestEntityTooLarge:
        return await _profile_page(413, error=_("The pictures are too large together: at most %(size)s MB in all.") % {
            "size": _megabytes(profile_form_limit(rt.config))})
    fields = {key: posted.get(key, "") for key in posted}
    check_csrf(current, fields.get("csrf_token"))
    display_name, bio = fields.get("display_name", ""), fields.get("bio", "").replace("\r\n", "\n")
    values = {
        "display_name": display_name, "bio": bio, "locked": "locked" in fields, "discoverable": "discoverable" in fields,
    }
    pairs, numbers, errors = [], [], {}
    for number in range(profiles.MAX_FIELDS):
        name, value = fields.get(f"field_name{number}", "").strip(), fields.get(f"field_value{number}", "").strip()
        values[f"field_name{number}"], values[f"field_value{number}"] = name, value
        if name:
            pairs.append((name, value))
            numbers.append(number)
        elif value:
            errors[f"field_name{number}"] = _("Give this field a label, or clear its content.")
    errors.update(_text_errors(display_name, bio, pairs, numbers))
    files = {name: uploaded[name] for name in IMAGES if uploaded.get(name) and uploaded[name].filename}
    for name, upload in files.items():
        upload.stream.seek(0, 2)
        if upload.stream.tell() > limit:
            errors[name] = _("The picture can be at most %(size)s MB.") % {"size": _megabytes(limit)}
        upload.stream.seek(0)
    if errors:
        return await _profile_page(422, values=values, errors=errors)

    stored = {}
    for name, upload in files.items():
        try:
            stored[name] = await profiles.upload_image(rt.services, viewer, upload.stream)
        except RedfedError as error:
            if error.status >= 500:
                raise
            await profiles.discard_images(rt.services, viewer, list(stored.values()))
            return await _profile_page(422, values=values, errors={name: _image_error(error, limit)})
    urls = {name: rt.urls.media(media.file_key) for name, media in stored.items()}
    try:
        await profiles.update_profile(
            rt.services, viewer, display_name=display_name, bio=bio, fields=pairs, locked=values["locked"],
            discoverable=values["discoverable"], avatar_url=urls.get("avatar"), header_url=urls.get("header"),
        )
    except BaseException:
        await profiles.discard_images(rt.services, viewer, list(stored.values()))
        raise
    return saved(PROFILE_PATH)


# --- preferences -----------------------------------------------------------------------------

def language_names(locale: str) -> list[tuple[str, str]]:
    names = Locale.parse(i18n.LANGUAGES[locale][1].replace("-", "_")).languages
    return [(code, names.get(code, code)) for code in POST_LANGUAGES]


async def _preferences_page(status: int = 200, *, values: dict | None = None, errors: dict | None = None):
    rt = runtime()
    current, viewer = await signed_in()
    if values is None:
        defaults = await preferences.posting_defaults(rt.db, viewer)
        values = {
            "locale": i18n.normalise(current.session.user.locale) or current.locale, "visibility": defaults.visibility,
            "sensitive": defaults.sensitive, "language": defaults.language or "",
        }
    return await settings_page(
        "settings/preferences.html", PREFERENCES_PATH, status, values=values, errors=errors or {},
        visibilities=VISIBILITIES, post_languages=language_names(current.locale),
    )


@blueprint.get(PREFERENCES_PATH)
async def preferences_settings():
    return await _preferences_page()


@blueprint.post(PREFERENCES_PATH)
async def save_preferences():
    rt = runtime()
    current, viewer, fields = await posted_form()
    values = {
        "locale": fields.get("locale", ""), "visibility": fields.get("visibility", ""),
        "sensitive": "sensitive" in fields, "language": fields.get("language", ""),
    }
    errors = {}
    if values["locale"] not in i18n.LANGUAGES:
        errors["locale"] = _("Choose one of the languages offered.")
    if values["visibility"] not in VISIBILITIES:
        errors["visibility"] = _("Choose who can see your posts.")
    if values["language"] and values["language"] not in POST_LANGUAGES:
        errors["language"] = _("Choose one of the languages offered.")
    if errors:
        return await _preferences_page(422, values=values, errors=errors)
    await preferences.set_posting_defaults(
        rt.db, viewer, visibility=values["visibility"], sensitive=values["sensitive"], language=values["language"],
    )
    await showcase.set_locale(rt.db, current.session.user, i18n.stored_value(values["locale"]))
    response = saved(PREFERENCES_PATH)
    response.set_cookie(i18n.LANG_COOKIE, values["locale"], max_age=LANG_COOKIE_AGE, path="/", samesite="Lax",
                        secure=secure_cookies())
    return response
