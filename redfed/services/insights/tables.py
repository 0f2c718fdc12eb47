"""Insights as CSV (layer 4): one row per day with each measure, for a spreadsheet."""

import csv
import io

from .report import AccountInsights, PostInsights
from .views import SOURCES


def _text(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def post_csv(found: PostInsights) -> str:
    """Views by day, then the window's views by source, each response by server, and deliveries:
    one (measure, date, server, count) per row."""
    rows = [["views", day, "", views] for day, views in found.views.by_day]
    rows += [["views_from_" + source, "", "", found.views.by_source[source]] for source in SOURCES]
    for measure, counts in found.responses.items():
        rows.append([measure, "", "local", counts.local])
        rows += [[measure, "", server, n] for server, n in counts.remote.items()]
    rows += [["deliveries_sent", "", "", found.deliveries_sent], ["deliveries_failed", "", "", found.deliveries_failed]]
    return _text(["measure", "date", "server", "count"], rows)


def account_csv(found: AccountInsights) -> str:
    gained = dict(found.new_followers_by_day)
    rows = [
        [day, views, post_views, gained[day]]
        for (day, views), (_, post_views) in zip(found.profile_views.by_day, found.post_views.by_day)
    ]
    return _text(["date", "profile_views", "post_views", "new_followers"], rows)
