"""The listing form pages (layer 6): a seller creates a listing at /listings/new, edits it at
/listings/ID/edit and deletes it after a confirm step at /listings/ID/delete.

The form carries its photos (PHOTOS_PER_FORM new ones per save; an edit adds more, up to the
20 a listing may have). services/shop/listing_forms.py checks every field before anything is uploaded
and removes the uploads again when a later check fails; edits go through listings.edit_listing,
the API's own, so followers receive an Update.
"""

from babel.numbers import get_currency_name
from quart import request
from werkzeug.exceptions import RequestEntityTooLarge

from ...errors import NotFound, RedfedError
from ...federation import listings as ap
from ...services.shop import listing_forms, listings
from ...services.shop.listing_forms import PHOTOS_PER_FORM, FormErrors, ListingForm
from ...services.social import showcase
from .. import i18n
from ..context import runtime
from . import listing_text
from .common import _, blueprint, check_csrf, form, listing_form_limit, page, see_other, signed_in

MAX_ROW_ID = 2**63 - 1
# Offered first in the currency list; every other ISO 4217 code follows in alphabetical order.
COMMON_CURRENCIES = ("CNY", "USD", "EUR", "GBP", "JPY", "HKD", "TWD", "KRW", "SGD", "CAD", "AUD", "CHF", "INR")
MAX_TEXT = 20_000  # longer text is cut before checking: the service refuses anything near it anyway


def _listing_id(value: str) -> int:
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()) or int(value) > MAX_ROW_ID:
        raise NotFound(_("No such listing."))
    return int(value)


def _photo_mb() -> str:
    return f"{runtime().config.media.max_image_bytes / 1024 / 1024:.4g}"


def _currencies(locale: str) -> list[tuple[str, str]]:
    babel_locale = locale if locale in i18n.LANGUAGES else i18n.DEFAULT
    rest = sorted(set(ap.CURRENCY_MINOR_UNITS) - set(COMMON_CURRENCIES))
    return [(code, f"{code} · {get_currency_name(code, locale=babel_locale)}") for code in (*COMMON_CURRENCIES, *rest)]


def _field_error(name: str, message: str) -> str:
    """A service's message about one field, in the visitor's language."""
    if name.startswith(("photo", "alt_")) and name != "photos":
        if message.startswith("Validation failed: File file size"):
            return _("Each photo can be at most %(size)s MB.") % {"size": _photo_mb()}
        if message.startswith("Validation failed: Description is too long"):
            return _("A description is too long.")
        return _("That file is not a photo we can read.")
    if name == "price":
        return _price_error(message)
    known = {
        "title": _("Give the listing a title of at most %(num)d characters.") % {"num": ap.MAX_TITLE},
        "description": _("The description can be at most %(num)d characters.") % {"num": listings.MAX_DESCRIPTION},
        "quantity": _("Enter the quantity as a whole number from 0 to %(max)s, or leave it empty.")
        % {"max": f"{listings.MAX_QUANTITY:,}"},
        "availability": _("Choose one of the options."),
        "condition": _("Choose one of the options."),
        "visibility": _("Choose one of the options."),
        "status": _("Choose one of the options."),
        "category": _("The category can be at most 100 characters."),
        "regions": _("Enter at most %(num)d regions, one a line, each at most 100 characters.") % {"num": ap.MAX_REGIONS},
        "checkout_url": _("Enter a link that starts with https:// or http://."),
        "photos": _("A listing can have at most %(num)d photos, and a form adds at most %(new)d at a time.")
        % {"num": listings.MAX_PHOTOS, "new": PHOTOS_PER_FORM},
    }
    return known.get(name, message)


def _price_error(message: str) -> str:
    if message.startswith("unknown currency"):
        return _("Choose a currency from the list.")
    if message == "price cannot be negative":
        return _("A price cannot be negative.")
    if message.startswith("price is too high"):
        return _("A price can be at most %(max)s.") % {"max": f"{ap.MAX_PRICE:,}"}
    if " prices have " in message:
        return _("This currency does not allow that many decimal places.")
    if message.startswith("price kind"):
        return _("Choose one of the options.")
    return _("Enter a price such as 12.50, or choose free or price on request.")


async def _render(status: int, *, listing=None, post=None, fields: dict, errors: dict | None = None,
                  alert: str | None = None, photos=()):
    rt = runtime()
    current, _viewer = await signed_in()
    return await page(
        "listing_form.html", status, listing=listing, post=post, fields=fields, errors=errors or {},
        alert=alert, current_photos=photos, photos_per_form=PHOTOS_PER_FORM, max_photos=listings.MAX_PHOTOS,
        max_photo_mb=_photo_mb(), currencies=_currencies(current.locale), price_kinds=ap.PRICE_KINDS, options=_options(),
        max_title=ap.MAX_TITLE, max_description=listings.MAX_DESCRIPTION, media_url=rt.urls.media,
    )


def _options() -> dict[str, list[tuple[str, str]]]:
    """The choices of the form's select fields, named in the visitor's language."""
    return {
        "availability": [("in_stock", _("In stock")), ("sold_out", _("Sold out")), ("made_to_order", _("Made to order"))],
        "condition": [("", _("Not stated")), ("new", _("New")), ("used", _("Used")), ("refurbished", _("Refurbished"))],
        "visibility": [("public", _("Everyone")), ("unlisted", _("Everyone, but not on Explore"))],
        "status": [("open", _("Open for offers")), ("paused", _("Paused")), ("sold", _("Sold")), ("closed", _("Closed"))],
    }


def _default_fields(locale: str) -> dict:
    return {"price_kind": "fixed", "price_currency": "CNY" if locale.startswith("zh") else "USD",
            "availability": "in_stock", "visibility": "public"}


async def _read_form() -> tuple[dict, list, list[str]] | None:
    """The posted fields (text cut to MAX_TEXT), the new photos and the ids of photos to remove;
    None when the body is larger than the form allows."""
    try:
        posted = await request.form
        uploaded = await request.files
    except RequestEntityTooLarge:
        return None
    fields = {key: posted.get(key, "")[:MAX_TEXT] for key in posted}
    photos = []
    for number in range(1, PHOTOS_PER_FORM + 1):
        upload = uploaded.get(f"photo{number}")
        if upload is not None and upload.filename:
            upload.stream.seek(0)
            photos.append(showcase.NewPhoto(upload.stream, fields.get(f"alt{number}", "")))
    return fields, photos, posted.getlist("remove")


def _listing_form(fields: dict, photos: list, removed: list[str], *, creating: bool) -> ListingForm:
    changes = {name: fields.get(name, "") for name in (
        "title", "price_kind", "price_amount", "price_currency", "quantity", "availability", "condition", "category",
        "checkout_url",
    )}
    changes["regions"] = [line.strip() for line in fields.get("regions", "").splitlines() if line.strip()]
    return ListingForm(
        changes=changes, description=fields.get("description", ""), photos=photos,
        paid_partnership=fields.get("paid_partnership") == "1",
        visibility=fields.get("visibility", "public") if creating else "public",
        status=None if creating or "status" not in fields else fields["status"],
        remove=frozenset(int(i) for i in removed if i.isascii() and i.isdigit() and len(i) <= 19),
        descriptions={int(k[4:]): v for k, v in fields.items() if k.startswith("alt_") and k[4:].isascii()
                      and k[4:].isdigit() and len(k) <= 23},
    )


def _too_large() -> str:
    limit = listing_form_limit(runtime().config) / 1024 / 1024
    return _("The photos are too large together: at most %(size)s MB in all, and %(each)s MB each.") % {
        "size": f"{limit:.4g}", "each": _photo_mb()}


def _errors(error: FormErrors) -> dict[str, str]:
    return {name: _field_error(name, message) for name, message in error.fields.items()}


@blueprint.get("/listings/new")
async def new_listing():
    current, _viewer = await signed_in()
    return await _render(200, fields=_default_fields(current.locale))


@blueprint.post("/listings/new")
async def create_listing():
    rt = runtime()
    current, viewer = await signed_in()
    read = await _read_form()
    if read is None:
        return await _render(413, fields=_default_fields(current.locale), alert=_too_large())
    fields, photos, _removed = read
    check_csrf(current, fields.get("csrf_token"))
    try:
        listing, post = await listing_forms.create(rt.services, viewer, _listing_form(fields, photos, [], creating=True))
    except FormErrors as error:
        return await _render(422, fields=fields, errors=_errors(error), alert=_alert(photos))
    except RedfedError as error:
        if error.status >= 500 or error.status in (403, 404):
            raise
        return await _render(422, fields=fields, alert=error.message)
    return see_other(listing_text.listing_path(listing, post.is_local))


def _alert(photos: list) -> str:
    text = _("The listing was not saved. Correct the fields marked below.")
    if photos:
        text += " " + _("Choose the new photos again: a browser does not send them twice.")
    return text


async def _own(viewer, listing_id: str):
    try:
        return await listings.own_listing(runtime().services, viewer, _listing_id(listing_id))
    except NotFound:
        raise NotFound(_("No such listing.")) from None


@blueprint.get("/listings/<listing_id>/edit")
async def edit_listing(listing_id: str):
    rt = runtime()
    _current, viewer = await signed_in()
    listing, post = await _own(viewer, listing_id)
    photos = await listing_forms.current_photos(rt.services, post)
    return await _render(200, listing=listing, post=post, fields=listing_forms.form_values(listing, post), photos=photos)


@blueprint.post("/listings/<listing_id>/edit")
async def save_listing(listing_id: str):
    rt = runtime()
    current, viewer = await signed_in()
    read = await _read_form()
    listing, post = await _own(viewer, listing_id)
    photos_now = await listing_forms.current_photos(rt.services, post)
    if read is None:
        return await _render(413, listing=listing, post=post, fields=listing_forms.form_values(listing, post),
                             photos=photos_now, alert=_too_large())
    fields, photos, removed = read
    check_csrf(current, fields.get("csrf_token"))
    fields["remove"] = removed
    try:
        listing, post = await listing_forms.edit(
            rt.services, viewer, listing.post_id, _listing_form(fields, photos, removed, creating=False))
    except FormErrors as error:
        return await _render(422, listing=listing, post=post, fields=fields, errors=_errors(error),
                             alert=_alert(photos), photos=photos_now)
    except RedfedError as error:
        if error.status >= 500 or error.status in (403, 404):
            raise
        return await _render(422, listing=listing, post=post, fields=fields, alert=error.message, photos=photos_now)
    return see_other(listing_text.listing_path(listing, post.is_local))


@blueprint.get("/listings/<listing_id>/delete")
async def confirm_delete(listing_id: str):
    _current, viewer = await signed_in()
    listing, post = await _own(viewer, listing_id)
    return await page("listing_delete.html", listing=listing, post=post,
                      path=listing_text.listing_path(listing, post.is_local))


@blueprint.post("/listings/<listing_id>/delete")
async def delete_listing(listing_id: str):
    rt = runtime()
    current, viewer = await signed_in()
    check_csrf(current, (await form()).get("csrf_token"))
    listing, _post = await _own(viewer, listing_id)
    await listings.delete_listing(rt.services, viewer, listing.post_id)
    return see_other(listing_text.shop_path(viewer))

