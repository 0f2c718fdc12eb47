"""Instagram import: the zip "Download your information" gives, in JSON format, brings back the
account's posts - photos and videos from the zip through the media pipeline, captions with their
hashtags linked, original dates - without telling followers of them as new; a second import
creates nothing twice; a hostile zip is refused whole with the reason and nothing stored."""

import zipfile

from ..support import api
from ..support.http import get
from .archives import zip_of
from .foreign_exports import instagram_export
from .support import import_and_wait, upload
from .test_archive_import import _count, _nothing_stored


def test_instagram_export__posts_with_photos_videos_captions_hashtags_and_dates(instance):
    alice = instance.create_user("alice").actor
    token = api.token_for(instance, "alice")
    deliveries = _count(instance, "SELECT count(*) FROM deliveries")

    job = import_and_wait(instance, token, "instagram", instagram_export(), filename="instagram.zip")

    assert (job["type"], job["state"], job["total"], job["imported"], job["progress"]) == ("instagram", "done", 3, 2, 100)
    [failure] = job["report"]
    assert failure["error"] == "bad_item" and "lists no media" in failure["detail"]
    reel, carousel = api.client(instance, "alice").account_statuses(alice.id)
    assert carousel["created_at"].isoformat().startswith("2023-01-02T03:04:05")
    assert "Café au lait ☕" in carousel["content"] and "best of the week" in carousel["content"]
    assert sorted(t["name"] for t in carousel["tags"]) == ["coffee", "morning"]
    assert f'href="{instance.url("/tags/coffee")}"' in carousel["content"]
    assert [m["type"] for m in carousel["media_attachments"]] == ["image", "image"]
    assert all(get(m["url"]).status == 200 for m in carousel["media_attachments"])
    assert reel["created_at"].isoformat().startswith("2023-02-01T12:00:00")
    assert "Skating in Zürich" in reel["content"] and [t["name"] for t in reel["tags"]] == ["skate"]
    [video] = reel["media_attachments"]
    assert video["type"] == "video" and get(video["url"]).status == 200
    assert carousel["visibility"] == "public"
    assert _count(instance, "SELECT count(*) FROM deliveries") == deliveries

    again = import_and_wait(instance, token, "instagram", instagram_export(), filename="instagram.zip")
    assert (again["state"], again["imported"]) == ("done", 2)
    assert _count(instance, "SELECT count(*) FROM posts WHERE actor_id = ?", alice.id) == 2
    assert _count(instance, "SELECT count(*) FROM media WHERE owner_id = ?", alice.id) == 3


def test_older_layout__posts_read_from_content_folder(instance):
    alice = instance.create_user("alice").actor
    job = import_and_wait(instance, api.token_for(instance, "alice"), "instagram", instagram_export("content/"),
                          filename="instagram.zip")
    assert (job["state"], job["imported"]) == ("done", 2)
    assert _count(instance, "SELECT count(*) FROM posts WHERE actor_id = ?", alice.id) == 2


def test_hostile_or_foreign_zip__refused_with_the_reason_and_nothing_stored(instance):
    alice = instance.create_user("alice").actor
    token = api.token_for(instance, "alice")
    huge = b"[" + b" " * (33 * 1024 * 1024) + b"]"
    cases = {
        "unsafe name": instagram_export(**{"media/../../../etc/cron.d/evil": b"x"}),
        "too large": zip_of({"your_instagram_activity/content/posts_1.json": huge}, zipfile.ZIP_STORED),
        "not valid JSON": zip_of({"content/posts_1.json": b"<html>"}),
        "not an Instagram export": zip_of({"outbox.json": b"{}"}),
    }
    for reason, data in cases.items():
        refused = upload(instance, token, "instagram", data, filename="instagram.zip")
        assert refused.status == 422 and reason in refused.json()["error"], (reason, refused.body)
    _nothing_stored(instance, alice)
