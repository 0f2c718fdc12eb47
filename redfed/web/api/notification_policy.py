"""The notification policy (layer 6): /api/v1/notifications/policy and /api/v2/notifications/policy,
which apps read at start-up (Mastodon 4.3).

redfed filters no notifications into requests: every kind is accepted, none are pending, and the
request list is empty. The answers say exactly that, so an app shows no filtered-notifications UI.
"""

from quart import Blueprint

from .auth import scope

blueprint = Blueprint("api_notification_policy", __name__)

_SUMMARY = {"pending_requests_count": 0, "pending_notifications_count": 0}
_KINDS = ("not_following", "not_followers", "new_accounts", "private_mentions")


@blueprint.get("/api/v2/notifications/policy")
@scope("read:notifications")
async def policy_v2():
    return {**{f"for_{kind}": "accept" for kind in _KINDS}, "for_limited_accounts": "accept", "summary": _SUMMARY}


@blueprint.get("/api/v1/notifications/policy")
@scope("read:notifications")
async def policy_v1():
    return {**{f"filter_{kind}": False for kind in _KINDS}, "summary": _SUMMARY}


@blueprint.get("/api/v1/notifications/requests")
@scope("read:notifications")
async def requests():
    return []
