"""A listing's FEP-0837 Proposal at its own id (layer 6): `/users/<name>/listings/<id>`; a deal's
finalized Agreement at `/users/<name>/agreements/<deal id>` (signed fetches by the parties only).

The URL belongs to the pages (web/pages/shop.py), which show people the listing's page there and
hand ActivityPub clients to `proposal_response`: FEP-0837 readers such as Mitra fetch the Proposal
at its id. Which listing may be served is the service's business (public and unlisted ones; 410
once deleted).
"""

import json

from quart import Blueprint, Response

from ..protocol import as2
from ..services.shop import deals, listings
from .activitypub import fetch_request
from .context import runtime

blueprint = Blueprint("listings_ap", __name__)

_MAX_ROW_ID = 2**63 - 1


async def proposal_response(username: str, listing_id: int) -> Response:
    document, _post = await listings.proposal_document(runtime().services, username, listing_id)
    response = Response(json.dumps(document, ensure_ascii=False), content_type=as2.AP_CONTENT_TYPE)
    # The same URL serves HTML to browsers; caches must keep the two apart.
    response.headers["Vary"] = "Accept"
    return response


@blueprint.get(f"/users/<username>/agreements/<int(max={_MAX_ROW_ID}):deal_id>")
async def agreement(username: str, deal_id: int):
    document = await deals.agreement_document(runtime().services, username, deal_id, fetch_request())
    response = Response(json.dumps(document, ensure_ascii=False), content_type=as2.AP_CONTENT_TYPE)
    response.headers["Vary"] = "Accept"
    return response
