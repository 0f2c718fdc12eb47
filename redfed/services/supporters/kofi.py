"""Ko-fi's webhook (layer 4): pure parsing and verification, no IO.

Ko-fi POSTs `application/x-www-form-urlencoded` with one field, `data`, holding the payment as
JSON; its `verification_token` is the creator's token from Ko-fi's API settings (sent as plain
text, so it is compared in constant time and is the only proof there is). Ko-fi retries with the
same payment until it gets a 200, so a `kofi_transaction_id` seen before is a replay.
Donations and subscription payments make someone a supporter; shop orders and commissions do not.
"""

import hmac
import json
from urllib.parse import parse_qs

from ...errors import BadRequest, Unauthorized
from .payments import Payment, handle_in

SUPPORT_TYPES = ("Donation", "Subscription")


def verified_payment(body: bytes, token: str) -> Payment | None:
    """The payment in a Ko-fi POST whose token is `token`; None for a kind that grants nothing."""
    data = _data(body)
    given = data.get("verification_token")
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), token.encode()):
        raise Unauthorized("verification_token does not match")
    event_id = data.get("kofi_transaction_id") or data.get("message_id")
    if not isinstance(event_id, str) or not event_id or len(event_id) > 200:
        raise BadRequest("kofi_transaction_id is missing")
    if data.get("type") not in SUPPORT_TYPES:
        return None
    tier = data.get("tier_name")
    return Payment(
        event_id=event_id, handle=handle_in(data.get("message"), data.get("from_name")),
        tier_name=tier if isinstance(tier, str) else None, subscription=data.get("is_subscription_payment") is True,
    )


def _data(body: bytes) -> dict:
    try:
        fields = parse_qs(body.decode("utf-8"), strict_parsing=True, max_num_fields=20)
        data = json.loads(fields["data"][0])
    except (UnicodeDecodeError, ValueError, KeyError, RecursionError) as error:
        raise BadRequest("expected a form with a data field holding JSON") from error
    if not isinstance(data, dict):
        raise BadRequest("data must be a JSON object")
    return data
