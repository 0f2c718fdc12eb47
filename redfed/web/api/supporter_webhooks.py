"""Payment providers' webhooks (layer 6): where Ko-fi and Stripe tell us of a payment.

  POST /api/v1/redfed/webhooks/kofi/:token     Ko-fi: a form with `data` (JSON)
  POST /api/v1/redfed/webhooks/stripe/:token   Stripe: a signed event (Stripe-Signature)

No OAuth token: the URL's token finds the creator's webhook, and the provider's proof (Ko-fi's
verification token, Stripe's signature) is checked by services/supporters. A verified payment
answers 200 even when it grants nothing (a replay, no handle), so the provider stops retrying;
a failed proof answers 401, a malformed body 400, an unknown URL 404.
"""

from quart import Blueprint, request

from ...services.supporters import webhooks
from ..context import runtime

blueprint = Blueprint("api_supporter_webhooks", __name__)


@blueprint.post("/api/v1/redfed/webhooks/<provider>/<token>")
async def receive(provider: str, token: str):
    body = await request.get_data()
    outcome = await webhooks.receive(runtime().services, provider, token, body, request.headers.get("Stripe-Signature"))
    return {"status": outcome.status, "reason": outcome.reason}
