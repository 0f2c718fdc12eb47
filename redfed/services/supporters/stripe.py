"""Stripe's webhook (layer 4): pure verification and parsing, no IO.

Stripe signs each delivery in the `Stripe-Signature` header, `t=<unix time>,v1=<hex>[,v1=…]`:
v1 is the HMAC-SHA256 of `"<t>.<raw body>"` keyed with the endpoint's signing secret
(`whsec_…`, used as it is). As Stripe's own libraries do, any v1 may match, other schemes are
ignored, and a timestamp older than the tolerance (300 s) is refused, so a captured delivery
cannot be replayed later. An event id seen before is a replay within the tolerance.

A supporter pays through a Checkout Session (a Payment Link makes one) whose custom field holds
their handle; `metadata.tier` may name the tier. Only a paid session grants.
"""

import hashlib
import hmac
import json

from ...errors import BadRequest, Unauthorized
from .payments import Payment, handle_in

TOLERANCE_SECONDS = 300
GRANTING = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
PAID = ("paid", "no_payment_required")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str | None, secret: str, now: float) -> None:
    timestamp, signatures = _parse_header(header)
    expected = signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, given) for given in signatures):
        raise Unauthorized("no signature matches the payload")
    if timestamp < now - TOLERANCE_SECONDS:
        raise Unauthorized("the signature's timestamp is outside the tolerance")


def _parse_header(header: str | None) -> tuple[int, list[str]]:
    if not header or len(header) > 2_000:
        raise Unauthorized("Stripe-Signature header is missing")
    pairs = [item.strip().partition("=") for item in header.split(",")]
    timestamps = [value for key, _, value in pairs if key == "t"]
    signatures = [value for key, _, value in pairs if key == "v1"]
    if len(timestamps) != 1 or not timestamps[0].isdigit() or not signatures:
        raise Unauthorized("Stripe-Signature has no timestamp or no v1 signature")
    return int(timestamps[0]), signatures


def verified_payment(body: bytes, header: str | None, secret: str, now: float) -> Payment | None:
    """The payment in a signed Stripe event; None for an event that grants nothing."""
    verify(body, header, secret, now)
    event = _event(body)
    session = _dict(_dict(event.get("data")).get("object"))
    if event.get("type") not in GRANTING or session.get("payment_status") not in PAID:
        return None
    fields = session.get("custom_fields") if isinstance(session.get("custom_fields"), list) else []
    tier = _dict(session.get("metadata")).get("tier")
    return Payment(
        event_id=event["id"], handle=handle_in(*(_dict(_dict(f).get("text")).get("value") for f in fields[:10])),
        tier_name=tier if isinstance(tier, str) else None, subscription=session.get("mode") == "subscription",
    )


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _event(body: bytes) -> dict:
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BadRequest("the body is not JSON") from error
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not event["id"] or len(event["id"]) > 200:
        raise BadRequest("the body is not a Stripe event")
    return event
