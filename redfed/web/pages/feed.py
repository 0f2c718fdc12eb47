"""Pages for a signed-in person (layer 6): the home feed, compose, and the like, boost and reply
forms on every post card. Each POST checks the session's CSRF token before anything is stored."""

from quart import request
from werkzeug.exceptions import RequestEntityTooLarge

from ...errors import NotFound, RedfedError
from ...models import VISIBILITIES, Media
from ...services import views
from ...services.accounts import preferences
from ...services.announcements import announcements
from ...services.discovery import remote_interaction
from ...services.media import media_files
from ...services.responses import quotes
from ...services.social import compose as compose_service
from ...services.social import interactions, posts, showcase, statuses
from .. import i18n
from ..context import runtime
from ..view_counts import posts_listed
from . import photo_choices
from .cards import card, cards
from .common import (
    _, blueprint, check_csrf, compose_limit, form, page, safe_next, see_other, signed_in,
)
from .settings_profile import POST_LANGUAGES, language_names

MAX_ROW_ID = 2**63 - 1


def _post_id(value: str | None) -> int | None:
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()) or int(value) > MAX_ROW_ID:
        return None
    return int(value)


@blueprint.get("/home")
async def home():
    rt = runtime()
    _current, viewer = await signed_in()
    feed = await showcase.home_feed(rt.services, viewer, _post_id(request.args.get("max_id")))
    older = feed[-1].post.id if len(feed) == showcase.PAGE_SIZE else None
    posts_listed(feed, viewer, "home")
    layout = await preferences.home_layout(rt.db, viewer)
    notices = await announcements.shown_to(rt.db, viewer, rt.services.now_ms())
    return await page(
        "home.html", cards=cards(feed, rt.urls), older=older, layout=layout, layouts=preferences.HOME_LAYOUTS,
        announcements=notices,
    )


@blueprint.post("/home/layout")
async def choose_home_layout():
    """Show the home feed as a list or a grid, from now on (kept with the account)."""
    rt = runtime()
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    await preferences.set_home_layout(rt.db, viewer, fields.get("layout", ""))
    return see_other("/home")


async def _compose_page(status: int = 200, *, error: str | None = None, fields: dict | None = None, parent=None,
                        photos: list[Media] = ()):
    rt = runtime()
    current, viewer = await signed_in()
    fields = fields or {}
    defaults = await preferences.posting_defaults(rt.db, viewer)
    fields.setdefault("visibility", defaults.visibility)
    # The author's posting language, else the language of their pages.
    fields.setdefault("language", defaults.language or i18n.stored_value(current.locale).split("-")[0])
    quoted = await _parent(viewer, fields.get("quote"))  # the post a quote quotes, shown as a card
    return await page(
        "compose.html", status, error=error, fields=fields, parent=parent, quoted=quoted,
        max_photos=rt.config.media.max_attachments, post_languages=language_names(current.locale),
        photos=[photo_choices.shown(photo, rt.urls) for photo in photos],
        visibilities=VISIBILITIES, max_characters=posts.MAX_CHARACTERS,
        max_photo_mb=f"{rt.config.media.max_image_bytes / 1024 / 1024:.4g}",
    )


async def _parent(viewer, value: str | None):
    """The post replied to, as a card, if the viewer may see it."""
    post_id = _post_id(value)
    if post_id is None:
        return None
    rt = runtime()
    post = await statuses.visible_post(rt.services, post_id, viewer)
    return card(await views.status_view(rt.db, post, viewer), rt.urls)


@blueprint.get("/compose")
async def compose_page():
    _current, viewer = await signed_in()
    parent = await _parent(viewer, request.args.get("in_reply_to"))
    if parent is None and request.args.get("in_reply_to_uri"):
        parent = await _parent_by_uri(viewer, request.args["in_reply_to_uri"])
    fields = {"quote": request.args.get("quote", "")[:20]}
    if parent:
        fields["in_reply_to"] = str(parent.post.id)
        # A reply starts by mentioning the author, as on Mastodon, so that they are notified.
        if parent.author.id != viewer.id:
            fields["text"] = f"@{parent.author.username if parent.author.is_local else parent.author.handle} "
    # FEP-3b86's Create intent (our WebFinger publishes it) fills the form in from another site;
    # nothing is posted until the person presses Publish.
    fields["text"] = (fields.get("text", "") + request.args.get("text", ""))[: posts.MAX_CHARACTERS]
    return await _compose_page(fields=fields, parent=parent)


async def _parent_by_uri(viewer, uri: str):
    """The post at a URL (fetched from its server if need be), as a card, if the viewer may see it."""
    rt = runtime()
    found = await remote_interaction.authorize_target(rt.services, viewer, uri)
    return card(found.status, rt.urls) if found and found.status else None


def _error_text(error: RedfedError, max_photo_mb: str) -> str:
    """Errors of the post and media services in the visitor's language."""
    message = error.message
    known = {
        "a post needs some text or media": _("Write something or add a photo."),
        f"text is longer than {posts.MAX_CHARACTERS} characters": _("Your post is too long."),
        media_files.FILE_TYPE_ERROR: _("That file is not a photo we can read."),
    }
    if message.startswith("Validation failed: File file size"):
        return _("Each photo can be at most %(size)s MB.") % {"size": max_photo_mb}
    if message.startswith("Validation failed: Description is too long"):
        return _("A description is too long.")
    if message.startswith("Cannot attach more than"):
        return _("A post can have at most %(num)d photos.") % {"num": runtime().config.media.max_attachments}
    return known.get(message, message)


@blueprint.post("/compose")
async def compose():
    """Publish, or (the "add" button, for browsers without script) stage the chosen photos and show
    the form again to describe and order them. Either way a form sent back keeps its photos."""
    rt = runtime()
    current, viewer = await signed_in()
    max_photo_mb = f"{rt.config.media.max_image_bytes / 1024 / 1024:.4g}"
    try:
        posted = await request.form
        uploaded = await request.files
    except RequestEntityTooLarge:
        limit = compose_limit(rt.config) / 1024 / 1024
        return await _compose_page(
            413, error=_("The photos are too large together: at most %(size)s MB in all, and %(each)s MB each.")
            % {"size": f"{limit:.4g}", "each": max_photo_mb},
        )
    fields = {key: posted.get(key, "") for key in posted}
    check_csrf(current, fields.get("csrf_token"))
    parent = await _parent(viewer, fields.get("in_reply_to"))
    visibility = fields.get("visibility") if fields.get("visibility") in VISIBILITIES else "public"
    choices = compose_service.arrange(photo_choices.from_form(posted, uploaded), fields.get("cover"))
    removed = photo_choices.removed(posted)
    if any(photo_choices.too_large(choice, rt.config.media) for choice in choices):
        # None of the new files is kept then; the photos staged before still are.
        kept = await compose_service.stage(rt.services, viewer, [c for c in choices if c.file is None], removed)
        error = _("Each photo can be at most %(size)s MB.") % {"size": max_photo_mb}
        return await _compose_page(413, error=error, fields=fields, parent=parent, photos=kept.media)
    staged = await compose_service.stage(rt.services, viewer, choices, removed)
    if staged.error is not None:
        return await _compose_page(422, error=_error_text(staged.error, max_photo_mb), fields=fields, parent=parent,
                                   photos=staged.media)
    if fields.get("action") == "add":
        return await _compose_page(fields=fields, parent=parent, photos=staged.media)
    try:
        quoted = await _parent(viewer, fields.get("quote"))
        await compose_service.publish(
            rt.services, viewer, fields.get("text", ""), staged.media, visibility=visibility,
            summary=fields.get("summary", ""), in_reply_to=parent.post if parent else None,
            quote=await quotes.prepare(rt.services, viewer, quoted.post) if quoted else None,
            language=fields.get("language") if fields.get("language") in POST_LANGUAGES else None,
        )
    except RedfedError as error:
        if error.status >= 500:
            raise
        return await _compose_page(422, error=_error_text(error, max_photo_mb), fields=fields, parent=parent,
                                   photos=staged.media)
    return see_other(f"/@{viewer.username}")


@blueprint.post("/posts/<post_id>/<any(like, unlike, boost, unboost, bookmark, unbookmark):action>")
async def interact(post_id: str, action: str):
    rt = runtime()
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    found = _post_id(post_id)
    if found is None:
        raise NotFound(_("No such post."))
    post = await statuses.visible_post(rt.services, found, viewer)
    handlers = {
        "like": interactions.like, "unlike": interactions.unlike,
        "boost": interactions.boost, "unboost": interactions.unboost,
        "bookmark": lambda ctx, viewer, post: statuses.bookmark(ctx, viewer, post, True),
        "unbookmark": lambda ctx, viewer, post: statuses.bookmark(ctx, viewer, post, False),
    }
    await handlers[action](rt.services, viewer, post)
    return see_other(safe_next(fields.get("next"), "/home"))
