"""Insights (layer 6): redfed's client API extension showing a creator the reach of their posts
and profile (FEDERATION.md: "Insights"). Only the author sees them: another's post is 404, as
is everything when the server turned insights off. `?format=csv` answers a CSV file instead.

  GET  /api/v1/redfed/insights/account      profile and post views, follower growth, followers by server
  GET  /api/v1/redfed/insights/posts/:id    a post's views by day and source, responses and deliveries
"""

from quart import Blueprint, Response, request

from ...services.insights import report, tables
from ..context import runtime
from ..inputs import record_id
from .auth import caller, scope

blueprint = Blueprint("api_insights", __name__)

ROOT = "/api/v1/redfed/insights"


def _views(views: report.Views) -> dict:
    return {
        "total": views.total, "by_source": views.by_source,
        "by_day": [{"date": day, "views": n} for day, n in views.by_day],
    }


def _by_server(counts: report.ByServer) -> dict:
    return {"total": counts.total, "local": counts.local, "remote": counts.remote}


def _csv(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"', "Cache-Control": "private, no-store",
    })


@blueprint.get(f"{ROOT}/posts/<status_id>")
@scope("read:statuses")
async def post(status_id: str):
    found = await report.post_insights(runtime().services, caller().actor, record_id(status_id))
    if request.args.get("format") == "csv":
        return _csv(tables.post_csv(found), f"insights-{found.post.id}")
    return {
        "status_id": str(found.post.id),
        "views": _views(found.views),
        **{measure: _by_server(counts) for measure, counts in found.responses.items()},
        "deliveries": {
            "servers": found.delivered_servers, "sent": found.deliveries_sent, "failed": found.deliveries_failed,
        },
    }


@blueprint.get(f"{ROOT}/account")
@scope("read:accounts")
async def account():
    found = await report.account_insights(runtime().services, caller().actor)
    if request.args.get("format") == "csv":
        return _csv(tables.account_csv(found), "insights")
    return {
        "profile_views": _views(found.profile_views),
        "post_views": _views(found.post_views),
        "new_followers": [{"date": day, "followers": n} for day, n in found.new_followers_by_day],
        "followers": _by_server(found.followers),
        "posts": [{"status_id": str(p.id), "views": views} for p, views in found.recent_posts],
    }
