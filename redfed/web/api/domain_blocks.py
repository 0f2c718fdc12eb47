"""An account's own domain blocks (layer 6): Mastodon's /api/v1/domain_blocks - a list of domain
strings paged by Link header, POST to block, DELETE to unblock, each answering `{}`."""

from quart import Blueprint

from ...services.social import account_domain_blocks
from ..context import runtime
from .auth import caller, scope
from .pagination import link_header, read_page
from .params import Params

blueprint = Blueprint("api_domain_blocks", __name__)


@blueprint.get("/api/v1/domain_blocks")
@scope("read:blocks")
async def index():
    rows = await account_domain_blocks.blocked_domains(runtime().services, caller().actor, read_page(100, 200))
    return [domain for _, domain in rows], 200, link_header([row_id for row_id, _ in rows])


@blueprint.post("/api/v1/domain_blocks")
@scope("write:blocks")
async def block():
    params = await Params.read()
    await account_domain_blocks.block_domain(runtime().services, caller().actor, params.text("domain", max_length=300))
    return {}


@blueprint.delete("/api/v1/domain_blocks")
@scope("write:blocks")
async def unblock():
    params = await Params.read()
    await account_domain_blocks.unblock_domain(runtime().services, caller().actor, params.text("domain", max_length=300))
    return {}
