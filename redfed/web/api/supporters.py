"""Supporters (layer 6): redfed's client API extension for support tiers and supporters
(README.md, "Supporters"). Tiers are public; who supports whom only the creator sees.

  GET/POST      /api/v1/redfed/support_tiers                one's tiers / a new one: name, description, price, url
  PATCH/DELETE  /api/v1/redfed/support_tiers/:id            edit (all four fields) / delete one
  GET           /api/v1/accounts/:id/support_tiers          anyone's tiers
  GET/POST      /api/v1/redfed/supporters                   one's supporters / grant: handle, tier_id, expires_at
  DELETE        /api/v1/redfed/supporters                   revoke: handle
  GET           /api/v1/redfed/supporter_webhooks           one's webhooks (their URLs)
  PUT/DELETE    /api/v1/redfed/supporter_webhooks/:provider set (secret) / remove the kofi or stripe webhook
"""

from quart import Blueprint

from ...services import views
from ...services.social import relationships
from ...services.supporters import grants, tiers, webhooks
from ...store.supporters.grants import Grant
from ...store.supporters.tiers import Tier
from ...store.supporters.webhooks import Webhook
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, optional_token, scope
from .params import Params

blueprint = Blueprint("api_supporters", __name__)

TIERS = "/api/v1/redfed/support_tiers"
SUPPORTERS = "/api/v1/redfed/supporters"
WEBHOOKS = "/api/v1/redfed/supporter_webhooks"


def tier_entity(tier: Tier) -> dict:
    return {"id": str(tier.id), "name": tier.name, "description": tier.description, "price": tier.price, "url": tier.url}


def webhook_entity(hook: Webhook) -> dict:
    url = f"{runtime().urls.base}/api/v1/redfed/webhooks/{hook.provider}/{hook.token}"
    return {"provider": hook.provider, "url": url, "created_at": entities.iso(hook.created_at)}


async def _fields(params: Params):
    return tiers.check_fields(params.get("name"), params.get("description", ""), params.get("price", ""), params.get("url"))


@blueprint.get(TIERS)
@scope("read:accounts")
async def own_tiers():
    return [tier_entity(t) for t in await tiers.tiers_of(runtime().services, caller().actor)]


@blueprint.post(TIERS)
@scope("write:accounts")
async def create_tier():
    params = await Params.read()
    return tier_entity(await tiers.create(runtime().services, caller().actor, await _fields(params)))


@blueprint.patch(f"{TIERS}/<tier_id>")
@scope("write:accounts")
async def edit_tier(tier_id: str):
    params = await Params.read()
    return tier_entity(await tiers.edit(runtime().services, caller().actor, record_id(tier_id), await _fields(params)))


@blueprint.delete(f"{TIERS}/<tier_id>")
@scope("write:accounts")
async def delete_tier(tier_id: str):
    await tiers.delete(runtime().services, caller().actor, record_id(tier_id))
    return {}


@blueprint.get("/api/v1/accounts/<account_id>/support_tiers")
@optional_token
async def account_tiers(account_id: str):
    rt = runtime()
    creator = await relationships.account(rt.services, record_id(account_id))
    return [tier_entity(t) for t in await tiers.tiers_of(rt.services, creator)]


async def _grant_entities(found: list[tuple[Grant, object]]) -> list[dict]:
    rt = runtime()
    now = rt.services.now_ms()
    accounts = {v.actor.id: v for v in await views.account_views(rt.db, [actor for _, actor in found])}
    own_tiers_by_id = {t.id: t for t in await tiers.tiers_of(rt.services, caller().actor)}
    return [{
        "account": entities.account(accounts[g.supporter_id], rt.urls),
        "tier": tier_entity(own_tiers_by_id[g.tier_id]) if g.tier_id in own_tiers_by_id else None,
        "source": g.source,
        "created_at": entities.iso(g.created_at),
        "expires_at": entities.iso(g.expires_at),
        "active": g.expires_at is None or g.expires_at > now,
    } for g, _ in found]


@blueprint.get(SUPPORTERS)
@scope("read:accounts")
async def supporters():
    return await _grant_entities(await grants.grants_of(runtime().services, caller().actor))


@blueprint.post(SUPPORTERS)
@scope("write:accounts")
async def grant():
    rt, me, params = runtime(), caller().actor, await Params.read()
    tier_id = params.record("tier_id")
    tier = await tiers.own_tier(rt.services, me, tier_id) if tier_id is not None else None
    supporter = await grants.supporter_by_handle(rt.services, params.get("handle"))
    given = await grants.grant(rt.services, me, supporter, tier, expires_at=params.instant("expires_at"))
    return (await _grant_entities([(given, supporter)]))[0]


@blueprint.delete(SUPPORTERS)
@scope("write:accounts")
async def revoke():
    rt, params = runtime(), await Params.read()
    await grants.revoke(rt.services, caller().actor, await grants.supporter_by_handle(rt.services, params.get("handle")))
    return {}


@blueprint.get(WEBHOOKS)
@scope("read:accounts")
async def own_webhooks():
    return [webhook_entity(h) for h in await webhooks.webhooks_of(runtime().services, caller().actor)]


@blueprint.put(f"{WEBHOOKS}/<provider>")
@scope("write:accounts")
async def set_webhook(provider: str):
    params = await Params.read()
    return webhook_entity(await webhooks.configure(runtime().services, caller().actor, provider, params.get("secret")))


@blueprint.delete(f"{WEBHOOKS}/<provider>")
@scope("write:accounts")
async def remove_webhook(provider: str):
    await webhooks.remove(runtime().services, caller().actor, provider)
    return {}
