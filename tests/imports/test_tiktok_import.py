"""TikTok import: the data export (user_data_tiktok.json) brings back the account's videos with
their captions, hashtags and dates; a video whose file was added to the zip is taken from there,
any other is fetched from the export's link through the outbound client (here from a loopback
server, which the test instance's config allows), and a link that fails is a failure of that item
alone. A second import creates nothing twice."""

import json

import pytest

from redfed.services.portability import tiktok_reader

from ..support import api
from ..support.hostile import HostileServer
from ..support.http import get
from ..support.videos import clip
from .archives import zip_of
from .foreign_exports import GONE, IN_THE_ZIP, ON_THE_WEB, tiktok_export
from .support import import_and_wait
from .test_archive_import import _count


@pytest.fixture
def web():
    server = HostileServer().start()
    yield server
    server.stop()


def test_tiktok_export__videos_from_the_zip_or_fetched_from_their_links(instance, web):
    alice = instance.create_user("alice").actor
    token = api.token_for(instance, "alice")
    web.serve_bytes(f"/obj/{ON_THE_WEB}.mp4", clip(), "video/mp4")

    job = import_and_wait(instance, token, "tiktok", tiktok_export(web.base_url), filename="tiktok.zip")

    assert (job["type"], job["state"], job["total"], job["imported"]) == ("tiktok", "done", 3, 2)
    [failure] = job["report"]
    assert failure["error"] == "media" and "answered 404" in failure["detail"] and GONE in failure["value"]
    fetched, first = api.client(instance, "alice").account_statuses(alice.id)
    assert first["created_at"].isoformat().startswith("2023-03-04T05:06:07")
    assert "First try" in first["content"] and [t["name"] for t in first["tags"]] == ["dance"]
    assert fetched["created_at"].isoformat().startswith("2023-03-05T00:00:00") and "second" in fetched["content"]
    for status in (first, fetched):
        [video] = status["media_attachments"]
        assert video["type"] == "video" and get(video["url"]).status == 200
    # The video in the zip was never fetched; the other once.
    assert web.fetches(f"/obj/{ON_THE_WEB}.mp4") == 1 and not any(IN_THE_ZIP in r.path for r in web.requests())

    again = import_and_wait(instance, token, "tiktok", tiktok_export(web.base_url), filename="tiktok.zip")
    assert (again["state"], again["imported"]) == ("done", 2)
    assert _count(instance, "SELECT count(*) FROM posts WHERE actor_id = ?", alice.id) == 2
    assert _count(instance, "SELECT count(*) FROM media WHERE owner_id = ?", alice.id) == 2
    assert web.fetches(f"/obj/{ON_THE_WEB}.mp4") == 1  # a post already imported needs no video


def test_newer_export_shape__read_as_well(tmp_path):
    """Newer exports name the section Post → Posts, some nest it under Activity; older ones write
    the keys in lower case."""
    items = [{"date": "2024-05-06 07:08:09", "link": f"https://www.tiktokv.com/share/video/{ON_THE_WEB}/", "Title": "new"},
             {"Date": "not a date", "Link": "https://www.tiktokv.com/share/video/1/"}]
    path = tmp_path / "tiktok.zip"
    path.write_bytes(zip_of({"TikTok_Data/user_data.json": json.dumps({"Activity": {"Post": {"Posts": {"VideoList": items}}}}).encode()}))
    export = tiktok_reader.read_tiktok(path)
    [post] = export.posts
    assert (post.published, post.caption, post.members) == ("2024-05-06T07:08:09Z", "new", ())
    assert post.origin == f"https://www.tiktok.com/share/video/{ON_THE_WEB}" and post.link.endswith(f"/{ON_THE_WEB}/")
    [failure] = export.failures
    assert failure.number == 2 and "no Date" in failure.detail


def test_link_to_a_private_address__refused_without_a_connection(start_instance, web):
    """An instance that keeps to public addresses (the default) never connects to a link of the
    export that names a private one: that video fails, in the report, and nothing is made."""
    instance = start_instance("a", federation={"allow_private_addresses": False, "allow_http": True})
    alice = instance.create_user("alice").actor
    web.serve_bytes(f"/obj/{ON_THE_WEB}.mp4", clip(), "video/mp4")
    job = import_and_wait(instance, api.token_for(instance, "alice"), "tiktok", tiktok_export(web.base_url), filename="t.zip")
    assert (job["state"], job["imported"]) == ("done", 1)  # only the video that came in the zip
    assert {f["error"] for f in job["report"]} == {"media"}
    assert all("not a public address" in f["detail"] for f in job["report"]), job["report"]
    assert web.requests() == []
    assert _count(instance, "SELECT count(*) FROM posts WHERE actor_id = ?", alice.id) == 1
