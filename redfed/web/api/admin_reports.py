"""The moderators' side of reports in the Mastodon admin API (layer 6): /api/v1/admin/reports
(list, show, assign_to_self, unassign, resolve, reopen; scopes admin:read:reports and
admin:write:reports) and /api/v1/admin/accounts/:id/action (admin:write:accounts). Only
moderators (admins) get past `moderator()`; everyone else is 403."""

from quart import Blueprint

from ...services.moderation import moderating
from ..context import runtime
from ..inputs import record_id
from .auth import caller, moderator, scope
from .pagination import link_header, read_page
from .params import Params
from .report_entities import admin_report

blueprint = Blueprint("api_admin_reports", __name__)


async def _shown(report_id: int) -> dict:
    rt = runtime()
    return admin_report(await moderating.get_report(rt.services, caller().actor, report_id), rt.urls)


@blueprint.get("/api/v1/admin/reports")
@scope("admin:read:reports")
async def index():
    moderator()
    params = Params.query()
    # As on Mastodon: open reports unless `resolved` is given.
    resolved = params.has("resolved") and bool(params.flag("resolved", True))
    page = read_page(default=100, maximum=200)
    rt = runtime()
    found = await moderating.list_reports(rt.services, caller().actor, resolved, page.max_id, page.limit)
    return [admin_report(v, rt.urls) for v in found], 200, link_header([v.report.id for v in found])


@blueprint.get("/api/v1/admin/reports/<report_id>")
@scope("admin:read:reports")
async def show(report_id: str):
    moderator()
    return await _shown(record_id(report_id))


@blueprint.post("/api/v1/admin/reports/<report_id>/assign_to_self")
@scope("admin:write:reports")
async def assign_to_self(report_id: str):
    return await _step(report_id, lambda ctx, user, found: moderating.assign(ctx, user, found, True))


@blueprint.post("/api/v1/admin/reports/<report_id>/unassign")
@scope("admin:write:reports")
async def unassign(report_id: str):
    return await _step(report_id, lambda ctx, user, found: moderating.assign(ctx, user, found, False))


@blueprint.post("/api/v1/admin/reports/<report_id>/resolve")
@scope("admin:write:reports")
async def resolve(report_id: str):
    return await _step(report_id, lambda ctx, user, found: moderating.resolve(ctx, user, found, True))


@blueprint.post("/api/v1/admin/reports/<report_id>/reopen")
@scope("admin:write:reports")
async def reopen(report_id: str):
    return await _step(report_id, lambda ctx, user, found: moderating.resolve(ctx, user, found, False))


async def _step(report_id: str, act) -> dict:
    """One moderator's step on a report, answered with the report as it now is."""
    await act(runtime().services, moderator(), record_id(report_id))
    return await _shown(record_id(report_id))


@blueprint.post("/api/v1/admin/accounts/<account_id>/action")
@scope("admin:write:accounts")
async def account_action(account_id: str):
    user = moderator()  # before reading anything a stranger sent
    params = await Params.read()
    await moderating.act_on_account(
        runtime().services, user, record_id(account_id),
        params.text("type", "none", max_length=20) or "none", params.record("report_id"),
        params.text("text", "", max_length=moderating.MAX_NOTE) or "",
    )
    return {}
