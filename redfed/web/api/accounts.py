"""Accounts (layer 6): /api/v1/accounts/…"""

from quart import Blueprint

from ...services import views
from ..context import runtime
from . import entities
from .auth import caller, scope

blueprint = Blueprint("api_accounts", __name__)


@blueprint.get("/api/v1/accounts/verify_credentials")
@scope("profile")
async def verify_credentials():
    rt = runtime()
    view = await views.account_view(rt.db, caller().actor)
    return entities.account(view, rt.urls, with_source=True)
