"""The admin dashboard (layer 6): queues, failing remote domains, growth, storage and warnings,
at /admin/dashboard. Admins only."""

from ...services.operations import dashboard
from ..context import runtime
from .admin import admin_visit
from .common import blueprint, page

DASHBOARD_PATH = "/admin/dashboard"


@blueprint.get(DASHBOARD_PATH)
async def dashboard_page():
    await admin_visit()
    rt = runtime()
    board = await dashboard.overview(rt.services)
    totals = board.figures.totals
    return await page(
        "admin/dashboard.html", board=board, peak=max([1, *board.users_weekly, *board.posts_weekly]),
        media_size=_bytes(totals.media_bytes), database_size=_bytes(totals.database_bytes),
    )


def _bytes(count: int | None) -> str:
    """A size in the units every language here writes the same way."""
    if count is None:
        return "?"
    size = float(count)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{count} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
