"""Imports (layer 6), a redfed extension of the Mastodon API (Mastodon imports on its settings
pages only): POST /api/v1/imports (multipart `type`, `mode`, `data`) checks the file and queues
the job (202); GET /api/v1/imports/:id shows its progress and the report of failed rows. Another
account's job answers 404, as if it did not exist.

POST /api/v1/imports/posts with `acct` (the old account, user@host or its actor URI) queues the
pull of the posts of an account that moved to the caller's from its old server (202, type
`outbox`); 403 unless the caller lists it as an alias and it has moved to the caller."""

from quart import Blueprint, request

from ...errors import Unprocessable
from ...services.portability import archive_reader, imports
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, scope
from .params import Params

blueprint = Blueprint("api_imports", __name__)

FORM_OVERHEAD = 64 * 1024
IMPORT_PATH = "/api/v1/imports"


def job_entity(job) -> dict:
    return {
        "id": str(job.id), "type": job.kind, "mode": job.mode, "state": job.state, "progress": job.progress,
        "total": job.total, "processed": job.processed, "imported": job.imported, "failed": len(job.report),
        "report": job.report, "error": job.error, "created_at": entities.iso(job.created_at),
        "finished_at": entities.iso(job.finished_at), "source": job.source_uri,
    }


@blueprint.record_once
def _accept_archives(state) -> None:
    """Quart fixes a request's body limit when it makes the request object (see media.py), so the
    request class gives this one route room for an archive; the services check each type's limit."""
    app = state.app
    base = app.request_class

    class ImportRequest(base):
        def __init__(self, method, scheme, path, *args, max_content_length=None, **kwargs):
            if method == "POST" and path == IMPORT_PATH:
                max_content_length = archive_reader.MAX_ARCHIVE_BYTES + FORM_OVERHEAD
            super().__init__(method, scheme, path, *args, max_content_length=max_content_length, **kwargs)

    app.request_class = ImportRequest


@blueprint.post(IMPORT_PATH)
@scope("write:accounts")
async def create_import():
    # The form parser reads its own limit from the request, not the body's (quart#425).
    request.max_content_length = archive_reader.MAX_ARCHIVE_BYTES + FORM_OVERHEAD
    imports.ensure_room(runtime().services, request.content_length or 0)
    params, files = await Params.read(), await request.files
    upload = files.get("data")
    if upload is None:
        raise Unprocessable("data is missing: send the file as multipart form data")
    kind, mode = params.text("type", max_length=40), params.text("mode", max_length=40)
    job = await imports.request_import(runtime().services, caller().actor, kind, mode, upload.stream)
    return job_entity(job), 202


@blueprint.post(IMPORT_PATH + "/posts")
@scope("write:accounts")
async def pull_posts():
    acct = (await Params.read()).text("acct", "", max_length=2000)
    return job_entity(await imports.request_pull(runtime().services, caller().actor, acct)), 202


@blueprint.get("/api/v1/imports")
@scope("read:accounts")
async def list_imports():
    return [job_entity(job) for job in await imports.recent_jobs(runtime().db, caller().actor)]


@blueprint.get("/api/v1/imports/<job_id>")
@scope("read:accounts")
async def show_import(job_id: str):
    return job_entity(await imports.own_job(runtime().db, caller().actor, record_id(job_id)))
