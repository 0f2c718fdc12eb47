"""The profile directory (layer 6): /api/v1/directory."""

from quart import Blueprint

from ...services import views
from ...services.discovery import directory
from ..context import runtime
from . import entities
from .auth import optional_token
from .params import Params

blueprint = Blueprint("api_directory", __name__)


@blueprint.get("/api/v1/directory")
@optional_token
async def index():
    params, rt = Params.query(), runtime()
    actors = await directory.profiles(
        rt.db, order=params.text("order", "active", max_length=20), local_only=bool(params.flag("local", False)),
        offset=params.integer("offset", 0, low=0, high=10_000), limit=params.integer("limit", 40, low=1, high=80),
    )
    return [entities.account(view, rt.urls) for view in await views.account_views(rt.db, actors)]
