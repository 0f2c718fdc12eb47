"""Settings: take your data away (layer 6). An archive is built by the same background job as
/api/v1/exports; while it runs the page reloads itself with a <meta> refresh (no script). The
archive and the CSVs are served to their owner's session only: anyone else gets 404."""

from quart import Response

from ...errors import NotFound, RedfedError
from ...services.portability import export_archive, exports
from ..context import runtime
from ..downloads import stored_file
from .common import N_, _, blueprint, signed_in
from .settings import posted_form, saved, settings_page

EXPORT_PATH = "/settings/export"
REFRESH_SECONDS = 3
# The CSVs offered, in Mastodon's order, with what each holds.
CSV_LABELS = {
    "following": N_("Accounts you follow"),
    "followers": N_("Your followers"),
    "blocks": N_("Accounts you block"),
    "mutes": N_("Accounts you mute"),
    "domain_blocks": N_("Domains you block"),
    "bookmarks": N_("Your bookmarks"),
    "lists": N_("Your lists"),
    "followed_hashtags": N_("Hashtags you follow"),
}


def size_text(size: int | None) -> str:
    """An archive's size for people: KB below a megabyte, else MB."""
    size = size or 0
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


async def _export_page(status: int = 200, *, error: str | None = None):
    rt = runtime()
    _current, viewer = await signed_in()
    jobs = await exports.recent_jobs(rt.db, viewer)
    now = rt.services.now_ms()
    latest = await exports.latest_job(rt.db, viewer)
    allowed_at = exports.next_allowed_at(latest)
    running = any(job.state in ("queued", "running") for job in jobs)
    return await settings_page(
        "settings/export.html", EXPORT_PATH, status, jobs=jobs, now=now, running=running, error=error,
        refresh_seconds=REFRESH_SECONDS, still_saved=running,
        next_allowed_at=allowed_at if allowed_at is not None and allowed_at > now else None,
        size_text=size_text, csvs=[(kind, _(label)) for kind, label in CSV_LABELS.items() if kind in export_archive.CSV_FILES],
    )


@blueprint.get(EXPORT_PATH)
async def export_settings():
    return await _export_page()


@blueprint.post(EXPORT_PATH)
async def request_export():
    rt = runtime()
    _current, viewer, _fields = await posted_form()
    try:
        await exports.request_export(rt.services, viewer)
    except RedfedError as error:
        if error.status != 429:
            raise
        return await _export_page(429, error=_("You can request one archive every 7 days."))
    return saved(EXPORT_PATH)


def _job_id(value: str) -> int:
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()) or int(value) >= 2**63:
        raise NotFound(_("No such archive."))
    return int(value)


@blueprint.get(f"{EXPORT_PATH}/<job_id>/archive.zip")
async def download_archive(job_id: str):
    rt = runtime()
    _current, viewer = await signed_in()
    try:
        opened = await exports.archive_for(rt.services, viewer, _job_id(job_id), rt.services.now_ms())
    except NotFound:
        raise NotFound(_("No such archive.")) from None
    except RedfedError as error:
        if error.status != 410:
            raise
        return await _export_page(410, error=_("This archive has expired. Request a new one."))
    response = await stored_file(opened, "application/zip", download_name=f"archive-{viewer.username}-{job_id}.zip")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.get(f"{EXPORT_PATH}/<kind>.csv")
async def download_csv(kind: str):
    rt = runtime()
    _current, viewer = await signed_in()
    if kind not in CSV_LABELS:
        raise NotFound(_("No such export."))
    text = await exports.csv_export(rt.db, viewer, kind, rt.services.now_ms())
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{kind}.csv"', "Cache-Control": "private, no-store",
    })
