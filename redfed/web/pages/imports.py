"""The import page (layer 6): /settings/import uploads a CSV of one of Mastodon's types or an
account archive, in merge or overwrite mode, and lists the account's recent imports with their
progress and the rows that failed. No script: while a job runs, the page refreshes itself with a
meta refresh. The POST checks the session's CSRF token before anything is read into an import."""

from quart import request
from werkzeug.exceptions import RequestEntityTooLarge

from ...errors import RedfedError
from ...services.portability import archive_reader, import_csv, imports
from ..context import runtime
from .common import N_, _, blueprint, check_csrf, form, page, see_other, signed_in

IMPORT_PATH = "/settings/import"
FORM_OVERHEAD = 64 * 1024
TYPES = {
    "following": N_("Accounts you follow"),
    "blocks": N_("Blocked accounts"),
    "mutes": N_("Muted accounts"),
    "domain_blocks": N_("Blocked domains"),
    "bookmarks": N_("Bookmarks"),
    "lists": N_("Lists"),
    "followed_hashtags": N_("Followed hashtags"),
    "archive": N_("Account archive (posts, photos, likes and bookmarks)"),
    "instagram": N_("Instagram data export (posts with their photos and videos)"),
    "tiktok": N_("TikTok data export (your videos)"),
}
# What a job's heading says: one of the uploads above, or the posts of a moved account.
KINDS = {**TYPES, "outbox": N_("Posts of your old account, from its server")}
ERRORS = {
    "unknown account": N_("unknown account"),
    "unknown post": N_("unknown post"),
    "unreachable": N_("server unreachable"),
    "bad row": N_("bad row"),
    "refused": N_("refused"),
    "not_theirs": N_("not by your old account"),
    "not_public": N_("not public"),
    "not_a_post": N_("not a post"),
    "not_embedded": N_("not included in the outbox"),
    "bad_item": N_("bad entry"),
    "media": N_("photo not available"),
}
STATES = {"queued": N_("Waiting"), "running": N_("Importing"), "done": N_("Done"), "failed": N_("Failed")}


def _limit() -> int:
    return archive_reader.MAX_ARCHIVE_BYTES + FORM_OVERHEAD


async def _page(status: int = 200, *, error: str | None = None, fields: dict | None = None):
    rt = runtime()
    _current, viewer = await signed_in()
    jobs = await imports.recent_jobs(rt.db, viewer)
    return await page(
        "settings_import.html", status, error=error, fields=fields or {"type": "following", "mode": "merge"},
        types=TYPES, kinds=KINDS, errors=ERRORS, states=STATES, jobs=jobs, running=any(j.state in ("queued", "running") for j in jobs),
        max_rows=import_csv.MAX_ROWS, max_csv_mb=import_csv.MAX_BYTES // 1024 // 1024,
        max_archive_mb=archive_reader.MAX_ARCHIVE_BYTES // 1024 // 1024,
    )


@blueprint.get(IMPORT_PATH)
async def import_page():
    return await _page()


@blueprint.post(IMPORT_PATH)
async def import_upload():
    current, viewer = await signed_in()
    request.max_content_length = _limit()  # the form parser's own limit (quart#425)
    imports.ensure_room(runtime().services, request.content_length or 0)
    try:
        fields = await form()
        upload = (await request.files).get("data")
    except RequestEntityTooLarge:
        return await _page(413, error=_("The file is too large."))
    check_csrf(current, fields.get("csrf_token"))
    kept = {"type": fields.get("type", ""), "mode": fields.get("mode", "merge")}
    if upload is None or not upload.filename:
        return await _page(422, error=_("Choose a file to import."), fields=kept)
    try:
        await imports.request_import(runtime().services, viewer, kept["type"], kept["mode"], upload.stream)
    except RedfedError as refused:
        return await _page(refused.status, error=_("This file was not imported: %(reason)s") % {"reason": refused.message}, fields=kept)
    return see_other(IMPORT_PATH)


@blueprint.record_once
def _accept_archives(state) -> None:
    """Quart fixes a request's body limit when it makes the request object: this page's POST gets
    room for an archive (the services check each type's own limit)."""
    app = state.app
    base = app.request_class

    class ImportPageRequest(base):
        def __init__(self, method, scheme, path, *args, max_content_length=None, **kwargs):
            if method == "POST" and path == IMPORT_PATH:
                max_content_length = _limit()
            super().__init__(method, scheme, path, *args, max_content_length=max_content_length, **kwargs)

    app.request_class = ImportPageRequest
