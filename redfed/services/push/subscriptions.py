"""Push subscriptions (layer 4): Mastodon's /api/v1/push/subscription, one per access token.

An endpoint must be https and not name a private address, unless the instance allows them
(tests, development); a name that resolves to a private address is refused again when pushing,
by the HTTP client (CHECKLIST item 48).
"""

import ipaddress

from ...config import Config
from ...db.api import Database
from ...errors import NotFound, Unprocessable
from ...federation.http import is_public_address
from ...protocol import webpush
from ...protocol.http_urls import parse_http_url
from ...store.push import subscriptions as store
from ...store.push.subscriptions import Subscription

ALERTS = (
    "mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update", "quote",
    "quoted_update", "admin.sign_up", "admin.report",
)
POLICIES = ("all", "followed", "follower", "none")
MAX_ENDPOINT_LENGTH = 2048


async def subscribe(
    db: Database, config: Config, token_id: int, actor_id: int, access_token: str, endpoint: str | None,
    keys: tuple[str | None, str | None], alerts: dict[str, bool], policy: str | None, standard: bool, now: int,
) -> Subscription:
    """Create or replace the token's subscription (Mastodon: POST replaces the previous one)."""
    p256dh, auth = keys
    _check_endpoint(config, endpoint)
    try:
        webpush.check_subscriber_keys(p256dh or "", auth or "")
    except webpush.BadSubscriptionKey as error:
        raise Unprocessable(f"Validation failed: Keys {error}") from None
    subscription = Subscription(
        0, token_id, actor_id, endpoint, p256dh, auth, access_token, _alerts({}, alerts), _policy(policy),
        standard, now,
    )
    async with db.transaction() as conn:
        return await store.save_subscription(conn, subscription)


async def get(db: Database, token_id: int) -> Subscription:
    found = await store.find_by_token(db.reader, token_id)
    if found is None:
        raise NotFound("Record not found")
    return found


async def update(db: Database, token_id: int, alerts: dict[str, bool], policy: str | None) -> Subscription:
    """Change what is pushed; alerts not named keep their value."""
    current = await get(db, token_id)
    async with db.transaction() as conn:
        found = await store.update_alerts(
            conn, token_id, _alerts(current.alerts, alerts), _policy(policy) if policy else current.policy
        )
    if found is None:
        raise NotFound("Record not found")
    return found


async def unsubscribe(db: Database, token_id: int) -> None:
    async with db.transaction() as conn:
        await store.delete_by_token(conn, token_id)


def _alerts(current: dict[str, bool], given: dict[str, bool]) -> dict[str, bool]:
    return {name: bool(given.get(name, current.get(name, False))) for name in ALERTS}


def _policy(policy: str | None) -> str:
    if policy is None:
        return "all"
    if policy not in POLICIES:
        raise Unprocessable(f"Validation failed: Policy must be one of {', '.join(POLICIES)}")
    return policy


def _check_endpoint(config: Config, endpoint: str | None) -> None:
    parsed = parse_http_url(endpoint or "", max_length=MAX_ENDPOINT_LENGTH)
    if parsed is None:
        raise Unprocessable("Validation failed: Endpoint is not a valid URL")
    if config.federation.allow_private_addresses:
        return
    if parsed.scheme != "https":
        raise Unprocessable("Validation failed: Endpoint must use https")
    host = parsed.raw_host.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost") or not _public_literal(host):
        raise Unprocessable("Validation failed: Endpoint must not be a private address")


def _public_literal(host: str) -> bool:
    """False for an IP literal outside the public internet; True for names and public literals."""
    try:
        return is_public_address(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return True
