"""Media uploads through Mastodon.py and raw HTTP: what is stored and served, what is refused
(checklist 30-33), who may touch an upload, and the rules for attaching uploads to a post."""

import dataclasses
import io
import os
import resource
import time
from pathlib import Path

import pytest
import requests
from mastodon import MastodonAPIError, MastodonNotFoundError, MastodonUnauthorizedError
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from redfed.errors import Unprocessable
from redfed.federation import serialize
from redfed.services.media import media as media_service
from redfed.services.media import media_files, media_sweep
from redfed.services.social import posts
from redfed.store.media import media as media_store

from ..support import api
from ..support.http import get, request
from ..support.videos import FAKE_MP4, clip, described

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def jpeg_with_gps() -> bytes:
    """40x20 pixels that must be turned upright (orientation 6), with GPS, a camera and a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (52.0, 22.0, 1.0), 3: "E", 4: (4.0, 53.0, 1.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, "JPEG", exif=exif, icc_profile=SRGB, comment=b"secret note")
    return buffer.getvalue()


def image_bytes(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def noise_jpeg(side: int) -> bytes:
    return image_bytes(Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)), "JPEG", quality=95)


def stored_path(instance, url: str) -> Path:
    return instance.config.media_path / url.split("/media/", 1)[1]


def status_of(error: pytest.ExceptionInfo) -> int:
    return error.value.args[1]


def upload(instance, token: str, data: bytes, *, version: str = "v2", name: str = "upload.bin", mime: str = "application/octet-stream", **fields):
    return requests.post(
        instance.url(f"/api/{version}/media"), headers={"Authorization": f"Bearer {token}"},
        files={"file": (name, data, mime)}, data=fields, timeout=30,
    )


def wait_until_processed(mastodon, media_id) -> dict:
    deadline = time.monotonic() + 10
    while True:
        found = mastodon.media(media_id)
        if found["url"] is not None or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


@pytest.fixture
def alice(instance):
    instance.create_user("alice")
    return api.client(instance, "alice")


def test_jpeg__is_turned_upright_and_loses_exif_and_gps_but_keeps_its_icc_profile(instance, alice):
    media = alice.media_post(jpeg_with_gps(), mime_type="image/jpeg", description="a red square", focus=(0.5, -0.25))
    assert media["type"] == "image" and media["description"] == "a red square"
    assert media["meta"]["original"] == {"width": 20, "height": 40, "size": "20x40", "aspect": 0.5}
    assert media["meta"]["small"]["width"] == 20 and media["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    assert media["blurhash"] and len(media["blurhash"]) == 1 + 1 + 4 + 2 * (4 * 3 - 1)  # 4x3 components
    for url in (media["url"], media["preview_url"]):
        data = stored_path(instance, url).read_bytes()
        assert b"Exif" not in data and b"SpyCam" not in data and b"secret note" not in data
        stored = Image.open(io.BytesIO(data))
        assert stored.format == "JPEG" and len(stored.getexif()) == 0 and "comment" not in stored.info
        assert stored.info.get("icc_profile") == SRGB
        assert stored.size == (20, 40)
        served = get(url)
        assert served.status == 200 and served.body == data
        assert served.headers["Content-Type"] == "image/jpeg"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert "max-age=31536000" in served.headers["Cache-Control"]
        head = request("HEAD", url)
        assert head.status == 200 and head.headers["Content-Length"] == str(len(data)) and head.headers["ETag"] and head.body == b""


def test_png_with_transparency__stays_a_transparent_png(instance, alice):
    picture = Image.new("RGBA", (30, 30), (0, 0, 0, 0))
    picture.paste((0, 128, 255, 255), (10, 10, 20, 20))
    text = PngInfo()
    text.add_text("Comment", "secret place")
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (52.0, 22.0, 1.0)}
    media = alice.media_post(image_bytes(picture, "PNG", pnginfo=text, exif=exif), mime_type="image/png")
    data = stored_path(instance, media["url"]).read_bytes()
    assert b"secret place" not in data and b"eXIf" not in data
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "PNG" and stored.mode == "RGBA"
    assert stored.getpixel((0, 0))[3] == 0 and stored.getpixel((15, 15)) == (0, 128, 255, 255)
    assert get(media["url"]).headers["Content-Type"] == "image/png"


def test_upload_larger_than_the_inbox_limit__is_read_in_full(instance, alice):
    """Uploads get their own body limit: more than the app-wide 1 MiB, through v1 and v2."""
    data = noise_jpeg(1100)
    assert len(data) > 1024 * 1024
    media = alice.media_post(data, mime_type="image/jpeg")  # v2: processed in the background
    media = wait_until_processed(alice, media["id"])
    assert media["meta"]["original"]["width"] == 1100
    response = upload(instance, api.token_for(instance, "alice"), data, version="v1")
    assert response.status_code == 200 and response.json()["url"]


def test_media_update__sets_description_and_focus_until_posted(instance, alice):
    media = alice.media_post(jpeg_with_gps(), mime_type="image/jpeg")
    updated = alice.media_update(media["id"], description="now described", focus=(-1.0, 1.0))
    assert updated["description"] == "now described" and updated["meta"]["focus"] == {"x": -1.0, "y": 1.0}
    assert alice.media(media["id"])["description"] == "now described"
    with pytest.raises(MastodonAPIError, match="Description is too long") as error:
        alice.media_update(media["id"], description="x" * 1501)
    assert status_of(error) == 422
    with pytest.raises(MastodonAPIError, match="between -1.0 and 1.0"):
        alice.media_update(media["id"], focus=(2, 0))


@pytest.mark.parametrize("side", [20_000, 9_000])  # over Pillow's own bomb limit, and only over ours
def test_decompression_bomb__is_refused_from_its_header(instance, alice, side):
    bomb = image_bytes(Image.new("1", (side, side)), "PNG", optimize=True)
    assert len(bomb) < 100_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(MastodonAPIError, match="dimensions are too large") as error:
        alice.media_post(bomb, mime_type="image/png")
    assert status_of(error) == 422
    # 400 million pixels decoded would take 400 MB; the header was all that was read.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024


def test_gif_with_ten_thousand_frames__is_refused(instance, alice):
    frames = [Image.new("P", (1, 1), i % 2) for i in range(10_000)]
    for frame in frames:
        frame.putpalette([0, 0, 0, 255, 255, 255])
    gif = image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=20)
    with pytest.raises(MastodonAPIError, match="too many animation frames") as error:
        alice.media_post(gif, mime_type="image/gif")
    assert status_of(error) == 422


def test_small_animated_gif__becomes_a_looping_video_without_its_comment(instance, alice):
    frames = [Image.new("RGB", (8, 8), color) for color in ("red", "green", "blue")]
    gif = image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50, comment=b"hidden")
    media = alice.media_post(gif, mime_type="image/gif")
    instance.drain()
    media = wait_until_processed(alice, media["id"])
    stored = stored_path(instance, media["url"]).read_bytes()
    assert media["type"] == "gifv" and described(stored)["codecs"] == ["h264"] and b"hidden" not in stored


@pytest.mark.parametrize("payload", [
    b"<!doctype html><html><script>alert(document.cookie)</script></html>",
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b"\x89PNG\r\n\x1a\n" + b"<html><script>alert(1)</script></html>",
])
def test_html_or_svg_labelled_as_png__is_refused(instance, alice, payload):
    with pytest.raises(MastodonAPIError, match="could not be verified") as error:
        alice.media_post(payload, mime_type="image/png", file_name="photo.png")
    assert status_of(error) == 422
    assert not list((instance.config.media_path / "tmp").glob("*")), "no temporary file left behind"


@pytest.mark.parametrize("name", ["../../etc/passwd.jpg", "/etc/passwd.jpg", "a\x00b.jpg", "..\\..\\boot.ini"])
def test_crafted_file_name__is_ignored_for_a_generated_key(instance, alice, name):
    media = alice.media_post(jpeg_with_gps(), mime_type="image/jpeg", file_name=name)
    key = media["url"].split("/media/", 1)[1]
    assert media_files.content_type_of(key) == "image/jpeg"
    assert "passwd" not in media["url"] and "boot" not in media["url"]
    assert stored_path(instance, media["url"]).resolve().is_relative_to(instance.config.media_path.resolve())
    assert not (instance.folder / "etc").exists()


@pytest.mark.parametrize("key", [
    "../secret.key", "..%2fsecret.key", "ab/cd/../../../secret.key", "tmp/x.upload", "ab/cd/abcd.jpg",
    "00/11/2233445566778899aabbccddeeff0011.exe", "00/11/0011445566778899aabbccddeeff0011.jpg",
])
def test_media_route__serves_only_generated_keys(instance, key):
    (instance.config.media_path / "tmp").mkdir(parents=True, exist_ok=True)
    (instance.config.media_path / "tmp" / "x.upload").write_bytes(b"private")
    assert get(instance.url(f"/media/{key}")).status == 404


def test_file_over_the_size_limits__is_refused(start_instance):
    instance = start_instance("a", media={"max_image_bytes": 50_000, "max_video_bytes": 200_000})
    instance.create_user("alice")
    alice = api.client(instance, "alice")
    with pytest.raises(MastodonAPIError, match="File file size must be less than") as error:
        alice.media_post(noise_jpeg(250), mime_type="image/jpeg")
    assert status_of(error) == 422
    # More than any upload may be: refused as a body before it is parsed.
    response = upload(instance, api.token_for(instance, "alice"), b"\x00" * 400_000)
    assert response.status_code == 413


def test_anothers_media__is_not_found(instance, alice):
    instance.create_user("bob")
    bob = api.client(instance, "bob")
    media = alice.media_post(jpeg_with_gps(), mime_type="image/jpeg")
    for attempt in (lambda: bob.media(media["id"]), lambda: bob.media_update(media["id"], description="mine")):
        with pytest.raises(MastodonNotFoundError):
            attempt()
    assert delete(instance, "bob", media["id"]).status_code == 404
    assert alice.media(media["id"])["description"] is None


def test_media_routes__need_a_token_with_write_media(instance):
    instance.create_user("alice")
    with pytest.raises(MastodonUnauthorizedError):
        api.client(instance).media_post(jpeg_with_gps(), mime_type="image/jpeg")
    with pytest.raises(MastodonAPIError, match="outside the authorized scopes") as error:
        api.client(instance, "alice", scopes="read").media_post(jpeg_with_gps(), mime_type="image/jpeg")
    assert status_of(error) == 403
    assert api.client(instance, "alice", scopes="write:media").media_post(jpeg_with_gps(), mime_type="image/jpeg")["url"]


def test_video_on_v2__is_accepted_at_once_then_processed(instance, alice):
    token = api.token_for(instance, "alice")
    response = upload(instance, token, clip(), name="clip.mp4", mime="video/mp4", description="a clip")
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["type"] == "video" and accepted["url"] is None and accepted["description"] == "a clip"
    instance.drain()
    ready = wait_until_processed(alice, accepted["id"])
    assert ready["url"] and ready["preview_url"].endswith(".jpg")
    served = get(ready["url"])
    assert served.body == stored_path(instance, ready["url"]).read_bytes() and served.headers["Content-Type"] == "video/mp4"
    part = get(ready["url"], headers={"Range": "bytes=4-7"})
    assert part.status == 206 and part.body == b"ftyp"
    on_v1 = upload(instance, token, clip(), version="v1")
    assert on_v1.status_code == 200 and on_v1.json()["url"].endswith(".mp4")


def test_v2_upload_that_fails_in_the_background__is_marked_failed(instance, alice):
    broken = b"\x89PNG\r\n\x1a\n" + os.urandom(media_service.BACKGROUND_IMAGE_BYTES + 1)
    response = upload(instance, api.token_for(instance, "alice"), broken)
    assert response.status_code == 202
    deadline = time.monotonic() + 10
    while (row := instance.run(media_store.get(instance.runtime.db.reader, int(response.json()["id"])))).state == "processing":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert row.state == "failed" and row.file_key == ""
    with pytest.raises(MastodonAPIError, match="Error processing") as error:
        alice.media(response.json()["id"])
    assert status_of(error) == 422


def test_processing_row__while_processing_answers_206_and_is_failed_after_a_restart(instance, alice):
    accepted = alice.media_post(clip(), mime_type="video/mp4")
    instance.drain()
    ready = wait_until_processed(alice, accepted["id"])
    row = instance.run(media_store.get(instance.runtime.db.reader, int(ready["id"])))
    stuck = dataclasses.replace(row, id=row.id + 1, state="processing", file_key="", preview_key=None)
    instance.run(_insert(instance, stuck))
    response = requests.get(
        instance.url(f"/api/v1/media/{stuck.id}"), headers={"Authorization": f"Bearer {api.token_for(instance, 'alice')}"}, timeout=10
    )
    assert response.status_code == 206 and response.json()["url"] is None
    claim = media_service.claim_for_post(instance.runtime.db, row.owner_id, [stuck.id], max_attachments=4)
    with pytest.raises(Unprocessable, match="have not finished processing"):
        instance.run(claim)
    assert instance.run(media_sweep.recover_interrupted(instance.ctx)) == 1
    assert instance.run(media_store.get(instance.runtime.db.reader, stuck.id)).state == "failed"


def test_custom_thumbnail__becomes_the_preview_and_can_be_replaced(instance, alice):
    cover = image_bytes(Image.new("RGB", (1280, 720), "navy"), "PNG")
    accepted = alice.media_post(clip(), mime_type="video/mp4", thumbnail=cover, thumbnail_mime_type="image/png")
    instance.drain()
    media = wait_until_processed(alice, accepted["id"])
    assert media["preview_url"] != media["url"] and media["meta"]["small"] == {"width": 640, "height": 360, "size": "640x360", "aspect": 640 / 360}
    assert media["blurhash"] and get(media["preview_url"]).headers["Content-Type"] == "image/jpeg"
    first_preview = stored_path(instance, media["preview_url"])
    updated = alice.media_update(media["id"], thumbnail=image_bytes(Image.new("RGB", (100, 100), "red"), "PNG"), thumbnail_mime_type="image/png")
    assert updated["preview_url"] != media["preview_url"] and updated["meta"]["small"]["width"] == 100
    assert not first_preview.exists() and stored_path(instance, updated["preview_url"]).exists()
    with pytest.raises(MastodonAPIError, match="could not be verified"):
        alice.media_update(media["id"], thumbnail=FAKE_MP4, thumbnail_mime_type="video/mp4")


async def _insert(instance, media):
    async with instance.runtime.db.transaction() as conn:
        await media_store.insert(conn, media)


def delete(instance, username: str, media_id) -> requests.Response:
    """DELETE /api/v1/media/:id (Mastodon 4.4; Mastodon.py 2.3 has no method for it)."""
    token = api.token_for(instance, username)
    return requests.delete(instance.url(f"/api/v1/media/{media_id}"), headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_delete__removes_an_unposted_upload_and_its_files(instance, alice):
    media = alice.media_post(jpeg_with_gps(), mime_type="image/jpeg")
    files = [stored_path(instance, media["url"]), stored_path(instance, media["preview_url"])]
    assert all(path.exists() for path in files)
    response = delete(instance, "alice", media["id"])
    assert response.status_code == 200 and response.json() == {}
    assert not any(path.exists() for path in files)
    with pytest.raises(MastodonNotFoundError):
        alice.media(media["id"])


def test_claim_for_post__checks_owner_state_count_and_use(instance, alice):
    instance.create_user("bob")
    bob = api.client(instance, "bob")
    author = instance.actor("alice")
    first, second, third = (int(alice.media_post(jpeg_with_gps(), mime_type="image/jpeg")["id"]) for _ in range(3))
    theirs = int(bob.media_post(jpeg_with_gps(), mime_type="image/jpeg")["id"])
    db = instance.runtime.db

    def claim(ids, limit=4, post_id=None):
        return instance.run(media_service.claim_for_post(db, author.id, ids, max_attachments=limit, post_id=post_id))

    assert [m.id for m in claim([second, first, second])] == [second, first]
    with pytest.raises(Unprocessable, match=f"Media {theirs} not found"):
        claim([first, theirs])
    with pytest.raises(Unprocessable, match="Media 12345 not found"):
        claim([12345])
    with pytest.raises(Unprocessable, match="Cannot attach more than 2 files"):
        claim([first, second, third], limit=2)
    video = int(alice.media_post(clip(), mime_type="video/mp4")["id"])
    instance.drain()
    wait_until_processed(alice, video)
    with pytest.raises(Unprocessable, match="Cannot attach a video"):
        claim([first, video])

    post = instance.run(posts.create_local_post(instance.ctx, author, "with a picture", media=claim([first])))
    attached = instance.run(media_store.get(db.reader, first))
    assert attached.post_id == post.id and attached.position == 0
    assert [m.id for m in claim([first], post_id=post.id)] == [first]
    with pytest.raises(Unprocessable, match="already attached to another post"):
        claim([first])
    with pytest.raises(MastodonNotFoundError):
        alice.media(first)
    refused = delete(instance, "alice", first)
    assert refused.status_code == 422 and refused.json() == {"error": "Media attachment is currently used by a status"}
    note = serialize.media_to_ap(attached, instance.runtime.urls)
    assert note["type"] == "Image" and note["mediaType"] == "image/jpeg" and note["url"].endswith(attached.file_key)
    assert note["width"] == 20 and note["height"] == 40 and note["blurhash"] == attached.blurhash
