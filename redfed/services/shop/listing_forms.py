"""Listings from the web form (layer 4): check every field at once, upload the form's photos and
create or edit the listing through services/shop/listings.py, all or nothing.

The API takes uploads made beforehand (media ids); a form sends its photos with the listing, so
here the fields are checked first (each field's problem named, before any upload), then the photos
are uploaded, then the listing is written; when an upload or the listing fails, the uploads made
so far are deleted again.
"""

import logging
from dataclasses import dataclass, replace

from ...errors import RedfedError, Unprocessable
from ...federation import listings as ap
from ...models import Actor, Listing, Media, Post
from ...store.media import media as media_store
from ..accounts import preferences
from ..context import Context
from ..media import media
from ..social import posts
from ..social.showcase import NewPhoto
from . import listings

log = logging.getLogger(__name__)

# New photos one form submission carries; an edit adds more, up to listings.MAX_PHOTOS in all.
PHOTOS_PER_FORM = 4
# Field groups checked together, named as the form names them ("price" covers kind, amount, currency).
_GROUPS = {
    "title": ("title",), "price": ("price_kind", "price_amount", "price_currency"), "quantity": ("quantity",),
    "availability": ("availability",), "condition": ("condition",), "category": ("category",),
    "regions": ("regions",), "checkout_url": ("checkout_url",),
}


class FormErrors(Unprocessable):
    """Every field's problem at once: `fields` maps a form field to the service's message."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{name}: {text}" for name, text in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class ListingForm:
    changes: dict  # listings.FIELDS keys, as apply_changes takes them
    description: str
    photos: list[NewPhoto]  # new photos, in form order
    paid_partnership: bool
    visibility: str = "public"
    remove: frozenset[int] = frozenset()  # an edit: the ids of current photos to take off
    descriptions: dict | None = None  # an edit: new alt text of current photos, by media id
    status: str | None = None  # an edit: open, paused, sold or closed (None keeps it)


def blank_listing(seller: Actor) -> Listing:
    """An empty listing to check a new one's fields against."""
    return Listing(
        post_id=0, proposal_uri="", actor_id=seller.id, title="", price_kind="on_request", price_amount=None,
        price_currency=None, quantity=None, availability="in_stock", condition=None, category=None, regions=(),
        checkout_url=None, status="open", created_at=0, updated_at=0,
    )


def field_errors(base: Listing, form: ListingForm, photo_count: int) -> dict[str, str]:
    """Each field's problem, checked one group at a time against `base` so that one bad field
    does not hide another."""
    errors: dict[str, str] = {}
    for name, keys in _GROUPS.items():
        try:
            listings.apply_changes(base, {k: form.changes[k] for k in keys if k in form.changes})
        except Unprocessable as error:
            errors[name] = error.message
    if len(form.description) > listings.MAX_DESCRIPTION:
        errors["description"] = f"description is longer than {listings.MAX_DESCRIPTION} characters"
    if form.status is not None and form.status not in ap.STATUSES:
        errors["status"] = f"status must be one of {', '.join(ap.STATUSES)}"
    if form.visibility not in listings.VISIBILITIES:
        errors["visibility"] = "a listing is public or unlisted"
    for number, photo in enumerate(form.photos, 1):
        try:
            media.check_description(photo.description)
        except Unprocessable as error:
            errors[f"photo{number}"] = error.message
    if len(form.photos) > PHOTOS_PER_FORM:
        errors["photos"] = f"at most {PHOTOS_PER_FORM} new photos at a time"
    elif photo_count > listings.MAX_PHOTOS:
        errors["photos"] = f"a listing has at most {listings.MAX_PHOTOS} photos"
    return errors


async def create(ctx: Context, seller: Actor, form: ListingForm) -> tuple[Listing, Post]:
    """A new listing from the form. Raises FormErrors naming the bad fields, or what the media and
    listing services raise; nothing is kept on any error."""
    posts.check_can_post(seller)
    errors = field_errors(blank_listing(seller), form, len(form.photos))
    if "title" not in form.changes or not str(form.changes["title"] or "").strip():
        errors.setdefault("title", "a listing needs a title")
    if errors:
        raise FormErrors(errors)
    language = (await preferences.posting_defaults(ctx.db, seller)).language
    return await _with_uploads(ctx, seller, form.photos, lambda uploaded: listings.create_listing(
        ctx, seller, form.changes, form.description, media=uploaded, visibility=form.visibility, language=language,
        paid_partnership=form.paid_partnership,
    ))


async def current_photos(ctx: Context, post: Post) -> list[Media]:
    return (await media_store.list_for_posts(ctx.db.reader, [post.id])).get(post.id, [])


async def edit(ctx: Context, seller: Actor, listing_id: int, form: ListingForm) -> tuple[Listing, Post]:
    """Save the edit form: fields, description, the photos not removed (in their order) and the new ones; an
    Update reaches the seller's followers through listings.edit_listing, as an API edit does."""
    listing, post = await listings.own_listing(ctx, seller, listing_id)
    kept = [m for m in await current_photos(ctx, post) if m.id not in form.remove]
    errors = field_errors(listing, form, len(kept) + len(form.photos))
    described = []
    for photo in kept:
        text = (form.descriptions or {}).get(photo.id, photo.description)
        try:
            described.append(replace(photo, description=media.check_description(text)))
        except Unprocessable as error:
            errors[f"alt_{photo.id}"] = error.message
    kept = described
    if errors:
        raise FormErrors(errors)
    return await _with_uploads(ctx, seller, form.photos, lambda uploaded: listings.edit_listing(
        ctx, seller, listing.post_id, form.changes, description=form.description, media=kept + uploaded,
        paid_partnership=form.paid_partnership, status=form.status,
    ))


async def _with_uploads(ctx: Context, seller: Actor, photos: list[NewPhoto], write):
    """Upload `photos`, then `write(uploaded)`; on any failure the uploads are deleted again. A
    photo that fails is named by its number (FormErrors), so the form can show it beside that photo."""
    uploaded: list[Media] = []
    try:
        for number, photo in enumerate(photos, 1):
            try:
                done = (await media.upload(ctx, seller, photo.file, description=photo.description)).media
            except Unprocessable as error:
                raise FormErrors({f"photo{number}": error.message}) from error
            uploaded.append(done)
            if done.type != "image":
                raise FormErrors({f"photo{number}": "a listing's media must be photos"})
        return await write(uploaded)
    except BaseException:
        for done in uploaded:
            try:
                await media.delete(ctx, seller, done.id)
            except RedfedError:
                log.warning("could not remove upload %s of a failed listing form", done.id)
        raise


def form_values(listing: Listing, post: Post) -> dict:
    """A listing's fields as the form shows them."""
    return {
        "title": listing.title, "description": post.source or "", "price_kind": listing.price_kind,
        "price_amount": listing.price_amount or "", "price_currency": listing.price_currency or "",
        "quantity": "" if listing.quantity is None else str(listing.quantity), "availability": listing.availability,
        "condition": listing.condition or "", "category": listing.category or "",
        "regions": "\n".join(listing.regions), "checkout_url": listing.checkout_url or "",
        "paid_partnership": post.paid_partnership, "visibility": post.visibility, "status": listing.status,
    }
