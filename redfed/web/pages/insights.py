"""The insights pages (layer 6): a creator's reach on the phone - profile and post views, follower
growth and followers by server at /settings/insights, one post's views and responses at
/settings/insights/posts/<id>, and both as CSV. Charts are SVG drawn here (charts.py); no script,
no third party. With insights turned off the pages answer 404."""

from quart import Response

from ...services.insights import report, tables
from ..context import runtime
from .charts import bars
from .common import N_, _, blueprint, signed_in
from .settings import settings_page

PATH = "/settings/insights"
MAX_ROW_ID = 2**63 - 1

SOURCE_LABELS = {
    "profile": N_("Your profile"), "hashtag": N_("Hashtag pages"), "explore": N_("Explore"),
    "home": N_("Home feeds"), "external": N_("Links from other sites"), "other": N_("Elsewhere"),
}
MEASURE_LABELS = {
    "likes": N_("Likes"), "boosts": N_("Boosts"), "replies": N_("Replies"), "saves": N_("Saves to boards"),
    "quotes": N_("Quotes"),
}


def _sources(views: report.Views) -> list[tuple[str, int]]:
    return [(_(label), views.by_source.get(source, 0)) for source, label in SOURCE_LABELS.items()]


@blueprint.get(PATH)
async def insights_page():
    _current, viewer = await signed_in()
    found = await report.account_insights(runtime().services, viewer)
    return await settings_page(
        "settings/insights.html", PATH, found=found,
        profile_chart=bars(found.profile_views.by_day), posts_chart=bars(found.post_views.by_day),
        followers_chart=bars(found.new_followers_by_day), sources=_sources(found.post_views),
    )


@blueprint.get(f"{PATH}/posts/<int(max={MAX_ROW_ID}):post_id>")
async def post_insights_page(post_id: int):
    _current, viewer = await signed_in()
    found = await report.post_insights(runtime().services, viewer, post_id)
    measures = [(_(label), found.responses[measure]) for measure, label in MEASURE_LABELS.items()]
    return await settings_page(
        "settings/insights_post.html", PATH, found=found, views_chart=bars(found.views.by_day),
        sources=_sources(found.views), measures=measures,
    )


@blueprint.get(f"{PATH}.csv")
async def insights_csv():
    _current, viewer = await signed_in()
    text = tables.account_csv(await report.account_insights(runtime().services, viewer))
    return _download(text, "insights")


@blueprint.get(f"{PATH}/posts/<int(max={MAX_ROW_ID}):post_id>.csv")
async def post_insights_csv(post_id: int):
    _current, viewer = await signed_in()
    text = tables.post_csv(await report.post_insights(runtime().services, viewer, post_id))
    return _download(text, f"insights-{post_id}")


def _download(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"', "Cache-Control": "private, no-store",
    })
