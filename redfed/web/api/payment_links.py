"""Payment links (layer 6): redfed's client API extension for FEP-0ea0 links on profiles.

    GET /api/v1/payment_links                    the caller's own (read:accounts)
    PUT /api/v1/payment_links                    replace them: {"payment_links": [{href, name}]} (write:accounts)
    GET /api/v1/accounts/:id/payment_links       anyone's, local or remote (public)

Documented in README.md ("Creator income") and FEDERATION.md.
"""

from quart import Blueprint

from ...services.accounts import payment_links
from ...services.social import relationships
from ..context import runtime
from ..inputs import record_id
from .auth import caller, optional_token, scope
from .params import Params

blueprint = Blueprint("api_payment_links", __name__)


def _shown(links) -> list[dict]:
    return [{"href": link.href, "name": link.name} for link in links]


@blueprint.get("/api/v1/payment_links")
@scope("read:accounts")
async def mine():
    return _shown(await payment_links.links_of(runtime().services, caller().actor))


@blueprint.put("/api/v1/payment_links")
@scope("write:accounts")
async def replace():
    params = await Params.read()
    links = await payment_links.set_links(runtime().services, caller().actor, params.get("payment_links", []))
    return _shown(links)


@blueprint.get("/api/v1/accounts/<account_id>/payment_links")
@optional_token
async def of_account(account_id: str):
    rt = runtime()
    actor = await relationships.account(rt.services, record_id(account_id))
    return _shown(await payment_links.links_of(rt.services, actor))
