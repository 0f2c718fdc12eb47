"""Archive import: a Mastodon-format archive re-creates its posts (published dates, content
warnings, visibility, media with alt text, threads) without telling anyone they are new, records
where each came from so a second import creates nothing, and hostile or broken archives are
refused whole with a clear reason and nothing stored."""

import io
import zipfile

import pytest

from redfed.services.social import posts
from redfed.store import post_origins
from redfed.store.portability import imports as import_store

from ..support import api
from ..support.http import get
from .archives import MEDIA_PATH, OLD, hostile_archives, mastodon_archive, zip_of
from .support import finished, import_and_wait, upload


def _count(instance, sql, *params):
    async def run():
        async with instance.runtime.db.reader.execute(sql, params) as cursor:
            return (await cursor.fetchone())[0]
    return instance.run(run())


def _nothing_stored(instance, alice):
    assert _count(instance, "SELECT count(*) FROM posts WHERE actor_id = ?", alice.id) == 0
    assert _count(instance, "SELECT count(*) FROM media WHERE owner_id = ?", alice.id) == 0
    assert instance.run(import_store.jobs_of(instance.runtime.db.reader, alice.id)) == []
    folder = instance.config.base_dir / "imports"
    assert [path for path in folder.rglob("*") if path.is_file()] == []


def test_mastodon_archive__posts_recreated_with_dates_warnings_visibility_media_and_threads(instance):
    alice, bob = instance.create_user("alice").actor, instance.create_user("bob").actor
    liked = instance.run(posts.create_local_post(instance.ctx, bob, "like me"))
    kept = instance.run(posts.create_local_post(instance.ctx, bob, "keep me"))
    token = api.token_for(instance, "alice")
    deliveries = _count(instance, "SELECT count(*) FROM deliveries")

    job = import_and_wait(instance, token, "archive", mastodon_archive([liked.uri], [kept.uri]), filename="archive.zip")

    assert (job["state"], job["progress"], job["total"], job["report"]) == ("done", 100, 5, [])
    me = api.client(instance, "alice")
    statuses = me.account_statuses(alice.id)
    assert len(statuses) == 3  # the boost is not a post of hers
    first = next(s for s in statuses if "Hello" in s["content"])
    reply = next(s for s in statuses if "reply" in s["content"])
    private = next(s for s in statuses if "followers" in s["content"])
    assert "<script>" not in first["content"] and "alert" not in first["content"]
    assert first["created_at"].isoformat().startswith("2023-01-02T03:04:05")
    assert (first["visibility"], reply["visibility"], private["visibility"]) == ("public", "unlisted", "private")
    assert reply["spoiler_text"] == "spoilers & such" and reply["sensitive"]
    assert reply["in_reply_to_id"] == first["id"]
    assert [t["name"] for t in first["tags"]] == ["cats"]
    assert f'href="{instance.url("/tags/cats")}"' in first["content"]  # the tag leads here now
    assert "mastodon.example/tags" not in first["content"]
    [photo] = first["media_attachments"]
    assert photo["description"] == "A red square on white"
    assert get(photo["url"]).status == 200
    # Bookmarks and likes of the archive, on posts found here.
    assert [s["uri"] for s in me.bookmarks()] == [kept.uri]
    assert [s["uri"] for s in me.favourites()] == [liked.uri]
    # Where each post came from is kept; nobody was told of old posts as new ones.
    origins = {instance.run(post_origins.origin_of(instance.runtime.db.reader, int(s["id"]))) for s in statuses}
    assert origins == {f"{OLD}/statuses/10951200000000{n}" for n in (1, 2, 3)}
    assert _count(instance, "SELECT count(*) FROM deliveries") == deliveries
    # Nor streamed to open clients as new posts.
    assert _count(instance, "SELECT count(*) FROM stream_events WHERE kind = 'update' AND actor_id = ?", alice.id) == 0
    assert all(s["account"]["acct"] == "alice" for s in statuses)


def test_same_archive_twice__creates_nothing_twice(instance):
    alice = instance.create_user("alice").actor
    token = api.token_for(instance, "alice")
    archive = mastodon_archive()
    import_and_wait(instance, token, "archive", archive, filename="archive.zip")
    again = import_and_wait(instance, token, "archive", archive, filename="archive.zip")
    assert again["state"] == "done"
    assert _count(instance, "SELECT count(*) FROM posts WHERE actor_id = ?", alice.id) == 3
    assert _count(instance, "SELECT count(*) FROM media WHERE owner_id = ?", alice.id) == 1


def test_same_archive_twice_at_once__creates_nothing_twice(instance):
    alice = instance.create_user("alice").actor
    token = api.token_for(instance, "alice")
    started = [upload(instance, token, "archive", mastodon_archive(), filename="a.zip") for _ in range(2)]
    assert [reply.status for reply in started] == [202, 202]
    assert [finished(instance, token, reply.json()["id"])["state"] for reply in started] == ["done", "done"]
    assert _count(instance, "SELECT count(*) FROM posts WHERE actor_id = ?", alice.id) == 3
    assert _count(instance, "SELECT count(*) FROM media WHERE owner_id = ?", alice.id) == 1


@pytest.mark.parametrize("name", list(hostile_archives()))
def test_hostile_or_broken_archive__refused_with_nothing_stored(instance, name):
    alice = instance.create_user("alice").actor
    make, message = hostile_archives()[name]
    refused = upload(instance, api.token_for(instance, "alice"), "archive", make(), filename="archive.zip")
    assert refused.status == 422, refused.body
    assert message in refused.json()["error"]
    _nothing_stored(instance, alice)


def test_media_missing_from_the_archive__post_kept_without_it(instance):
    alice = instance.create_user("alice").actor
    source = zipfile.ZipFile(io.BytesIO(mastodon_archive()))
    files = {name: source.read(name) for name in source.namelist() if name != MEDIA_PATH}
    job = import_and_wait(instance, api.token_for(instance, "alice"), "archive", zip_of(files), filename="a.zip")
    assert job["state"] == "done"
    assert _count(instance, "SELECT count(*) FROM posts WHERE actor_id = ?", alice.id) == 3
    assert _count(instance, "SELECT count(*) FROM media WHERE owner_id = ?", alice.id) == 0
