"""The deals page (layer 6): a signed-in person's offers as buyer and as seller, and the seller's
answers - accept, reject with a reason, mark paid - through the deals service, so each answer
federates to the buyer's server. Every form checks the session's CSRF token first."""

from quart import request

from ...errors import NotFound, RedfedError
from ...services.shop import deals, shop
from ..context import runtime
from .common import N_, _, blueprint, check_csrf, form, page, see_other, signed_in

MAX_ROW_ID = 2**63 - 1
MAX_REASON = deals.MAX_REASON
_ACTIONS = {"accept": deals.accept, "paid": deals.mark_paid}

ANSWER_ERRORS = {
    "only the seller can answer an offer or mark it paid": N_("Only the seller can answer an offer or mark it paid."),
    "this listing is sold out": N_("This listing is sold out."),
    "this listing is paused": N_("This listing is paused: the seller is not taking offers for now."),
    "this listing is sold": N_("This listing is sold."),
    "this listing is closed": N_("This listing is closed."),
    "not enough left": N_("Not enough left to accept this offer."),
}


def _answer_error(message: str) -> str:
    if message in ANSWER_ERRORS:
        return _(ANSWER_ERRORS[message])
    if message.startswith("this offer was already answered"):
        return _("This offer was already answered.")
    if message.startswith("only an accepted deal can be marked paid"):
        return _("Only an accepted deal can be marked paid.")
    if message.startswith("only ") and message.endswith(" left"):
        return _("Only %(num)s left.") % {"num": message[len("only "):-len(" left")]}
    return message


def _deal_id(value: str) -> int:
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()) or int(value) > MAX_ROW_ID:
        raise NotFound(_("No such deal."))
    return int(value)


async def _deals_page(status: int = 200, error: str | None = None):
    rt = runtime()
    _current, viewer = await signed_in()
    max_id = request.args.get("max_id", "")
    items, older = await shop.my_deals(rt.services, viewer, _deal_id(max_id) if max_id else None)
    return await page(
        "deals.html", status, selling=[i for i in items if i.role == "seller"],
        buying=[i for i in items if i.role == "buyer"], older=older, error=error, max_reason=MAX_REASON,
    )


@blueprint.get("/deals")
async def deals_page():
    return await _deals_page()


@blueprint.post("/deals/<deal_id>/<any(accept, reject, paid):action>")
async def answer(deal_id: str, action: str):
    rt = runtime()
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    found = _deal_id(deal_id)
    try:
        if action == "reject":
            reason = fields.get("reason", "").strip()
            if len(reason) > MAX_REASON:
                return await _deals_page(422, _("A reason can be at most %(num)d characters.") % {"num": MAX_REASON})
            await deals.reject(rt.services, viewer, found, reason or None)
        else:
            await _ACTIONS[action](rt.services, viewer, found)
    except RedfedError as error:
        if error.status >= 500 or error.status == 404:
            raise
        return await _deals_page(403 if error.status == 403 else 422, _answer_error(error.message))
    return see_other(f"/deals#deal-{found}")
