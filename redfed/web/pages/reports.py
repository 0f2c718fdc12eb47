"""Reporting from the pages (layer 6): the Report link on a post or a profile opens a form naming
the account and the post; sending it files the report as POST /api/v1/reports does."""

from quart import request

from ...errors import NotFound, Unprocessable
from ...services.moderation import reports
from ...services.moderation.reports import ReportForm
from ..context import runtime
from ..inputs import record_id
from .common import N_, _, blueprint, check_csrf, page, see_other, signed_in

CATEGORIES = (
    ("spam", N_("Spam")),
    ("legal", N_("Illegal content")),
    ("violation", N_("It breaks the server's rules")),
    ("other", N_("Something else")),
)


def _ids(values: list[str], limit: int = reports.MAX_POSTS) -> list[int]:
    return [record_id(v) for v in values[:limit]]


@blueprint.get("/report")
async def report_form():
    _current, viewer = await signed_in()
    account = request.args.get("account", "")
    return await _form_page(viewer, record_id(account), _ids(request.args.getlist("post")), {})


async def _form_page(viewer, account_id: int, post_ids: list[int], fields: dict, status: int = 200, error: str = ""):
    try:
        found = await reports.subject(runtime().services, viewer, account_id, post_ids)
    except Unprocessable:
        raise NotFound(_("There is nothing to report here.")) from None
    response = await page(
        "report.html", status, subject=found, categories=CATEGORIES, fields=fields, error=error,
        max_comment=reports.MAX_COMMENT,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/report")
async def send_report():
    current, viewer = await signed_in()
    posted = await request.form
    check_csrf(current, posted.get("csrf_token"))
    account_id = record_id(posted.get("account", ""))
    post_ids = _ids(posted.getlist("post"))
    fields = {key: posted.get(key, "") for key in ("category", "comment", "forward")}
    form = ReportForm(
        account_id=account_id, status_ids=post_ids, comment=fields["comment"], category=fields["category"] or "other",
        rule_ids=_ids(posted.getlist("rule")), forward=fields["forward"] == "1",
    )
    try:
        await reports.file_report(runtime().services, viewer, form)
    except Unprocessable as refused:
        problem = _("Not sent: %(problem)s") % {"problem": refused.message}
        return await _form_page(viewer, account_id, post_ids, fields, 422, problem)
    return see_other("/report/sent")


@blueprint.get("/report/sent")
async def report_sent():
    await signed_in()
    return await page("report.html", subject=None, sent=True)
