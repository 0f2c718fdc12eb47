"""Media in an S3-compatible bucket ([media] storage = "s3"), against a real S3-protocol server on
loopback: uploads, thumbnails, avatars and account archives are stored in the bucket, nothing
under the media folder; redfed serves them by streaming from the bucket, or clients fetch them
from the public base URL; deleting an upload deletes its objects; the start-up sweep removes
objects no row names once they are old enough not to be another process's upload in flight."""

import io
import time
import zipfile

import pytest
from PIL import Image

from redfed.services.media import media_sweep
from redfed.services.portability import imports

from ..imports.archives import mastodon_archive
from ..services.test_exports import check_archive, populate
from ..support import api
from ..support.http import get, request
from ..support.videos import clip



def png(color: str, size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def stored_files(instance) -> list[str]:
    """What the instance's media folder holds outside its scratch space."""
    media = instance.config.media_path
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file() and p.parent.name != "tmp")


def key_of(url: str) -> str:
    return url.split("/media/", 1)[1]


@pytest.fixture
def alice(start_instance, s3_server, bucket):
    instance = start_instance("a", media=s3_server.media_section(bucket))
    instance.create_user("alice")
    return instance, api.client(instance, "alice")


def test_upload__stored_in_the_bucket__served_by_redfed__deleted_with_its_objects(alice, s3_server, bucket):
    instance, client = alice
    media = client.media_post(png("red"), mime_type="image/png", description="red")
    assert media["url"].startswith(instance.url("/media/")) and media["preview_url"].startswith(instance.url("/media/"))
    objects = s3_server.keys(bucket)
    assert set(objects) == {f"media/{key_of(media['url'])}", f"media/{key_of(media['preview_url'])}"}
    assert stored_files(instance) == []

    served = get(media["url"])
    assert served.status == 200 and served.headers["Content-Type"] == "image/png"
    stored = s3_server.client().head_object(Bucket=bucket, Key=f"media/{key_of(media['url'])}")
    assert (stored["ContentType"], stored["CacheControl"]) == ("image/png", "public, max-age=31536000, immutable")
    assert served.body == s3_server.client().get_object(Bucket=bucket, Key=f"media/{key_of(media['url'])}")["Body"].read()
    assert served.headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in served.headers["Content-Security-Policy"]
    assert get(media["preview_url"]).status == 200

    deleted = request("DELETE", instance.url(f"/api/v1/media/{media['id']}"), headers={"Authorization": f"Bearer {client.access_token}"})
    assert deleted.status == 200
    assert s3_server.keys(bucket) == {}
    assert get(media["url"]).status == 404


def test_upload__with_a_public_base_url_clients_fetch_from_the_bucket(start_instance, s3_server, bucket):
    public = f"{s3_server.url}/{bucket}"
    s3_server.allow_public_reads(bucket, "media/")
    instance = start_instance("a", media=s3_server.media_section(bucket, public_base_url=public))
    instance.create_user("alice")
    media = api.client(instance, "alice").media_post(png("blue"), mime_type="image/png")
    assert media["url"].startswith(f"{public}/media/") and media["preview_url"].startswith(f"{public}/media/")
    direct = get(media["url"])
    assert direct.status == 200
    # Links handed out before the public address was set keep working through redfed.
    assert get(instance.url(f"/media/{key_of(media['url'])}")).body == direct.body


def test_video_thumbnail__stored_beside_it__replaced_thumbnail_leaves_the_bucket(alice, s3_server, bucket):
    instance, client = alice
    media = client.media_post(clip(), mime_type="video/mp4", thumbnail=png("green"), thumbnail_mime_type="image/png")
    instance.drain()  # the transcode, by the workers; its original then leaves the bucket
    media = client.media(media["id"])
    first_preview = f"media/{key_of(media['preview_url'])}"
    assert get(media["url"]).body[4:8] == b"ftyp"
    assert set(s3_server.keys(bucket)) == {f"media/{key_of(media['url'])}", first_preview}

    updated = client.media_update(media["id"], thumbnail=png("yellow", (100, 100)), thumbnail_mime_type="image/png")
    assert set(s3_server.keys(bucket)) == {f"media/{key_of(media['url'])}", f"media/{key_of(updated['preview_url'])}"}
    assert get(updated["preview_url"]).headers["Content-Type"] == "image/jpeg"


def test_video_from_the_bucket__served_in_parts_for_players_that_seek(alice):
    instance, client = alice
    media = client.media_post(clip(), mime_type="video/mp4")
    instance.drain()
    media = client.media(media["id"])
    whole_file = get(media["url"]).body
    part = get(media["url"], headers={"Range": "bytes=4-11"})
    assert part.status == 206 and part.body == whole_file[4:12]
    assert part.headers["Content-Range"] == f"bytes 4-11/{len(whole_file)}" and part.headers["Content-Length"] == "8"
    head = request("HEAD", media["url"])
    assert head.status == 200 and head.headers["Content-Length"] == str(len(whole_file)) and head.body == b""
    rest = get(media["url"], headers={"Range": "bytes=8-"})
    assert rest.status == 206 and rest.body == whole_file[8:]
    # A range past the end, or several ranges: the whole file, as HTTP allows.
    for asked in (f"bytes={len(whole_file)}-", "bytes=0-1,4-5"):
        whole = get(media["url"], headers={"Range": asked})
        assert whole.status == 200 and whole.body == whole_file and whole.headers["Accept-Ranges"] == "bytes"


def test_avatar_and_header__stored_in_the_bucket_and_served(alice, s3_server, bucket):
    instance, client = alice
    me = client.account_update_credentials(avatar=png("red"), avatar_mime_type="image/png",
                                           header=png("blue", (300, 100)), header_mime_type="image/png")
    for url in (me["avatar"], me["header"]):
        assert url.startswith(instance.url("/media/")) and get(url).status == 200
        assert f"media/{key_of(url)}" in s3_server.keys(bucket)
    assert stored_files(instance) == []


def test_export_archive__stored_in_the_bucket_and_downloaded_whole(start_instance, s3_server, bucket):
    instance = start_instance("a", media=s3_server.media_section(bucket))
    account = populate(instance)
    token = api.token_for(instance, "alice")
    job = request("POST", instance.url("/api/v1/exports"), headers={"Authorization": f"Bearer {token}"}, body=b"").json()
    deadline = time.monotonic() + 30
    while job["state"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)
        job = request("GET", instance.url(f"/api/v1/exports/{job['id']}"), headers={"Authorization": f"Bearer {token}"}).json()
    assert job["state"] == "done"
    [archive] = [key for key in s3_server.keys(bucket) if key.startswith("exports/")]
    assert s3_server.client().head_object(Bucket=bucket, Key=archive)["CacheControl"] == "private, no-store"
    reply = request("GET", instance.url(f"/api/v1/exports/{job['id']}/archive"), headers={"Authorization": f"Bearer {token}"})
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/zip"
    assert reply.body == s3_server.client().get_object(Bucket=bucket, Key=archive)["Body"].read()
    assert zipfile.ZipFile(io.BytesIO(reply.body)).testzip() is None
    check_archive(account, reply.body)
    assert not (instance.config.base_dir / "exports").exists() or not any((instance.config.base_dir / "exports").rglob("*.zip"))


def test_import_archive__kept_in_the_bucket_until_its_job_is_done(alice, s3_server, bucket):
    instance, client = alice
    actor = instance.actor("alice")
    job = instance.run(imports.request_import(instance.ctx, actor, "archive", "merge", mastodon_archive(), background=False))
    assert f"imports/{job.file_key}" in s3_server.keys(bucket, "imports/")
    assert [p for p in (instance.config.base_dir / "imports").rglob("*") if p.is_file()] == []
    done = instance.run(imports.run_job(instance.ctx, job.id))
    assert (done.state, done.imported) == ("done", 3)
    assert s3_server.keys(bucket, "imports/") == {}
    # The imported photo is an upload like any other: in the bucket.
    [photo] = [m for s in client.account_statuses(actor.id) for m in s["media_attachments"]]
    assert f"media/{key_of(photo['url'])}" in s3_server.keys(bucket, "media/")


def test_start_sweep__removes_objects_no_row_names_once_older_than_the_grace_period(alice, s3_server, bucket):
    instance, client = alice
    kept = client.media_post(png("red"), mime_type="image/png")
    orphan = "media/00/11/0011aaaaaaaaaaaaaaaaaaaaaaaaaaaa.png"
    s3_server.client().put_object(Bucket=bucket, Key=orphan, Body=b"an upload whose row was never committed")

    # Young: perhaps another process's upload between staging and committing.
    instance.run(media_sweep.recover_interrupted(instance.ctx))
    assert orphan in s3_server.keys(bucket)

    instance.node.files.media.sweep_grace_seconds = 0
    instance.run(media_sweep.recover_interrupted(instance.ctx))
    assert set(s3_server.keys(bucket)) == {f"media/{key_of(kept['url'])}", f"media/{key_of(kept['preview_url'])}"}
    assert get(kept["url"]).status == 200
