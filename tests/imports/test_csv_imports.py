"""CSV imports over the API, as Mastodon imports them: following (real Follows that federate,
unknown accounts found through WebFinger), blocks, mutes, domain blocks, bookmarks, lists and
followed hashtags; merge and overwrite; a report of every row that failed and why; and files
refused whole (too large, too many rows, wrong header, not CSV) with nothing stored."""

import pytest

from redfed.services.social import follows, interactions, posts
from redfed.store.portability import imports as import_store
from redfed.store.social import follows as follow_store

from ..support import api
from ..support.http import request
from .support import auth, import_and_wait, upload

HEADER = "Account address,Show boosts,Notify on new posts,Languages\n"


def _follow(instance, follower, followee):
    return instance.run(follow_store.find_follow(instance.runtime.db.reader, follower.id, followee.id))


def _jobs(instance, actor):
    return instance.run(import_store.jobs_of(instance.runtime.db.reader, actor.id))


def test_following_import__sends_real_follows_and_reports_failed_rows(start_instance):
    a, b = start_instance("a"), start_instance("b")
    alice = a.create_user("alice").actor
    dave = a.create_user("dave").actor
    bob, carol = b.create_user("bob").actor, b.create_user("carol").actor
    token = api.token_for(a, "alice")
    csv = (
        HEADER
        + f"bob@{b.domain},false,true,\n"
        + f"@carol@{b.domain},true,false,en\n"
        + "dave,true,false,\n"
        + f"nobody@{b.domain},true,false,\n"
        + "someone@127.0.0.1:9,true,false,\n"
        + "not an address @@,true,false,\n"
        + "\n"
    )
    job = import_and_wait(a, token, "following", csv.encode())

    assert (job["state"], job["progress"], job["total"], job["imported"]) == ("done", 100, 6, 3)
    assert {(r["row"], r["error"]) for r in job["report"]} == {(5, "unknown account"), (6, "unreachable"), (7, "bad row")}
    assert all(r["value"] and r["detail"] for r in job["report"])
    # The Follows reach b, are accepted, and the acceptance comes back.
    a.drain(), b.drain(), a.drain()
    bob_on_a, carol_on_a = a.resolve(bob.uri), a.resolve(carol.uri)
    assert _follow(a, alice, bob_on_a).state == "accepted" and _follow(a, alice, carol_on_a).state == "accepted"
    alice_on_b = b.resolve(alice.uri)
    assert _follow(b, alice_on_b, bob).state == "accepted" and _follow(b, alice_on_b, carol).state == "accepted"
    assert _follow(a, alice, dave).state == "accepted"
    assert (_follow(a, alice, bob_on_a).show_reblogs, _follow(a, alice, bob_on_a).notify) == (False, True)


def test_following_import__overwrite_unfollows_what_the_file_does_not_list(instance):
    alice = instance.create_user("alice").actor
    bob, carol = instance.create_user("bob").actor, instance.create_user("carol").actor
    instance.run(follows.follow(instance.ctx, alice, bob))
    token = api.token_for(instance, "alice")
    job = import_and_wait(instance, token, "following", f"{HEADER}carol,true,false,\n".encode(), mode="overwrite")
    assert job["state"] == "done" and job["report"] == []
    assert _follow(instance, alice, bob) is None and _follow(instance, alice, carol) is not None


def test_following_import__merge_keeps_existing_follows_and_reads_one_column_files(instance):
    alice = instance.create_user("alice").actor
    bob, carol = instance.create_user("bob").actor, instance.create_user("carol").actor
    instance.run(follows.follow(instance.ctx, alice, bob))
    job = import_and_wait(instance, api.token_for(instance, "alice"), "following", b"carol\n")
    assert job["state"] == "done" and job["imported"] == 1
    assert _follow(instance, alice, bob) is not None and _follow(instance, alice, carol) is not None


def test_blocks_mutes_and_domain_blocks__imported_with_overwrite(instance):
    alice = instance.create_user("alice").actor
    bob, carol, dave = (instance.create_user(n).actor for n in ("bob", "carol", "dave"))
    instance.run(interactions.block(instance.ctx, alice, dave))
    token = api.token_for(instance, "alice")
    me = api.client(instance, "alice")

    assert import_and_wait(instance, token, "blocks", b"bob\n", mode="overwrite")["imported"] == 1
    assert {a["username"] for a in me.blocks()} == {"bob"}

    job = import_and_wait(instance, token, "mutes", b"Account address,Hide notifications\ncarol,false\n")
    assert job["imported"] == 1
    [rel] = me.account_relationships([carol.id])
    assert rel["muting"] and not rel["muting_notifications"]

    me.domain_block("old.example")
    job = import_and_wait(instance, token, "domain_blocks", b"#domain\nspam.example\nEVIL.example\nnot/a domain\n", mode="overwrite")
    assert (job["imported"], [r["error"] for r in job["report"]]) == (2, ["bad row"])
    assert sorted(me.domain_blocks()) == ["evil.example", "spam.example"]
    # Mastodon's type names work too.
    assert import_and_wait(instance, token, "domain_blocking", b"more.example\n")["imported"] == 1


def test_bookmarks__resolved_by_uri_and_unknown_ones_reported(instance):
    instance.create_user("alice"), instance.create_user("bob")
    bob = instance.actor("bob")
    post = instance.run(posts.create_local_post(instance.ctx, bob, "keep me"))
    hidden = instance.run(posts.create_local_post(instance.ctx, bob, "not for alice", visibility="direct"))
    token = api.token_for(instance, "alice")
    csv = f"{post.uri}\n{hidden.uri}\n{instance.url('/users/bob/statuses/1')}\nnot a url\n"
    job = import_and_wait(instance, token, "bookmarks", csv.encode())
    assert job["imported"] == 1
    assert [(r["row"], r["error"]) for r in job["report"]] == [(2, "unknown post"), (3, "unknown post"), (4, "bad row")]
    assert [s["uri"] for s in api.client(instance, "alice").bookmarks()] == [post.uri]


def test_lists__created_by_name_members_followed_and_overwrite_prunes(instance):
    alice = instance.create_user("alice").actor
    for name in ("bob", "carol", "dave"):
        instance.create_user(name)
    me = api.client(instance, "alice")
    me.list_create("Old list")
    token = api.token_for(instance, "alice")
    job = import_and_wait(instance, token, "lists", b"Friends,bob\nFriends,carol\n\"Work, mostly\",dave\n", mode="overwrite")
    assert job["state"] == "done" and job["imported"] == 3
    found = {entry["title"]: entry["id"] for entry in me.lists()}
    assert set(found) == {"Friends", "Work, mostly"}  # "Old list" is not in the file: gone
    assert {a["username"] for a in me.list_accounts(found["Friends"])} == {"bob", "carol"}
    assert {a["username"] for a in me.account_following(alice.id)} == {"bob", "carol", "dave"}


def test_followed_hashtags__redfed_and_hash_forms(instance):
    alice = instance.create_user("alice").actor
    token = api.token_for(instance, "alice")
    job = import_and_wait(instance, token, "followed_hashtags", "bikes\n#Café\n＃tea\n123\n".encode())
    assert job["imported"] == 3 and [r["row"] for r in job["report"]] == [4]
    assert sorted(instance.run(import_store.followed_tags(instance.runtime.db.reader, alice.id))) == ["bikes", "café", "tea"]
    job = import_and_wait(instance, token, "followed_hashtags", b"Hashtag\ntea\n", mode="overwrite")
    assert instance.run(import_store.followed_tags(instance.runtime.db.reader, alice.id)) == ["tea"]


@pytest.mark.parametrize("data, status, message", [
    (HEADER.encode() + b"bob,true,false,\n" * 20_001, 422, "more than 20,000 rows"),
    (b"x" * (21 * 1024 * 1024), 413, "too large"),
    (b"#domain\nexample.com\n", 422, "Incompatible"),
    (b"", 422, "Empty"),
    (b"\xff\xfe\x00bob", 422, "Invalid CSV"),
    (b'"unterminated,quote\nbob\n', 422, "Invalid CSV"),
])
def test_bad_files__refused_whole_with_nothing_stored(instance, data, status, message):
    alice = instance.create_user("alice").actor
    instance.create_user("bob")
    token = api.token_for(instance, "alice")
    refused = upload(instance, token, "following", data)
    assert refused.status == status and message in refused.json()["error"]
    assert _jobs(instance, alice) == []
    assert api.client(instance, "alice").account_following(alice.id) == []


def test_twenty_thousand_rows__are_accepted(instance):
    alice = instance.create_user("alice").actor
    token = api.token_for(instance, "alice")
    refused_not = upload(instance, token, "domain_blocks", "".join(f"d{n}.example\n" for n in range(20_000)).encode())
    assert refused_not.status == 202 and refused_not.json()["total"] == 20_000
    assert len(_jobs(instance, alice)) == 1


def test_import_jobs__owner_only_and_need_a_write_token(instance):
    instance.create_user("alice"), instance.create_user("bob")
    token = api.token_for(instance, "alice")
    job = import_and_wait(instance, token, "blocks", b"bob\n")
    other = api.token_for(instance, "bob")
    assert request("GET", instance.url(f"/api/v1/imports/{job['id']}"), headers=auth(other)).status == 404
    assert request("GET", instance.url(f"/api/v1/imports/{job['id']}")).status == 401
    assert upload(instance, api.token_for(instance, "alice", scopes="read"), "blocks", b"bob\n").status == 403
    bad = upload(instance, token, "passwords", b"bob\n")
    assert bad.status == 422 and "type must be" in bad.json()["error"]
    assert upload(instance, token, "blocks", b"bob\n", mode="replace").status == 422
