"""Settings: support tiers and supporters (layer 6), the pages over the API's
/api/v1/redfed/support_tiers and /api/v1/redfed/supporters (services/supporters)."""

from ...errors import NotFound, RedfedError
from ...services.supporters import grants, tiers
from ..context import runtime
from .common import blueprint, signed_in
from .settings import posted_form, saved, settings_page

SUPPORTERS_PATH = "/settings/supporters"
MAX_ROW_ID = 2**63 - 1


async def _page(viewer, status: int = 200, **context):
    rt = runtime()
    own = await tiers.tiers_of(rt.services, viewer)
    return await settings_page(
        "settings/supporters.html", SUPPORTERS_PATH, status, tiers=own, tier_options=[(str(t.id), t.name) for t in own],
        supporters=await grants.grants_of(rt.services, viewer), **context,
    )


def _row_id(value: str) -> int:
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()) or int(value) > MAX_ROW_ID:
        raise NotFound("Record not found")
    return int(value)


@blueprint.get(SUPPORTERS_PATH)
async def supporter_settings():
    _current, viewer = await signed_in()
    return await _page(viewer)


@blueprint.post(f"{SUPPORTERS_PATH}/tiers")
async def add_tier():
    _current, viewer, fields = await posted_form()
    try:
        checked = tiers.check_fields(fields.get("name", ""), fields.get("description", ""), fields.get("price", ""), fields.get("url", ""))
        await tiers.create(runtime().services, viewer, checked)
    except RedfedError as error:
        if error.status >= 500:
            raise
        return await _page(viewer, 422, error=error.message, typed=fields)
    return saved(SUPPORTERS_PATH)


@blueprint.post(f"{SUPPORTERS_PATH}/tiers/<tier_id>/delete")
async def remove_tier(tier_id: str):
    _current, viewer, _fields = await posted_form()
    await tiers.delete(runtime().services, viewer, _row_id(tier_id))
    return saved(SUPPORTERS_PATH)


@blueprint.post(f"{SUPPORTERS_PATH}/grants")
async def grant_support():
    rt = runtime()
    _current, viewer, fields = await posted_form()
    try:
        tier_id = fields.get("tier_id", "")
        tier = await tiers.own_tier(rt.services, viewer, _row_id(tier_id)) if tier_id else None
        supporter = await grants.supporter_by_handle(rt.services, fields.get("handle", ""))
        await grants.grant(rt.services, viewer, supporter, tier, expires_at=None)
    except RedfedError as error:
        if error.status >= 500:
            raise
        return await _page(viewer, 422, error=error.message, typed=fields)
    return saved(SUPPORTERS_PATH)


@blueprint.post(f"{SUPPORTERS_PATH}/grants/<account_id>/revoke")
async def revoke_support(account_id: str):
    rt = runtime()
    _current, viewer, _fields = await posted_form()
    found = {actor.id: actor for _, actor in await grants.grants_of(rt.services, viewer)}.get(_row_id(account_id))
    if found is None:
        raise NotFound("Record not found")
    await grants.revoke(rt.services, viewer, found)
    return saved(SUPPORTERS_PATH)
