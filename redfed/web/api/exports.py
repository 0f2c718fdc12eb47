"""Account exports (layer 6): request an archive, watch its progress, download it; the CSVs.

Mastodon offers these on its settings pages only; redfed puts them in the API too, so apps and
scripts can take an account away. Another account's export answers 404, as if it did not exist.
"""

from quart import Blueprint, Response

from ...errors import NotFound
from ...services.portability import exports
from ..context import runtime
from ..downloads import stored_file
from ..inputs import record_id
from . import entities
from .auth import caller, scope

blueprint = Blueprint("api_exports", __name__)

# The narrowest read scope that already lets a token see the same data through the API.
CSV_SCOPES = {
    "following": "read:follows", "followers": "read:follows", "followed_hashtags": "read:follows",
    "blocks": "read:blocks", "domain_blocks": "read:blocks", "mutes": "read:mutes",
    "bookmarks": "read:bookmarks", "lists": "read:lists",
}


def _job(job) -> dict:
    return {
        "id": str(job.id), "state": job.state, "progress": job.progress, "size": job.size,
        "created_at": entities.iso(job.created_at), "finished_at": entities.iso(job.finished_at),
        "expires_at": entities.iso(job.expires_at), "error": job.error,
    }


@blueprint.post("/api/v1/exports")
@scope("write:accounts")
async def request_export():
    job = await exports.request_export(runtime().services, caller().actor)
    return _job(job), 202


@blueprint.get("/api/v1/exports/<job_id>")
@scope("read:accounts")
async def show_export(job_id: str):
    return _job(await exports.own_job(runtime().db, caller().actor, record_id(job_id)))


@blueprint.get("/api/v1/exports/<job_id>/archive")
@scope("read:accounts")
async def download_archive(job_id: str):
    rt = runtime()
    opened = await exports.archive_for(rt.services, caller().actor, record_id(job_id), rt.services.now_ms())
    response = await stored_file(opened, "application/zip", download_name=f"archive-{caller().actor.username}-{job_id}.zip")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.get("/api/v1/exports/csv/<kind>.csv")
async def csv_export(kind: str):
    required = CSV_SCOPES.get(kind)
    if required is None:
        raise NotFound(exports.NOT_FOUND)
    return await scope(required)(_csv)(kind)


async def _csv(kind: str) -> Response:
    rt = runtime()
    text = await exports.csv_export(rt.db, caller().actor, kind, rt.services.now_ms())
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{kind}.csv"', "Cache-Control": "private, no-store",
    })
