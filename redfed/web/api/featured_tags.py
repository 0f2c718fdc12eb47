"""Featured hashtags (layer 6): /api/v1/featured_tags (list, create, delete, suggestions) and
/api/v1/accounts/:id/featured_tags."""

from quart import Blueprint

from ...errors import BadRequest
from ...services.discovery import featured, tags
from ...services.social import relationships
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, optional_token, scope
from .params import Params

blueprint = Blueprint("api_featured_tags", __name__)


def _listed(found: list[featured.FeaturedTag]) -> list[dict]:
    return [entities.featured_tag(tag, runtime().urls) for tag in found]


@blueprint.get("/api/v1/featured_tags")
@scope("read:accounts")
async def mine():
    return _listed(await featured.list_for(runtime().services, caller().actor))


@blueprint.post("/api/v1/featured_tags")
@scope("write:accounts")
async def create():
    name = (await Params.read()).text("name", max_length=200)
    if not name:
        raise BadRequest("param is missing or the value is empty: name")
    return entities.featured_tag(await featured.feature(runtime().services, caller().actor, name), runtime().urls)


@blueprint.delete("/api/v1/featured_tags/<featured_id>")
@scope("write:accounts")
async def delete(featured_id: str):
    await featured.unfeature(runtime().services, caller().actor, record_id(featured_id))
    return {}


@blueprint.get("/api/v1/featured_tags/suggestions")
@scope("read:accounts")
async def suggestions():
    return [entities.tag(view, runtime().urls) for view in await tags.suggested_features(runtime().services, caller().actor)]


@blueprint.get("/api/v1/accounts/<account_id>/featured_tags")
@optional_token
async def of_account(account_id: str):
    rt = runtime()
    account = await relationships.account(rt.services, record_id(account_id))
    return _listed(await featured.list_for(rt.services, account) if account.is_local else [])
