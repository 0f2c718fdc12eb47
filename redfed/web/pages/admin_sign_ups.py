"""Admin pages for who may join (layer 6): the instance settings (name, descriptions, rules,
registration mode), pending sign-ups to approve or reject, and invite codes. Admins only; every
form carries the session's CSRF token."""

import dataclasses

from quart import request

from ...errors import Forbidden, Unprocessable
from ...services.moderation import instance_settings, sign_ups
from ..context import runtime
from ..inputs import MAX_ID
from .common import N_, _, blueprint, check_csrf, form, page, see_other, signed_in

NEW_RULE_ROWS = 3
INVITE_USES = (1, 5, 10, 25, 50, 100)
# (seconds, label) as Mastodon offers them.
INVITE_EXPIRY = (
    (1800, N_("30 minutes")), (3600, N_("1 hour")), (6 * 3600, N_("6 hours")), (12 * 3600, N_("12 hours")),
    (86400, N_("1 day")), (7 * 86400, N_("1 week")), (0, N_("Never")),
)
MODE_LABELS = (
    ("open", N_("Open: anyone can sign up")),
    ("approval", N_("Approval: an admin approves each sign-up")),
    ("invite", N_("Invite: people need an invite code")),
    ("closed", N_("Closed: only admins create accounts")),
)


async def _admin():
    current, viewer = await signed_in()
    if not current.session.user.is_admin:
        raise Forbidden(_("Only administrators can open this page."))
    return current, viewer


def _positive(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


# --- settings ----------------------------------------------------------------------------------


@blueprint.get("/admin/settings")
async def admin_settings():
    await _admin()
    rt = runtime()
    settings = await instance_settings.current(rt.db, rt.config)
    return await _settings_page(settings, saved=request.args.get("saved") == "1")


async def _settings_page(settings, *, status: int = 200, error: str | None = None, saved: bool = False):
    rows = [(rule.id, rule.text, rule.hint) for rule in settings.rules] + [(None, "", "")] * NEW_RULE_ROWS
    response = await page(
        "admin/instance_settings.html", status, settings=settings, rule_rows=rows, modes=MODE_LABELS, error=error,
        saved=saved,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/admin/settings")
async def save_admin_settings():
    current, _viewer = await _admin()
    rt = runtime()
    posted = await request.form
    check_csrf(current, posted.get("csrf_token"))
    ids, texts, hints, positions = (posted.getlist(name) for name in ("rule_id", "rule_text", "rule_hint", "rule_position"))
    rows = []
    for index, text in enumerate(texts[: instance_settings.MAX_RULES + NEW_RULE_ROWS]):
        position = _positive(positions[index]) if index < len(positions) else None
        rule_id = _positive(ids[index]) if index < len(ids) else None
        hint = hints[index] if index < len(hints) else ""
        rows.append((index if position is None else position, index, (rule_id, text, hint)))
    rules = [rule for _position, _index, rule in sorted(rows, key=lambda row: row[:2])]
    settings_form = instance_settings.SettingsForm(
        name=posted.get("name", ""), description=posted.get("description", ""), about=posted.get("about", ""),
        registration_mode=posted.get("registration_mode", ""), sign_up_message=posted.get("sign_up_message", ""),
        rules=rules,
    )
    try:
        await instance_settings.update(rt.db, settings_form, rt.services.now_ms())
    except Unprocessable as refused:
        # Show the form as it was sent, so nothing typed is lost.
        saved = await instance_settings.current(rt.db, rt.config)
        typed = dataclasses.replace(
            saved, name=settings_form.name, description=settings_form.description, about=settings_form.about,
            registration_mode=settings_form.registration_mode, sign_up_message=settings_form.sign_up_message,
            rules=tuple(instance_settings.Rule(rule_id or 0, text, hint) for rule_id, text, hint in rules if text),
        )
        problem = _("Not saved: %(problem)s") % {"problem": refused.message}
        return await _settings_page(typed, status=422, error=problem)
    return see_other("/admin/settings?saved=1")


# --- sign-ups ----------------------------------------------------------------------------------


@blueprint.get("/admin/sign_ups")
async def admin_sign_ups():
    await _admin()
    pending = await sign_ups.pending_sign_ups(runtime().db)
    response = await page("admin/sign_ups.html", pending=pending, done=request.args.get("done", ""))
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post(f"/admin/sign_ups/<int(max={MAX_ID}):user_id>/<any(approve, reject):action>")
async def decide_sign_up(user_id: int, action: str):
    current, _viewer = await _admin()
    check_csrf(current, (await form()).get("csrf_token"))
    db = runtime().db
    if action == "approve":
        await sign_ups.approve(db, user_id)
    else:
        await sign_ups.reject(db, user_id)
    return see_other(f"/admin/sign_ups?done={action}")


# --- invites -----------------------------------------------------------------------------------


@blueprint.get("/admin/invites")
async def admin_invites():
    await _admin()
    return await _invites_page()


async def _invites_page(status: int = 200, error: str | None = None):
    rt = runtime()
    response = await page(
        "admin/invites.html", status, invites=await sign_ups.list_invites(rt.db), now=rt.services.now_ms(),
        uses_choices=INVITE_USES, expiry_choices=INVITE_EXPIRY, base=rt.urls.base, error=error,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/admin/invites")
async def create_invite():
    current, _viewer = await _admin()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    rt = runtime()
    now = rt.services.now_ms()
    max_uses = _positive(fields.get("max_uses", ""))
    seconds = _positive(fields.get("expires_in", ""))
    if seconds is None or (max_uses is None and fields.get("max_uses") != "0"):
        return await _invites_page(422, _("Choose how many uses and when the invite expires."))
    try:
        await sign_ups.create_invite(
            rt.db, current.session.user, max_uses or None, now + seconds * 1000 if seconds else None, now
        )
    except Unprocessable:
        return await _invites_page(422, _("Choose how many uses and when the invite expires."))
    return see_other("/admin/invites")


@blueprint.post(f"/admin/invites/<int(max={MAX_ID}):invite_id>/revoke")
async def revoke_invite(invite_id: int):
    current, _viewer = await _admin()
    check_csrf(current, (await form()).get("csrf_token"))
    rt = runtime()
    await sign_ups.revoke_invite(rt.db, invite_id, rt.services.now_ms())
    return see_other("/admin/invites")
