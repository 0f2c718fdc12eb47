"""Exports over the API: a job goes from queued to done with progress, the zip goes to its owner
only and expires after 7 days; the CSVs need the matching read scope."""

import io
import time
import zipfile

from ..services.test_exports import check_archive, populate
from ..support import api
from ..support.http import request


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def _finished(instance, token, job_id):
    deadline = time.monotonic() + 30
    while True:
        job = request("GET", instance.url(f"/api/v1/exports/{job_id}"), headers=_auth(token)).json()
        if job["state"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_export_job__done_with_progress_100__owner_only__expires(instance, clock):
    account = populate(instance)
    token = api.token_for(instance, "alice")
    started = request("POST", instance.url("/api/v1/exports"), headers=_auth(token), body=b"")
    assert started.status == 202
    job = started.json()
    assert job["state"] in ("queued", "running", "done") and 0 <= job["progress"] <= 100
    done = _finished(instance, token, job["id"])
    assert (done["state"], done["progress"], done["error"]) == ("done", 100, None)

    archive_url = instance.url(f"/api/v1/exports/{job['id']}/archive")
    reply = request("GET", archive_url, headers=_auth(token))
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(reply.body)).testzip() is None
    check_archive(account, reply.body)

    other = api.token_for(instance, "bob")
    assert request("GET", archive_url, headers=_auth(other)).status == 404
    assert request("GET", instance.url(f"/api/v1/exports/{job['id']}"), headers=_auth(other)).status == 404
    assert request("GET", archive_url).status == 401

    clock.advance(7 * 24 * 3600 + 1)
    expired = request("GET", archive_url, headers=_auth(token))
    assert expired.status == 410 and "error" in expired.json()


def test_export_routes__need_the_right_scope(instance):
    instance.create_user("alice")
    read_only = api.token_for(instance, "alice", scopes="read")
    assert request("POST", instance.url("/api/v1/exports"), headers=_auth(read_only), body=b"").status == 403
    mutes_only = api.token_for(instance, "alice", scopes="read:mutes")
    assert request("GET", instance.url("/api/v1/exports/csv/mutes.csv"), headers=_auth(mutes_only)).status == 200
    assert request("GET", instance.url("/api/v1/exports/csv/following.csv"), headers=_auth(mutes_only)).status == 403
    assert request("GET", instance.url("/api/v1/exports/csv/passwords.csv"), headers=_auth(read_only)).status == 404


def test_csv_over_the_api__is_mastodons_following_format(instance):
    populate(instance)
    reply = request("GET", instance.url("/api/v1/exports/csv/following.csv"), headers=_auth(api.token_for(instance, "alice")))
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/csv")
    assert reply.body == f"Account address,Show boosts,Notify on new posts,Languages\nbob@{instance.domain},true,false,\n".encode()
