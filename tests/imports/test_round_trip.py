"""Moving house: alice exports her account on one instance and imports the archive and her
following list into a new account on another. Posts come across with their dates, warnings,
visibility, media (the same bytes) and threads; her follows are sent again from the new account;
her new account's followers are not told of the old posts as if they were new."""

import io
import re

from redfed.services.media import media as media_service
from redfed.services.portability import exports
from redfed.services.social import follows, interactions, lists, posts, relationships, statuses
from redfed.store.social import follows as follow_store

from ..support import api
from ..support.http import get
from .archives import png
from .support import import_and_wait


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


async def _no_progress(_percent):
    return None


def _photo(instance, owner, color, alt):
    return instance.run(media_service.upload(instance.ctx, owner, io.BytesIO(png(color)), description=alt)).media


def test_export_then_import_on_another_instance__same_posts_dates_media_and_follows(start_instance, tmp_path):
    a, b = start_instance("a"), start_instance("b")
    alice = a.create_user("alice").actor
    carol, dave = a.create_user("carol").actor, a.create_user("dave").actor
    ctx = a.ctx
    photos = [_photo(a, alice, "red", "a red photo"), _photo(a, alice, "blue", "a blue photo")]
    made = [a.run(posts.create_local_post(ctx, alice, "two photos #bikes", media=photos))]
    a.clock.advance(3600)
    made.append(a.run(posts.create_local_post(ctx, alice, "careful", summary="spoiler", visibility="unlisted")))
    a.clock.advance(3600)
    made.append(a.run(posts.create_local_post(ctx, alice, "a reply to myself", in_reply_to=made[0])))
    made.append(a.run(posts.create_local_post(ctx, alice, "followers only", visibility="private")))
    a.run(follows.follow(ctx, alice, carol))
    a.run(follows.follow(ctx, alice, dave))
    archive_path = tmp_path / "alice.zip"
    a.run(exports.export_to_file(a.runtime.db, a.config, a.ctx.files.media, "alice", archive_path, _no_progress))
    following_csv = a.run(exports.csv_export(a.runtime.db, alice, "following", a.ctx.now_ms()))

    # The new account on b already has a follower on a, who must not get the old posts as new.
    new = b.create_user("alice2").actor
    erin = a.create_user("erin").actor
    a.run(follows.follow(a.ctx, erin, a.resolve(new.uri)))
    a.drain(), b.drain(), a.drain()
    token = api.token_for(b, "alice2")

    job = import_and_wait(b, token, "archive", archive_path.read_bytes(), filename="alice.zip")
    assert (job["state"], job["report"]) == ("done", [])
    job = import_and_wait(b, token, "following", following_csv.encode())
    assert (job["state"], job["imported"], job["report"]) == ("done", 2, [])
    b.drain(), a.drain(), b.drain()

    # By their text: links are re-sanitised on the way in, as for any HTML that is not ours.
    old = {_text(s["content"]): s for s in api.client(a, "alice").account_statuses(alice.id)}
    moved = {_text(s["content"]): s for s in api.client(b, "alice2").account_statuses(new.id)}
    assert len(moved) == len(old) == len(made)
    assert set(moved) == set(old)
    for text, status in moved.items():
        before = old[text]
        # To the second: the archive's `published`, like any ActivityPub date, has no milliseconds.
        assert status["created_at"] == before["created_at"].replace(microsecond=0)
        assert (status["visibility"], status["spoiler_text"], status["sensitive"]) == (before["visibility"], before["spoiler_text"], before["sensitive"])
        assert [m["description"] for m in status["media_attachments"]] == [m["description"] for m in before["media_attachments"]]
        for now_media, then_media in zip(status["media_attachments"], before["media_attachments"]):
            assert get(now_media["url"]).body == get(then_media["url"]).body
    reply = next(s for s in moved.values() if "reply to myself" in s["content"])
    parent = next(s for s in moved.values() if "two photos" in s["content"])
    assert reply["in_reply_to_id"] == parent["id"]

    # The follows were sent from the new account, and accepted by a.
    new_on_a = a.resolve(new.uri)
    for target in (carol, dave):
        assert a.run(follow_store.find_follow(a.runtime.db.reader, new_on_a.id, target.id)).state == "accepted"
    assert {x["acct"] for x in api.client(b, "alice2").account_following(new.id)} == {f"carol@{a.domain}", f"dave@{a.domain}"}
    # erin follows alice2 but was sent none of the imported posts.
    erin_home = api.client(a, "erin").timeline_home()
    assert not any(s["account"]["acct"] == f"alice2@{b.domain}" for s in erin_home)


async def _follow_tag(instance, actor_id, name):
    async with instance.runtime.db.transaction() as conn:
        await conn.execute("INSERT INTO followed_tags (actor_id, name, created_at) VALUES (?, ?, 0)", (actor_id, name))


def test_every_csv_export__imports_into_a_new_account_elsewhere(start_instance):
    """Each of the account's CSVs, exported on a and imported into a new account on b, exports
    the same rows again from b."""
    a, b = start_instance("a"), start_instance("b")
    alice = a.create_user("alice").actor
    carol, dave, erin = (a.create_user(n).actor for n in ("carol", "dave", "erin"))
    ctx = a.ctx
    kept = a.run(posts.create_local_post(ctx, carol, "worth keeping"))
    a.run(follows.follow(ctx, alice, carol))
    a.run(follows.follow(ctx, alice, dave))
    a.run(relationships.follow_with_options(ctx, alice, dave, False, True))
    a.run(interactions.block(ctx, alice, erin))
    a.run(relationships.mute(ctx, alice, carol, False, 0))
    a.run(statuses.bookmark(ctx, alice, kept, True))
    found = a.run(lists.create_list(a.runtime.db, alice, "Close friends", None, None, ctx.now_ms()))
    a.run(lists.add_members(a.runtime.db, alice, found.id, [carol.id, dave.id]))
    api.client(a, "alice").domain_block("spam.example")
    a.run(_follow_tag(a, alice.id, "bikes"))
    b_new = b.create_user("alice2").actor
    token = api.token_for(b, "alice2")

    kinds = ["following", "blocks", "mutes", "domain_blocks", "bookmarks", "lists", "followed_hashtags"]
    exported = {kind: a.run(exports.csv_export(a.runtime.db, alice, kind, ctx.now_ms())) for kind in kinds}
    for kind in kinds:
        job = import_and_wait(b, token, kind, exported[kind].encode())
        assert (kind, job["state"], job["report"]) == (kind, "done", [])
    b.drain(), a.drain(), b.drain()
    for kind in kinds:
        again = b.run(exports.csv_export(b.runtime.db, b_new, kind, b.ctx.now_ms()))
        assert sorted(again.splitlines()) == sorted(exported[kind].splitlines()), kind
