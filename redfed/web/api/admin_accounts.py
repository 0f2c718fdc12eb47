"""Accounts in the Mastodon admin API (layer 6): the v1 and v2 lists with their filters, one
account, and lifting an earlier action (enable, unsilence, unsuspend). Actions themselves are
/api/v1/admin/accounts/:id/action (admin_reports.py). Only moderators (admins) get past
`moderator()`; everyone else is 403."""

from quart import Blueprint

from ...services import views
from ...services.moderation import admin_accounts, moderating
from ...store.moderation.admin_accounts import AccountFilter
from ..context import runtime
from ..inputs import record_id
from .auth import moderator, scope
from .pagination import link_header, read_page
from .params import Params
from .report_entities import admin_account

blueprint = Blueprint("api_admin_accounts", __name__)

# v1 names each filter as a flag; the first one given wins, as Mastodon reads them.
_V1_ORIGINS = ("local", "remote")
_V1_STATUSES = ("active", "pending", "disabled", "silenced", "suspended")
_V2_STATUSES = _V1_STATUSES


def _common(params: Params) -> dict:
    return {"username": params.text("username", "", max_length=200).lower().lstrip("@"),
            "domain": params.text("by_domain", "", max_length=200).lower()}


def _v1_filter(params: Params) -> AccountFilter:
    origin = next((o for o in _V1_ORIGINS if params.flag(o)), "")
    status = next((s for s in _V1_STATUSES if params.flag(s)), "")
    return AccountFilter(origin=origin, status=status, staff=bool(params.flag("staff")), **_common(params))


def _v2_filter(params: Params) -> AccountFilter:
    origin = params.text("origin", "", max_length=20)
    status = params.text("status", "", max_length=20)
    return AccountFilter(
        origin=origin if origin in _V1_ORIGINS else "", status=status if status in _V2_STATUSES else "",
        staff=params.text("permissions", "", max_length=20) == "staff", **_common(params),
    )


async def _listed(found: AccountFilter):
    rt = runtime()
    rows = await admin_accounts.page_accounts(rt.services, found, read_page(default=100, maximum=200))
    shown = await views.account_views(rt.db, [row.actor for row in rows])
    return [admin_account(view, rt.urls) for view in shown], 200, link_header([row.actor.id for row in rows])


@blueprint.get("/api/v1/admin/accounts")
@scope("admin:read:accounts")
async def index_v1():
    moderator()
    return await _listed(_v1_filter(Params.query()))


@blueprint.get("/api/v2/admin/accounts")
@scope("admin:read:accounts")
async def index_v2():
    moderator()
    return await _listed(_v2_filter(Params.query()))


async def _one(account_id: int) -> dict:
    rt = runtime()
    actor = await admin_accounts.get_account(rt.services, account_id)
    return admin_account(await views.account_view(rt.db, actor), rt.urls)


@blueprint.get("/api/v1/admin/accounts/<account_id>")
@scope("admin:read:accounts")
async def show(account_id: str):
    moderator()
    return await _one(record_id(account_id))


@blueprint.post("/api/v1/admin/accounts/<account_id>/<any(enable, unsilence, unsuspend):undo>")
@scope("admin:write:accounts")
async def lift(account_id: str, undo: str):
    await moderating.lift(runtime().services, moderator(), record_id(account_id), undo)
    return await _one(record_id(account_id))
