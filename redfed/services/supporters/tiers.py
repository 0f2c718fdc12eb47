"""A creator's support tiers (layer 4): name, description, price as the creator writes it, and
the link to their own payment page (Ko-fi, Liberapay, Patreon, Open Collective, Stripe)."""

from dataclasses import dataclass, replace

from ...clock import new_id
from ...errors import NotFound, Unprocessable
from ...federation.payment_links import is_payment_url
from ...models import Actor
from ...store.supporters import tiers as store
from ...store.supporters.tiers import Tier
from ..context import Context

MAX_TIERS = 20
MAX_NAME = 100
MAX_DESCRIPTION = 2_000
MAX_PRICE = 100
MAX_URL = 2_000


@dataclass(frozen=True)
class TierFields:
    name: str
    description: str
    price: str
    url: str


def check_fields(name, description, price, url) -> TierFields:
    """What a client sent → checked fields, or Unprocessable naming what is wrong."""
    name, description, price, url = (v.strip() if isinstance(v, str) else v for v in (name, description, price, url))
    if not isinstance(name, str) or not name or len(name) > MAX_NAME:
        raise Unprocessable(f"a tier needs a name of at most {MAX_NAME} characters")
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        raise Unprocessable(f"a tier's description is text of at most {MAX_DESCRIPTION} characters")
    if not isinstance(price, str) or len(price) > MAX_PRICE:
        raise Unprocessable(f"a tier's price is text of at most {MAX_PRICE} characters")
    if not isinstance(url, str) or len(url) > MAX_URL or not is_payment_url(url):
        raise Unprocessable("a tier's url must be the http or https address of your payment page")
    return TierFields(name, description, price, url)


async def create(ctx: Context, creator: Actor, fields: TierFields) -> Tier:
    tier = Tier(new_id(ctx.now_ms()), creator.id, fields.name, fields.description, fields.price, fields.url, ctx.now_ms())
    async with ctx.db.transaction() as conn:
        if await store.count_tiers(conn, creator.id) >= MAX_TIERS:
            raise Unprocessable(f"at most {MAX_TIERS} tiers")
        await _check_unique(conn, tier)
        await store.insert_tier(conn, tier)
    return tier


async def edit(ctx: Context, creator: Actor, tier_id: int, fields: TierFields) -> Tier:
    tier = replace(await own_tier(ctx, creator, tier_id), **vars(fields))
    async with ctx.db.transaction() as conn:
        await _check_unique(conn, tier)
        await store.update_tier(conn, tier)
    return tier


async def delete(ctx: Context, creator: Actor, tier_id: int) -> None:
    """Its grants stay, without a tier: taking a tier down does not drop anyone's support."""
    tier = await own_tier(ctx, creator, tier_id)
    async with ctx.db.transaction() as conn:
        await store.delete_tier(conn, tier.id)


async def _check_unique(conn, tier: Tier) -> None:
    # Webhooks name a tier by its name, so two tiers of one creator may not share one.
    same = await store.find_tier_by_name(conn, tier.actor_id, tier.name)
    if same is not None and same.id != tier.id:
        raise Unprocessable(f"you already have a tier named {tier.name}")


async def own_tier(ctx: Context, creator: Actor, tier_id: int) -> Tier:
    tier = await store.get_tier(ctx.db.reader, tier_id)
    if tier is None or tier.actor_id != creator.id:
        raise NotFound("Record not found")
    return tier


async def tiers_of(ctx: Context, creator: Actor) -> list[Tier]:
    """Anyone may see a creator's tiers: they are how one becomes a supporter."""
    return await store.list_tiers(ctx.db.reader, creator.id)


async def tier_named(ctx: Context, creator: Actor, name) -> Tier | None:
    if not isinstance(name, str) or not name.strip():
        return None
    return await store.find_tier_by_name(ctx.db.reader, creator.id, name.strip())


async def import_tier(ctx: Context, creator: Actor, raw: dict) -> Tier | None:
    """A tier from an archive, checked as a new one; one the account has by that name is kept."""
    fields = check_fields(raw.get("name"), raw.get("description", ""), raw.get("price", ""), raw.get("url"))
    if await store.find_tier_by_name(ctx.db.reader, creator.id, fields.name) is not None:
        return None
    return await create(ctx, creator, fields)
