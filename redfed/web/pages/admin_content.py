"""The admin's pages for what the instance offers everyone (layer 6): its custom emoji (add with
an image, file under a category, show or hide in pickers, remove) and its announcements (publish
now or from a later moment until an end, withdraw). Admins only; every form carries the CSRF token;
a refused form keeps what was typed and says why."""

import io
from datetime import datetime, timezone

from quart import request

from ...errors import NotFound, RedfedError
from ...services.announcements import announcements
from ...services.emoji import emojis
from ..context import runtime
from .admin import admin_visit
from .common import _, blueprint, check_csrf, form, page, see_other

EMOJI_PATH = "/admin/emoji"
ANNOUNCEMENTS_PATH = "/admin/announcements"


async def _emoji_page(status: int = 200, *, error: str | None = None, fields: dict | None = None):
    found = await emojis.list_local(runtime().db)
    return await page("admin/emoji.html", emojis=found, error=error, fields=fields or {}), status


@blueprint.get(EMOJI_PATH)
async def emoji_page():
    await admin_visit()
    return await _emoji_page()


@blueprint.post(EMOJI_PATH)
async def add_emoji():
    current, user = await admin_visit()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    upload = (await request.files).get("image")
    data = upload.read(emojis.MAX_IMAGE_BYTES + 1) if upload else b""
    if not data:
        return await _emoji_page(422, error=_("Choose an image for the emoji."), fields=fields)
    if len(data) > emojis.MAX_IMAGE_BYTES:
        return await _emoji_page(422, error=_("An emoji's image can be at most 256 KB."), fields=fields)
    try:
        await emojis.add(runtime().services, current.viewer, fields.get("shortcode", "").strip(":"),
                         io.BytesIO(data), fields.get("category", "").strip() or None)
    except RedfedError as refused:
        return await _emoji_page(422, error=refused.message, fields=fields)
    return see_other(EMOJI_PATH)


@blueprint.post(f"{EMOJI_PATH}/<shortcode>")
async def change_emoji(shortcode: str):
    current, _user = await admin_visit()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    try:
        if fields.get("remove"):
            await emojis.remove(runtime().services, shortcode)
        else:
            await emojis.change(runtime().services, shortcode, fields.get("category", "").strip() or None,
                                visible_in_picker=bool(fields.get("visible")))
    except NotFound:
        raise NotFound(_("No such emoji.")) from None
    except RedfedError as refused:
        return await _emoji_page(422, error=refused.message)
    return see_other(EMOJI_PATH)


def _instant(text: str) -> int | None:
    """A datetime-local field's value, read as UTC, in ms; None when empty or not a time."""
    try:
        moment = datetime.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None
    return int(moment.replace(tzinfo=timezone.utc).timestamp() * 1000) if moment else None


async def _announcements_page(status: int = 200, *, error: str | None = None, fields: dict | None = None):
    found = await announcements.list_all(runtime().db)
    return await page("admin/announcements.html", announcements=found, error=error, fields=fields or {},
                      now=runtime().services.now_ms()), status


@blueprint.get(ANNOUNCEMENTS_PATH)
async def announcements_page():
    await admin_visit()
    return await _announcements_page()


@blueprint.post(ANNOUNCEMENTS_PATH)
async def publish_announcement():
    current, _user = await admin_visit()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    shown_from, until = _instant(fields.get("starts_at", "")), _instant(fields.get("ends_at", ""))
    try:
        await announcements.publish(
            runtime().db, fields.get("text", ""), runtime().services.now_ms(), published_at=shown_from,
            starts_at=shown_from, ends_at=until,
        )
    except RedfedError as refused:
        return await _announcements_page(422, error=refused.message, fields=fields)
    return see_other(ANNOUNCEMENTS_PATH)


@blueprint.post(f"{ANNOUNCEMENTS_PATH}/<int:announcement_id>/remove")
async def withdraw_announcement(announcement_id: int):
    current, _user = await admin_visit()
    check_csrf(current, (await form()).get("csrf_token"))
    try:
        await announcements.withdraw(runtime().db, announcement_id)
    except NotFound:
        raise NotFound(_("No such announcement.")) from None
    return see_other(ANNOUNCEMENTS_PATH)
