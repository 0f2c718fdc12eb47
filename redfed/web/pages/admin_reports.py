"""The moderators' pages for reports (layer 6): the queue (open or resolved), one report with its
posts and the notes moderators leave on it, taking, resolving and reopening it, and the log of
what moderators did. Admins only; every form carries the session's CSRF token."""

from quart import request

from ...services.moderation import moderating
from ..context import runtime
from ..inputs import MAX_ID
from .admin import admin_visit
from .common import N_, blueprint, check_csrf, form, page, see_other
from .reports import CATEGORIES

PAGE_SIZE = 50
# What a moderator may do to a reported account from its report: local logins are disabled,
# remote accounts suspended (services.moderation.moderating says which applies to which).
ACTIONS = (
    ("none", N_("Nothing: resolve only")), ("silence", N_("Silence")), ("disable", N_("Disable")),
    ("suspend", N_("Suspend")),
)


async def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/admin/reports")
async def admin_reports():
    current, _user = await admin_visit()
    resolved = request.args.get("state") == "resolved"
    found = await moderating.list_reports(runtime().services, current.viewer, resolved, None, PAGE_SIZE)
    return await _no_store(await page("admin/reports.html", reports=found, resolved=resolved))


@blueprint.get(f"/admin/reports/<int(max={MAX_ID}):report_id>")
async def admin_report(report_id: int):
    current, _user = await admin_visit()
    ctx = runtime().services
    shown = await moderating.get_report(ctx, current.viewer, report_id)
    notes = await moderating.list_notes(ctx, report_id)
    return await _no_store(await page(
        "admin/report.html", view=shown, notes=notes, categories=dict(CATEGORIES), actions=ACTIONS,
    ))


@blueprint.post(f"/admin/reports/<int(max={MAX_ID}):report_id>/<any(assign, unassign, resolve, reopen):step>")
async def admin_report_step(report_id: int, step: str):
    current, user = await admin_visit()
    check_csrf(current, (await form()).get("csrf_token"))
    ctx = runtime().services
    if step in ("assign", "unassign"):
        await moderating.assign(ctx, user, report_id, step == "assign")
    else:
        await moderating.resolve(ctx, user, report_id, step == "resolve")
    return see_other(f"/admin/reports/{report_id}")


@blueprint.post(f"/admin/reports/<int(max={MAX_ID}):report_id>/action")
async def admin_report_action(report_id: int):
    current, user = await admin_visit()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    ctx = runtime().services
    shown = await moderating.get_report(ctx, current.viewer, report_id)
    await moderating.act_on_account(
        ctx, user, shown.target.actor.id, fields.get("type", "none"), report_id, fields.get("text", "")[:moderating.MAX_NOTE],
    )
    return see_other(f"/admin/reports/{report_id}")


@blueprint.post(f"/admin/reports/<int(max={MAX_ID}):report_id>/notes")
async def admin_report_note(report_id: int):
    current, user = await admin_visit()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    await moderating.add_note(runtime().services, user, report_id, fields.get("content", ""))
    return see_other(f"/admin/reports/{report_id}#notes")


@blueprint.get("/admin/log")
async def admin_log():
    await admin_visit()
    entries = await moderating.list_log(runtime().services, PAGE_SIZE)
    return await _no_store(await page("admin/log.html", entries=entries))
