"""Reporting (layer 6): POST /api/v1/reports, Mastodon's shape, answering the Report entity."""

from quart import Blueprint

from ...services.moderation import reports
from ...services.moderation.reports import ReportForm
from ..context import runtime
from . import entities
from .auth import caller, scope
from .params import Params
from .report_entities import report

blueprint = Blueprint("api_reports", __name__)


# Mastodon.py posts to the path with a trailing slash.
@blueprint.post("/api/v1/reports")
@blueprint.post("/api/v1/reports/")
@scope("write:reports")
async def create():
    params = await Params.read()
    account_id = params.record("account_id")
    if account_id is None:
        return {"error": "account_id is required"}, 422
    form = ReportForm(
        account_id=account_id,
        status_ids=params.records("status_ids"),
        comment=params.text("comment", "", max_length=reports.MAX_COMMENT) or "",
        category=params.text("category", "other", max_length=20) or "other",
        rule_ids=params.records("rule_ids"),
        forward=bool(params.flag("forward", False)),
    )
    rt = runtime()
    filed = await reports.file_report(rt.services, caller().actor, form)
    return report(filed.report, entities.account(filed.target, rt.urls))
