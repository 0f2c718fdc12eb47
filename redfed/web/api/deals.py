"""Deals and reviews (layer 6): redfed's client API extension for offers on listings, answering
them, and listing reviews. Documented in FEDERATION.md ("Deals and reviews"); same tokens, scopes,
errors and pagination as the Mastodon API.
"""

from quart import Blueprint

from ...models import Deal
from ...services import views
from ...services.deal_views import deal_views
from ...services.shop import deals, reviews
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, optional_token, scope, viewer
from .deal_entities import deal_entity
from .pagination import link_header, read_page
from .params import Params

blueprint = Blueprint("api_deals", __name__)


async def _render(found: list[Deal]) -> list[dict]:
    rt, me = runtime(), caller().actor
    return [deal_entity(view, me.id, rt.urls) for view in await deal_views(rt.db, found)]


async def _one(deal: Deal) -> dict:
    return (await _render([deal]))[0]


@blueprint.post("/api/v1/listings/<listing_id>/offers")
@scope("write:statuses")
async def offer(listing_id: str):
    params = await Params.read()
    message = params.text("message", max_length=2_000)  # the service says what the limit is
    quantity = params.text("quantity", "1", max_length=20)
    deal = await deals.make_offer(runtime().services, caller().actor, record_id(listing_id), quantity, message)
    return await _one(deal)


@blueprint.get("/api/v1/deals")
@scope("read:statuses")
async def mine():
    found = await deals.my_deals(runtime().services, caller().actor, read_page())
    return await _render(found), 200, link_header([deal.id for deal in found])


@blueprint.get("/api/v1/deals/<deal_id>")
@scope("read:statuses")
async def show(deal_id: str):
    return await _one(await deals.my_deal(runtime().services, caller().actor, record_id(deal_id)))


_ACTIONS = {"accept": deals.accept, "reject": deals.reject, "paid": deals.mark_paid}


def _action_view(action: str):
    @scope("write:statuses")
    async def view(deal_id: str):
        rt, seller, found = runtime(), caller().actor, record_id(deal_id)
        if action == "reject":
            reason = (await Params.read()).text("reason", max_length=deals.MAX_REASON)
            return await _one(await deals.reject(rt.services, seller, found, reason))
        return await _one(await _ACTIONS[action](rt.services, seller, found))

    view.__name__ = f"deal_{action}"
    return view


for _action in _ACTIONS:
    blueprint.add_url_rule(f"/api/v1/deals/<deal_id>/{_action}", view_func=_action_view(_action), methods=["POST"])


# Reviews ---------------------------------------------------------------------------------------


async def _reviews(pairs: list) -> list[dict]:
    shown = await views.status_views(runtime().db, [post for _, post in pairs], viewer())
    return [
        {"id": str(review.post_id), "rating": review.rating, "status": entities.status(view, runtime().urls)}
        for (review, _), view in zip(pairs, shown)
    ]


@blueprint.post("/api/v1/listings/<listing_id>/reviews")
@scope("write:statuses")
async def review(listing_id: str):
    params = await Params.read()
    pair = await reviews.review(
        runtime().services, caller().actor, record_id(listing_id), params.text("rating", max_length=20),
        params.text("text", "", max_length=2_000),
    )
    return (await _reviews([pair]))[0]


@blueprint.get("/api/v1/listings/<listing_id>/reviews")
@optional_token
async def listing_reviews(listing_id: str):
    found = await reviews.reviews_of(runtime().services, record_id(listing_id), viewer(), read_page())
    return await _reviews(found), 200, link_header([r.post_id for r, _ in found])
