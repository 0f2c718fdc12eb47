"""Account export: the archive holds every post, its media, likes, bookmarks, listings and a
manifest; the CSVs are byte for byte Mastodon's."""

import asyncio
import io
import json
import zipfile
from dataclasses import dataclass

import pytest
from PIL import Image

from redfed.clock import new_id
from redfed.errors import TooManyRequests
from redfed.services.accounts import profiles
from redfed.services.media import media as media_service
from redfed.services.portability import background, exports
from redfed.services.shop import listings
from redfed.services.social import follows, interactions, lists, posts, relationships, statuses
from redfed.store.portability import exports as export_store

from ..support.http import get

BIKE = {"title": "Blue bike", "price_amount": "30", "price_currency": "USD", "quantity": "1", "condition": "used"}


@dataclass
class Account:
    instance: object
    alice: object
    bob: object
    posts: list
    photo_urls: list
    avatar_url: str
    liked: object
    listing: object
    boosted: object = None


def _photo(instance, owner, color):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), color).save(buffer, "PNG")
    buffer.seek(0)
    return instance.run(media_service.upload(instance.ctx, owner, buffer, description="a photo")).media


def populate(instance) -> Account:
    """alice: posts of every visibility (one with two photos), a listing, a boost, likes, bookmarks,
    follows both ways, a block, a mute, a list and a followed hashtag."""
    ctx, run = instance.ctx, instance.run
    alice = instance.create_user("alice").actor
    bob, carol, dave, erin = (instance.create_user(name).actor for name in ("bob", "carol", "dave", "erin"))
    photos = [_photo(instance, alice, "red"), _photo(instance, alice, "blue")]
    avatar_url = instance.runtime.urls.media(_photo(instance, alice, "green").file_key)
    alice = run(profiles.update_profile(ctx, alice, avatar_url=avatar_url))
    public = run(posts.create_local_post(ctx, alice, "two photos #bikes", media=photos))
    private = run(posts.create_local_post(ctx, alice, "followers only", visibility="private"))
    direct = run(posts.create_local_post(ctx, alice, "@bob just you", visibility="direct"))
    listing, carrier = run(listings.create_listing(ctx, alice, dict(BIKE), "Some rust."))
    liked = run(posts.create_local_post(ctx, bob, "like me"))
    bookmarked = run(posts.create_local_post(ctx, carol, "keep me"))
    run(interactions.like(ctx, alice, liked))
    run(statuses.bookmark(ctx, alice, bookmarked, True))
    run(interactions.boost(ctx, alice, bookmarked))
    run(follows.follow(ctx, alice, bob))
    run(follows.follow(ctx, carol, alice))
    run(interactions.block(ctx, alice, dave))
    run(relationships.mute(ctx, alice, erin, False, 0))
    found = run(lists.create_list(instance.runtime.db, alice, "Friends, close", None, None, ctx.now_ms()))
    instance.drain()
    run(lists.add_members(instance.runtime.db, alice, found.id, [bob.id]))
    run(_follow_tag(instance, alice.id, "bikes"))
    urls = [a["url"] for a in public.attachments]
    return Account(instance, alice, bob, [public, private, direct, carrier], urls, avatar_url, liked, listing, bookmarked)


async def _follow_tag(instance, actor_id, name):
    async with instance.runtime.db.transaction() as conn:
        await conn.execute("INSERT INTO followed_tags (actor_id, name, created_at) VALUES (?, ?, 0)", (actor_id, name))


def manifest_files(contents: dict, prefix: str = "") -> set[str]:
    found = set()
    for name, entry in contents.items():
        if "contents" in entry:
            found |= manifest_files(entry["contents"], f"{prefix}{name}/")
        else:
            found.add(prefix + name)
    return found


def check_archive(account: Account, data: bytes) -> None:
    """Everything the archive must hold, checked against the instance that wrote it."""
    instance, alice = account.instance, account.alice
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert all(not n.startswith("/") and ".." not in n.split("/") for n in names)
    actor = json.loads(archive.read("actor.json"))
    assert actor["id"] == alice.uri and actor["type"] == "Person" and actor["preferredUsername"] == "alice"
    assert actor["icon"]["url"].startswith("avatar.") and archive.read(actor["icon"]["url"]) == get(account.avatar_url).body
    assert "image" not in actor  # no header was uploaded
    outbox = json.loads(archive.read("outbox.json"))
    assert outbox["type"] == "OrderedCollection" and outbox["totalItems"] == len(account.posts) + 1
    [boost] = [item for item in outbox["orderedItems"] if item["type"] == "Announce"]
    assert boost["actor"] == alice.uri and boost["object"] == account.boosted.uri and boost["published"]
    creates = [item for item in outbox["orderedItems"] if item["type"] == "Create"]
    by_id = {item["object"]["id"]: item["object"] for item in creates}
    assert set(by_id) == {p.uri for p in account.posts}
    assert {by_id[p.uri]["content"] for p in account.posts[1:3]} >= {p.content for p in account.posts[1:3]}
    public = by_id[account.posts[0].uri]
    paths = [a["url"] for a in public["attachment"]]
    assert len(paths) == 2 and all(p.startswith("media_attachments/files/") for p in paths)
    for path, served_url in zip(paths, account.photo_urls):
        assert archive.read(path) == get(served_url).body
    assert json.loads(archive.read("likes.json"))["orderedItems"] == [account.liked.uri]
    assert len(json.loads(archive.read("bookmarks.json"))["orderedItems"]) == 1
    [listing] = json.loads(archive.read("listings.json"))["orderedItems"]
    assert listing["title"] == "Blue bike" and listing["price_amount"] == account.listing.price_amount
    assert listing["proposal_uri"] == account.listing.proposal_uri and listing["post"] == account.posts[3].uri
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["ubc-version"] == "0.1" and manifest["meta"]["createdBy"]["controller"] == alice.uri
    assert manifest_files(manifest["contents"]) == names


@pytest.fixture
def account(instance):
    return populate(instance)


def test_archive__holds_every_post_media_likes_bookmarks_listings_and_a_manifest(account, tmp_path):
    instance, seen = account.instance, []

    async def progress(percent):
        seen.append(percent)

    out = tmp_path / "out" / "alice.zip"
    size = instance.run(exports.export_to_file(instance.runtime.db, instance.config, instance.ctx.files.media, "alice", out, progress))
    assert size == out.stat().st_size
    assert seen == sorted(seen) and seen[-1] == 95 and len(seen) > 2
    assert list(out.parent.iterdir()) == [out]  # no temporary file left behind
    check_archive(account, out.read_bytes())


def test_csvs__are_mastodons_formats(account):
    instance, alice = account.instance, account.alice
    domain = instance.domain

    def csv(kind):
        return instance.run(exports.csv_export(instance.runtime.db, alice, kind, instance.ctx.now_ms()))

    assert csv("following") == f"Account address,Show boosts,Notify on new posts,Languages\nbob@{domain},true,false,\n"
    assert csv("followers") == f"carol@{domain}\n"
    assert csv("blocks") == f"dave@{domain}\n"
    assert csv("mutes") == f"Account address,Hide notifications\nerin@{domain},false\n"
    assert csv("domain_blocks") == ""
    assert csv("bookmarks").endswith("/statuses/" + csv("bookmarks").rsplit("/", 1)[1])
    assert csv("bookmarks").count("\n") == 1 and "/users/carol/" in csv("bookmarks")
    assert csv("lists") == f'"Friends, close",bob@{domain}\n'
    assert csv("followed_hashtags") == "bikes\n"


def test_job__runs_to_done_and_a_restart_resumes_an_interrupted_one(account):
    instance, alice = account.instance, account.alice
    job = instance.run(exports.request_export(instance.ctx, alice, background=False))
    assert (job.state, job.progress) == ("queued", 0)
    done = instance.run(exports.run_job(instance.ctx, job.id))
    assert (done.state, done.progress) == ("done", 100) and done.expires_at == done.finished_at + exports.EXPIRY_MS
    path = instance.config.base_dir / "exports" / done.file_key
    assert path.parent == instance.config.base_dir / "exports" and path.stat().st_size == done.size
    check_archive(account, path.read_bytes())

    # A second archive within 7 days is refused; a job a stop interrupted is resumed.
    with pytest.raises(TooManyRequests, match="one archive every 7 days"):
        instance.run(exports.request_export(instance.ctx, alice, background=False))
    stuck = instance.run(_insert_running(instance, alice))
    assert instance.run(_resume_and_wait(instance)) == 1
    assert instance.run(export_store.get_job(instance.runtime.db.reader, stuck.id)).state == "done"


def test_restart__removes_archives_no_job_names_and_keeps_the_finished_ones(account):
    """A stop between renaming a finished zip into place and marking its job done leaves a zip no
    row names: the start sweeps it (the job is built again), keeping the archives people await."""
    instance, alice = account.instance, account.alice
    job = instance.run(exports.request_export(instance.ctx, alice, background=False))
    done = instance.run(exports.run_job(instance.ctx, job.id))
    folder = instance.config.base_dir / "exports"
    unnamed = folder / f"{'x' * 32}.zip"
    unnamed.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    (folder / "tmp" / f".{'y' * 32}.zip.part").write_bytes(b"PK")  # a zip being written
    instance.run(_resume_and_wait(instance))
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == [done.file_key]
    assert list((folder / "tmp").iterdir()) == []


async def _insert_running(instance, actor):
    now = instance.ctx.now_ms()
    async with instance.runtime.db.transaction() as conn:
        job = await export_store.insert_job(conn, new_id(now), actor.id, now)
        await export_store.set_running(conn, job.id)
    return job


async def _resume_and_wait(instance):
    count = await exports.resume_interrupted(instance.ctx)
    for _ in range(200):
        if not background.running:
            break
        await asyncio.sleep(0.05)
    return count
