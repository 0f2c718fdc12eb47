"""FEP-044f QuoteAuthorization stamps (layer 6): the consent a local author gave to a quote,
served while it stands (404 once revoked)."""

from quart import Blueprint

from ..services.accounts import accounts
from ..services.responses import quotes
from .activitypub import activity_json
from .context import runtime

blueprint = Blueprint("quote_documents", __name__)


@blueprint.get("/users/<username>/quote_authorizations/<int(max=9223372036854775807):post_id>")
async def quote_authorization(username: str, post_id: int):
    rt = runtime()
    author = await accounts.find_local_actor(rt.db, rt.config, username)
    return activity_json(await quotes.authorization_document(rt.services, author, post_id))
