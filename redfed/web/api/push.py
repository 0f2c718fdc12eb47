"""Web Push subscriptions (layer 6): /api/v1/push/subscription, one per access token."""

from quart import Blueprint, request

from ...services.push import subscriptions
from ...store.push.subscriptions import Subscription
from ..context import runtime
from .auth import caller, scope
from .params import Params

blueprint = Blueprint("api_push", __name__)


def _entity(subscription: Subscription) -> dict:
    """Mastodon's WebPushSubscription entity."""
    return {
        "id": str(subscription.id),
        "endpoint": subscription.endpoint,
        "standard": subscription.standard,
        "alerts": subscription.alerts,
        "policy": subscription.policy,
        "server_key": runtime().services.vapid.public_key,
    }


def _alerts(params: Params) -> dict[str, bool]:
    alerts = params.nested("data").nested("alerts")
    return {name: alerts.flag(name) for name in subscriptions.ALERTS if alerts.has(name)}


def _policy(params: Params) -> str | None:
    # Mastodon reads it at the top level; some apps send it inside `data`.
    return params.text("policy", max_length=20) or params.nested("data").text("policy", max_length=20)


@blueprint.post("/api/v1/push/subscription")
@scope("push")
async def subscribe():
    params = await Params.read()
    given = params.nested("subscription")
    keys = given.nested("keys")
    rt = runtime()
    found = await subscriptions.subscribe(
        rt.db, rt.config, caller().token_id, caller().actor.id, _bearer(), given.text("endpoint", max_length=4096),
        (keys.text("p256dh", max_length=200), keys.text("auth", max_length=200)), _alerts(params),
        _policy(params), bool(given.flag("standard", False)), rt.services.now_ms(),
    )
    return _entity(found)


@blueprint.get("/api/v1/push/subscription")
@scope("push")
async def show():
    return _entity(await subscriptions.get(runtime().db, caller().token_id))


@blueprint.put("/api/v1/push/subscription")
@scope("push")
async def update():
    params = await Params.read()
    return _entity(await subscriptions.update(runtime().db, caller().token_id, _alerts(params), _policy(params)))


@blueprint.delete("/api/v1/push/subscription")
@scope("push")
async def unsubscribe():
    await subscriptions.unsubscribe(runtime().db, caller().token_id)
    return {}


def _bearer() -> str:
    """The token the app called with: Mastodon hands it back in every push (see services.push)."""
    header = request.headers.get("Authorization", "")
    return header.partition(" ")[2].strip() if header else request.args.get("access_token", "")
