"""Video uploads (issue 15): probed when uploaded, refused with the limit they break and nothing
kept (checklist 49), transcoded by the workers to H.264 and AAC in an MP4 that starts with its
index, without the source's metadata, with a poster frame and Mastodon's `meta`."""

import time

import pytest
import requests
from mastodon import MastodonAPIError

from redfed.errors import Unprocessable
from redfed.services.media import media as media_service
from redfed.store.media import media as media_store

from ..support import api
from ..support.http import get
from ..support.videos import FAKE_MP4, LOCATION, animated_gif, clip, described, video_packets


def upload(instance, token: str, data: bytes, *, version: str = "v2", mime: str = "video/mp4", **fields) -> requests.Response:
    return requests.post(
        instance.url(f"/api/{version}/media"), headers={"Authorization": f"Bearer {token}"},
        files={"file": ("clip.mp4", data, mime)}, data=fields, timeout=60,
    )


def show(instance, token: str, media_id: str) -> requests.Response:
    return requests.get(instance.url(f"/api/v1/media/{media_id}"), headers={"Authorization": f"Bearer {token}"}, timeout=10)


def stored_files(instance) -> list[str]:
    folder = instance.config.media_path
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def media_rows(instance) -> int:
    return len(instance.run(media_store.stored_files(instance.runtime.db.reader)))


@pytest.fixture
def token(instance):
    instance.create_user("alice")
    return api.token_for(instance, "alice")


def test_video__through_mastodon_py__is_transcoded_by_the_workers_into_a_web_safe_mp4(start_instance):
    instance = start_instance("a", workers={"in_process": True})
    instance.create_user("alice")
    alice = api.client(instance, "alice")
    source = clip(frames=12, size=(96, 64), container="mov", metadata={"location": LOCATION, "title": "my street"})
    assert described(source)["metadata"]["location"] == LOCATION
    media = alice.media_post(source, mime_type="video/quicktime", description="a clip", synchronous=True)
    assert media["type"] == "video" and media["description"] == "a clip" and media["blurhash"]
    meta = media["meta"]
    assert meta["original"]["width"] == 96 and meta["original"]["height"] == 64 and meta["original"]["frame_rate"] == "12/1"
    assert meta["fps"] == 12 and meta["aspect"] == 1.5 and meta["size"] == "96x64" and meta["duration"] == pytest.approx(1.0, abs=0.1)
    assert meta["length"] == "0:00:01.00" and meta["audio_channels"] == "stereo" and meta["audio_encode"].startswith("aac")
    assert meta["small"] == {"width": 96, "height": 64, "size": "96x64", "aspect": 1.5}
    served = get(media["url"])
    assert served.status == 200 and served.headers["Content-Type"] == "video/mp4" and media["url"].endswith(".mp4")
    found = described(served.body)
    assert found["codecs"] == ["h264", "aac"] and found["pix_fmt"] == "yuv420p" and found["size"] == (96, 64)
    assert "location" not in found["metadata"] and "title" not in found["metadata"] and LOCATION.encode() not in served.body
    assert served.body.index(b"moov") < served.body.index(b"mdat"), "the index comes first, for playing while loading"
    assert video_packets(served.body) == video_packets(source), "web-safe already: rewrapped, not re-encoded"
    poster = get(media["preview_url"])
    assert poster.status == 200 and poster.headers["Content-Type"] == "image/jpeg"


def test_video_on_v2__answers_202_then_206_until_the_workers_transcode_it_then_200(instance, token):
    accepted = upload(instance, token, clip(container="webm"), mime="video/webm")
    assert accepted.status_code == 202 and accepted.json()["url"] is None and accepted.json()["type"] == "video"
    media_id = accepted.json()["id"]
    assert show(instance, token, media_id).status_code == 206
    author = instance.actor("alice")
    with pytest.raises(Unprocessable, match="have not finished processing"):
        instance.run(media_service.claim_for_post(instance.runtime.db, author.id, [int(media_id)], max_attachments=4))
    assert instance.drain() >= 1
    ready = show(instance, token, media_id)
    assert ready.status_code == 200 and ready.json()["url"].endswith(".mp4")
    assert described(get(ready.json()["url"]).body)["codecs"] == ["h264", "aac"]


def test_video_on_v1__is_transcoded_before_the_answer(instance, token):
    response = upload(instance, token, clip(audio=False), version="v1")
    assert response.status_code == 200
    media = response.json()
    assert media["url"].endswith(".mp4") and "audio_encode" not in media["meta"]
    assert described(get(media["url"]).body)["codecs"] == ["h264"]


def test_video_larger_than_the_configured_side__is_scaled_down_and_its_frame_rate_capped(start_instance):
    instance = start_instance("a", media={"video_max_side": 32, "video_max_output_fps": 6})
    instance.create_user("alice")
    media = upload(instance, api.token_for(instance, "alice"), clip(frames=12, size=(96, 64)), version="v1").json()
    assert media["meta"]["original"]["width"] == 48 and media["meta"]["original"]["height"] == 32
    served = get(media["url"]).body
    found = described(served)
    assert found["size"] == (48, 32) and found["rate"] == 6
    assert len(video_packets(served)) == 6, "re-encoded at the lower rate"


def test_video_of_a_phone_held_upright__is_turned_upright(instance, token):
    media = upload(instance, token, clip(size=(64, 48), rotation=90), version="v1").json()
    assert media["meta"]["original"]["width"] == 48 and media["meta"]["original"]["height"] == 64
    found = described(get(media["url"]).body)
    assert found["size"] == (48, 64) and found["rotation"] == 0


def _truncated() -> bytes:
    whole = clip()
    return whole[: len(whole) // 3]


@pytest.mark.parametrize(("make", "limits", "message"), [
    (lambda: FAKE_MP4, {}, "File type of uploaded media could not be verified"),
    (_truncated, {}, "File type of uploaded media could not be verified"),
    (lambda: clip(size=(96, 64)), {"max_video_pixels": 64 * 48}, "Validation failed: Video dimensions are too large"),
    (lambda: clip(frames=24), {"max_video_seconds": 1.5}, "Validation failed: Video is too long"),
    (lambda: clip(fps=30), {"max_video_fps": 25}, "Validation failed: Video frame rate is too high"),
], ids=["fake", "truncated", "oversized", "too-long", "too-fast"])
def test_video_refused_by_its_probe__answers_422_with_the_reason_and_keeps_nothing(start_instance, make, limits, message):
    instance = start_instance("a", media=limits)
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    for version in ("v2", "v1"):
        response = upload(instance, token, make(), version=version)
        assert response.status_code == 422 and response.json()["error"] == message
    assert stored_files(instance) == [] and media_rows(instance) == 0
    assert instance.run(_count(instance, "media")) == 0 and instance.run(_count(instance, "media_jobs")) == 0


def test_transcode_over_its_time_budget__marks_the_upload_failed_and_a_status_cannot_use_it(start_instance):
    instance = start_instance("a", media={"max_transcode_seconds": 0.001})
    instance.create_user("alice")
    alice, token = api.client(instance, "alice"), api.token_for(instance, "alice")
    accepted = upload(instance, token, clip()).json()
    instance.drain()
    row = instance.run(media_store.get(instance.runtime.db.reader, int(accepted["id"])))
    assert row.state == "failed" and row.error == "Validation failed: Video took too long to process"
    refused = show(instance, token, accepted["id"])
    assert refused.status_code == 422
    with pytest.raises(MastodonAPIError) as error:
        alice.status_post("with my video", media_ids=[accepted["id"]])
    assert error.value.args[1] == 422
    assert [key for key in stored_files(instance) if not key.startswith("tmp/")] == [], "the original went with the job"


def test_deleting_a_queued_video__removes_its_original_and_its_job(instance, token):
    accepted = upload(instance, token, clip()).json()
    assert len(stored_files(instance)) == 1
    assert requests.delete(instance.url(f"/api/v1/media/{accepted['id']}"), headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 200
    assert stored_files(instance) == [] and instance.run(_count(instance, "media_jobs")) == 0
    assert instance.drain() == 0


async def _count(instance, table: str) -> int:
    async with instance.runtime.db.reader.execute(f"SELECT count(*) FROM {table}") as cursor:
        return (await cursor.fetchone())[0]


def test_restart_between_upload_and_transcode__keeps_the_job_and_finishes_it(start_instance, tmp_path):
    instance = start_instance("a")
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    accepted = upload(instance, token, clip()).json()
    port = instance.port
    instance.stop()
    again = start_instance("a", port=port)
    assert show(again, token, accepted["id"]).status_code == 206, "a queued video is not failed by the start-up sweep"
    again.drain()
    deadline = time.monotonic() + 5
    while show(again, token, accepted["id"]).status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_animated_gif__becomes_a_looping_mp4_gifv_and_a_still_gif_stays_an_image(instance, token):
    response = upload(instance, token, animated_gif(frames=4), version="v1", mime="image/gif")
    assert response.status_code == 200, response.text
    media = response.json()
    assert media["type"] == "gifv" and media["url"].endswith(".mp4") and "audio_encode" not in media["meta"]
    found = described(get(media["url"]).body)
    assert found["codecs"] == ["h264"] and found["size"] == (16, 12) and found["duration"] == pytest.approx(0.4, abs=0.05)
    on_v2 = upload(instance, token, animated_gif(frames=3), mime="image/gif")
    assert on_v2.status_code == 202 and on_v2.json()["type"] == "gifv"
    still = upload(instance, token, animated_gif(frames=1), version="v1", mime="image/gif").json()
    assert still["type"] == "image" and still["url"].endswith(".png")
