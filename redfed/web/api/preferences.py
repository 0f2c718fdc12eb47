"""Preferences (layer 6): /api/v1/preferences."""

from quart import Blueprint

from ...services.accounts import preferences
from ..context import runtime
from .auth import caller, scope

blueprint = Blueprint("api_preferences", __name__)


@blueprint.get("/api/v1/preferences")
@scope("read:accounts")
async def show():
    return await preferences.preferences(runtime().db, caller().actor)
