"""Posts move too: alice moves from A to B, and on B she pulls her old posts from A's outbox. They
come back with their dates, content warnings, photos and threads, each naming its old id
(`importedFrom`), without being delivered to her followers as new; running it twice makes
nothing twice; only she may pull, and only from an account she aliases that moved to her; and a
hostile old outbox is refused item by item with nothing wrong stored."""

import io
import ipaddress
import os
from urllib.parse import urlencode, urlsplit

import pytest
from PIL import Image

from redfed.services.portability import imports, outbox_import
from redfed.services.social import follows, posts
from redfed.store.portability import imports as import_store
from redfed.store.social import follows as follow_store

from ..imports.archives import png
from ..imports.support import auth, finished
from ..support import api
from ..support.hostile import PUBLIC, HostileServer
from ..support.http import AP, get, request

PASSWORD = "correct horse battery"
DAY = 24 * 3600


def _call(instance, token, method, path, **fields):
    body = urlencode(fields).encode() if fields else None
    headers = {**auth(token), "Content-Type": "application/x-www-form-urlencoded"}
    return request(method, instance.url(path), headers=headers, body=body)


def _count(instance, sql, *params):
    async def run():
        async with instance.runtime.db.reader.execute(sql, params) as cursor:
            return (await cursor.fetchone())[0]
    return instance.run(run())


def _drain(*instances, rounds=3):
    for _ in range(rounds):
        for instance in instances:
            instance.drain()


def _pull(instance, token, acct):
    return _call(instance, token, "POST", "/api/v1/imports/posts", acct=acct)


def _pull_and_wait(instance, token, acct) -> dict:
    started = _pull(instance, token, acct)
    assert started.status == 202, started.body
    assert started.json()["type"] == "outbox"
    return finished(instance, token, started.json()["id"])


def _move(old_home, new_home, old, new):
    """`new` aliases `old`, then `old` moves to `new` (as tests/federation/test_moves.py does)."""
    assert _call(new_home, api.token_for(new_home, new.username), "POST", "/api/v1/accounts/alias", acct=old.uri).status == 200
    moved = _call(old_home, api.token_for(old_home, old.username), "POST", "/api/v1/accounts/move", acct=new.uri, password=PASSWORD)
    assert moved.status == 200, moved.body


@pytest.fixture
def moved(start_instance, clock):
    """A (alice's old home, with her posts), B (her new one), C (bob, who followed her on A and
    now follows her on B)."""
    a, b, c = start_instance("a"), start_instance("b"), start_instance("c")
    old, new, bob = a.create_user("alice").actor, b.create_user("alice").actor, c.create_user("bob").actor
    c.run(follows.follow(c.ctx, bob, c.resolve(old.uri)))
    _drain(c, a)
    me = api.client(a, "alice")
    first = me.status_post("a very old post")
    clock.advance(400 * DAY)  # everything after is a year newer
    photo = me.media_post(io.BytesIO(png("green", (40, 30))), mime_type="image/png", description="a green field")
    pictured = me.status_post("look at this", media_ids=[photo])
    opening = me.status_post("a thread, part one")
    answer = me.status_post("part two", in_reply_to_id=opening)
    warned = me.status_post("the ending", spoiler_text="spoilers")
    quiet = me.status_post("unlisted", visibility="unlisted")
    me.status_post("for my followers", visibility="private")
    me.status_post(f"@bob@{c.domain} just for you", visibility="direct")
    _drain(a, c)
    clock.advance(DAY)
    _move(a, b, old, new)
    _drain(a, c, b)
    assert c.run(follow_store.find_follow(c.runtime.db.reader, bob.id, c.resolve(new.uri).id)).state == "accepted"
    posted = {"first": first, "pictured": pictured, "opening": opening, "answer": answer, "warned": warned, "quiet": quiet}
    return a, b, c, old, new, bob, posted


def test_moved_posts__recreated_on_the_new_account_with_dates_media_threads_and_their_old_ids(moved):
    a, b, c, old, new, bob, posted = moved
    token = api.token_for(b, "alice")
    c_inbox_before = _count(c, "SELECT count(*) FROM inbox_items")

    job = _pull_and_wait(b, token, f"alice@{a.domain}")

    assert (job["state"], job["total"], job["imported"], job["source"]) == ("done", 6, 6, old.uri), job
    assert job["report"] == []  # private and direct posts are not in the outbox at all
    statuses = {s["content"]: s for s in api.client(b, "alice").account_statuses(new.id, limit=40)}
    assert len(statuses) == 6
    for name, original in posted.items():
        copy = statuses[original["content"]]
        assert copy["created_at"].replace(microsecond=0) == original["created_at"].replace(microsecond=0), name
        assert copy["visibility"] == original["visibility"] and copy["spoiler_text"] == original["spoiler_text"]
        assert copy["account"]["id"] == str(new.id) and copy["uri"].startswith(b.base_url)
    assert statuses[posted["warned"]["content"]]["sensitive"] is True
    # The thread holds: the reply answers the copy of the first part, here.
    opening, answer = statuses[posted["opening"]["content"]], statuses[posted["answer"]["content"]]
    assert answer["in_reply_to_id"] == opening["id"]
    # The photo came over byte for byte, with its description.
    [copied] = statuses[posted["pictured"]["content"]]["media_attachments"]
    [original] = posted["pictured"]["media_attachments"]
    assert copied["description"] == "a green field"
    assert get(copied["url"]).body == get(original["url"]).body
    assert copied["url"].startswith(b.base_url)

    # Each Note on B names the post it was on A (FEP-0c7f `importedFrom`), in the outbox too.
    note = get(opening["uri"], headers=AP).json()
    assert note["importedFrom"] == {"type": "Link", "href": posted["opening"]["uri"]}
    assert note["published"].startswith(posted["opening"]["created_at"].strftime("%Y-%m-%dT%H:%M:%S"))
    outbox = get(b.url("/users/alice/outbox?page=true"), headers=AP).json()
    creates = [item for item in outbox["orderedItems"] if item["type"] == "Create"]
    assert {item["object"]["importedFrom"]["href"] for item in creates} == {p["uri"] for p in posted.values()}

    # Bob, who follows her on B now, was not sent any of it as new.
    _drain(b, c)
    assert _count(c, "SELECT count(*) FROM inbox_items") == c_inbox_before
    assert _count(c, "SELECT count(*) FROM posts WHERE actor_id = ?", c.resolve(new.uri).id) == 0
    # Only what he had: the direct message alice sent him on A, and her move.
    assert [(n.type, n.account.uri) for n in api.client(c, "bob").notifications()] == [("move", old.uri), ("mention", old.uri)]

    # Pulling again makes nothing twice, and fetches no photo again.
    media = _count(b, "SELECT count(*) FROM media WHERE owner_id = ?", new.id)
    again = _pull_and_wait(b, token, old.uri)
    assert (again["state"], again["imported"], again["report"]) == ("done", 6, [])
    assert len(api.client(b, "alice").account_statuses(new.id, limit=40)) == 6
    assert _count(b, "SELECT count(*) FROM media WHERE owner_id = ?", new.id) == media == 1

    # An edit keeps saying where the post came from.
    api.client(b, "alice").status_update(opening["id"], "a thread, part one (edited)")
    edited = get(opening["uri"], headers=AP).json()
    assert "edited" in edited["content"] and edited["importedFrom"]["href"] == posted["opening"]["uri"]


def test_moved_posts__only_the_new_account_pulls_and_only_from_an_alias_that_moved_to_it(moved):
    a, b, c, old, new, bob, posted = moved
    carol = b.create_user("carol").actor
    dave = a.create_user("dave").actor  # aliased by alice on B, but never moved

    def refused(instance, username, acct):
        reply = _pull(instance, api.token_for(instance, username), acct)
        assert reply.status == 403, reply.body
        return reply.json()["error"]

    # Carol, on the same server, cannot take alice's posts: alice@A is not her alias...
    assert "is not an alias of this account" in refused(b, "carol", f"alice@{a.domain}")
    # ...nor when she lists it: alice@A moved to alice@B, not to her.
    _call(b, api.token_for(b, "carol"), "POST", "/api/v1/accounts/alias", acct=old.uri)
    assert refused(b, "carol", old.uri) == f"alice@{a.domain} has not moved to this account"
    # Bob, elsewhere, neither.
    assert "is not an alias" in refused(c, "bob", old.uri)
    # Alice herself, from an alias that has not moved to her.
    _call(b, api.token_for(b, "alice"), "POST", "/api/v1/accounts/alias", acct=dave.uri)
    assert refused(b, "alice", dave.uri) == f"dave@{a.domain} has not moved to this account"
    # A read-only token may not start it, and an unknown account is a clear 422.
    read_only = api.token_for(b, "alice", scopes="read")
    assert _pull(b, read_only, old.uri).status == 403
    assert _pull(b, api.token_for(b, "alice"), f"ghost@{a.domain}").status == 422
    # None of it queued a job or made a post.
    assert _count(b, "SELECT count(*) FROM imports") == 0
    assert _count(b, "SELECT count(*) FROM posts WHERE actor_id IN (?, ?)", new.id, carol.id) == 0


def noise_png(size=(20, 20)) -> bytes:
    """A PNG that does not compress: its size in bytes is about what its pixels are."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def _loopback_only(ip) -> bool:
    """127.0.0.1 plays the public internet; every other private address stays refused."""
    return ip == ipaddress.ip_address("127.0.0.1")


@pytest.fixture
def start_remote():
    """Hostile remotes on loopback: each call another server, another origin."""
    started = []

    def start() -> HostileServer:
        started.append(HostileServer().start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


def _hostile_move(start_instance, start_remote, **sections):
    """alice on B, who aliases an account on a hostile server that says it moved to her."""
    b = start_instance("b", address_policy=_loopback_only, federation={"allow_private_addresses": False, "allow_http": True}, **sections)
    new = b.create_user("alice").actor
    server = start_remote()
    old = server.add_actor("alice", publish=False)
    server.serve(old.path, {**old.document(), "movedTo": new.uri})
    assert _call(b, api.token_for(b, "alice"), "POST", "/api/v1/accounts/alias", acct=old.uri).status == 200
    return b, new, server, old


@pytest.fixture
def hostile_move(start_instance, start_remote):
    return _hostile_move(start_instance, start_remote)


def test_hostile_outbox__refused_item_by_item_and_nothing_wrong_stored(hostile_move, start_remote):
    b, new, server, old = hostile_move
    elsewhere = start_remote()
    mallory = server.add_actor("mallory")

    def create(note, actor=old):
        return {"id": server.new_id(), "type": "Create", "actor": actor.uri, "to": [PUBLIC], "object": note}

    good = old.note("mine, and fine")
    items = [
        create(good),
        create(mallory.note("mallory's"), mallory),                                                 # another author's Create
        create(old.note("claims mallory", attributedTo=mallory.uri)),                        # attributed to someone else
        create({**old.note("from elsewhere"), "id": elsewhere.url("/notes/1")}),             # id on another origin
        create(old.note("private photo", attachment=[{"type": "Image", "mediaType": "image/png", "url": "http://10.0.0.1/x.png"}])),
        create(old.note("metadata", attachment=[{"type": "Image", "url": "http://169.254.169.254/latest"}])),
        create(old.note("followers only", to=[old.uri + "/followers"])),
        create(42),                                                                          # wrong types
        {"type": "Announce", "actor": old.uri, "object": mallory.note("boosted")},
        "https://example.invalid/just-an-id",
        7,
    ]
    # The first page links a second on the same origin, full of junk past the item cap, whose
    # `next` leads to another origin that is never asked.
    junk = [{"type": "Create", "actor": old.uri, "object": None}] * (outbox_import.MAX_ITEMS + 100)
    server.serve(old.path + "/outbox", {"type": "OrderedCollection", "id": old.uri + "/outbox", "first": old.uri + "/outbox/1"})
    server.serve(old.path + "/outbox/1", {"type": "OrderedCollectionPage", "id": old.uri + "/outbox/1",
                                         "orderedItems": items, "next": old.uri + "/outbox/2"})
    server.serve(old.path + "/outbox/2", {"type": "OrderedCollectionPage", "id": old.uri + "/outbox/2",
                                         "orderedItems": junk, "next": elsewhere.url("/outbox/3")})

    job = _pull_and_wait(b, api.token_for(b, "alice"), old.uri)

    assert job["state"] == "done" and job["total"] == outbox_import.MAX_ITEMS and job["imported"] == 1, job["error"]
    by_row = {entry["row"]: entry for entry in job["report"]}
    assert len(by_row) == outbox_import.MAX_ITEMS - 1
    assert by_row[2]["error"] == "not_theirs"
    assert by_row[3]["detail"] == "object is not attributed to its actor"
    assert by_row[4]["detail"] == "object id is on another origin than its author"
    assert by_row[5]["error"] == "media" and "10.0.0.1 is not a public address" in by_row[5]["detail"]
    assert by_row[6]["error"] == "media" and "169.254.169.254" in by_row[6]["detail"]
    assert by_row[7]["error"] == "not_public"
    assert by_row[8]["error"] == by_row[11]["error"] == "bad_item"
    assert by_row[9]["error"] == "not_a_post" and by_row[10]["error"] == "not_embedded"
    assert by_row[12]["error"] == "bad_item"
    # Only alice's own public post was made; no photo was stored, the other origin never asked.
    [made] = api.client(b, "alice").account_statuses(new.id)
    assert "mine, and fine" in made["content"] and made["media_attachments"] == []
    assert _count(b, "SELECT count(*) FROM media WHERE owner_id = ?", new.id) == 0
    assert _count(b, "SELECT count(*) FROM posts WHERE origin_uri IS NOT NULL") == 1
    assert elsewhere.fetches() == 0
    assert get(made["uri"], headers=AP).json()["importedFrom"]["href"] == good["id"]


def test_hostile_outbox__an_old_account_that_does_not_say_it_moved_here_is_refused(hostile_move):
    b, new, server, old = hostile_move
    server.serve(old.path, old.document())  # movedTo taken back
    reply = _pull(b, api.token_for(b, "alice"), old.uri)
    assert reply.status == 403 and reply.json()["error"] == f"alice@{server.domain} has not moved to this account"
    assert server.fetches(old.path + "/outbox") == 0


def test_old_server__sends_browsers_to_the_copy_once_it_has_seen_it(moved, start_remote):
    a, b, c, old, new, bob, posted = moved
    assert _pull_and_wait(b, api.token_for(b, "alice"), old.uri)["imported"] == 6
    copies = {s["content"]: s for s in api.client(b, "alice").account_statuses(new.id, limit=40)}
    opening_copy = copies[posted["opening"]["content"]]
    a.create_user("dave")
    old_page = posted["opening"]["url"]
    assert get(old_page).status == 200  # A has not seen the copy yet: the old post stays

    # Someone on A looks the copy up (a search by its URL fetches it): A now knows where it went.
    [found] = api.client(a, "dave").search_v2(opening_copy["url"], resolve=True)["statuses"]
    assert found["uri"] == opening_copy["uri"]
    moved_away = get(old_page)
    assert moved_away.status == 302 and moved_away.headers["Location"] == opening_copy["url"]
    # ActivityPub clients still get the old Note at its id; other old posts are still served.
    assert get(old_page, headers=AP).json()["id"] == posted["opening"]["uri"]
    assert get(posted["warned"]["url"]).status == 200

    # A Note by anyone else claiming to be a copy of alice's post changes nothing.
    server = start_remote()
    mallory = server.add_actor("mallory")
    claim = mallory.note("this is the real one", importedFrom={"type": "Link", "href": posted["warned"]["uri"]})
    server.serve(urlsplit(claim["id"]).path, claim)
    a.run(posts.fetch_post(a.ctx, claim["id"]))
    assert _count(a, "SELECT count(*) FROM posts WHERE uri = ?", claim["id"]) == 1
    assert get(posted["warned"]["url"]).status == 200
    assert _count(a, "SELECT count(*) FROM post_copies") == 1


def test_hostile_outbox__elsewhere_or_too_large_fails_the_job_with_its_reason_and_stores_nothing(hostile_move, start_remote):
    b, new, server, old = hostile_move
    token = api.token_for(b, "alice")
    elsewhere = start_remote()

    # An outbox on another server than the account's own could say anything in its name.
    forged = {**old.document(), "movedTo": new.uri, "outbox": elsewhere.url("/outbox")}
    server.serve(old.path, forged)
    job = _pull_and_wait(b, token, old.uri)
    assert job["state"] == "failed" and job["error"] == f"alice@{server.domain} publishes no outbox on its own server"
    assert elsewhere.fetches() == 0

    # A page past the response cap (1 MiB) is cut off: the job fails, saying so.
    server.serve(old.path, {**old.document(), "movedTo": new.uri})
    huge = [old.create(old.note("x" * 1000)) for _ in range(1200)]
    server.serve(old.path + "/outbox", {"type": "OrderedCollection", "id": old.uri + "/outbox", "orderedItems": huge})
    job = _pull_and_wait(b, token, old.uri)
    assert job["state"] == "failed" and "response too large" in job["error"]
    assert _count(b, "SELECT count(*) FROM posts WHERE actor_id = ?", new.id) == 0


def test_moved_posts__a_pull_a_stop_interrupted_carries_on_after_a_restart(moved, start_instance):
    a, b, c, old, new, bob, posted = moved
    queued = b.run(imports.request_pull(b.ctx, b.actor("alice"), old.uri, background=False))
    # As if a stop came after the first two steps: the restart does the other four.
    b.run(_set_progress(b, queued.id, 2))
    b.stop()

    again = start_instance("b", port=b.port)
    job = finished(again, api.token_for(again, "alice"), str(queued.id))
    assert (job["state"], job["processed"], job["imported"], job["report"]) == ("done", 6, 6, [])
    assert len(api.client(again, "alice").account_statuses(new.id, limit=40)) == 4


async def _set_progress(instance, job_id, processed):
    async with instance.runtime.db.transaction() as conn:
        await import_store.set_progress(conn, job_id, 6, processed, processed, [])


def test_hostile_outbox__photos_past_the_pulls_budget_are_refused(start_instance, start_remote):
    # A small server: files up to 2,000 bytes, so one pull fetches at most 20 x 2,000 bytes.
    b, new, server, old = _hostile_move(start_instance, start_remote, media={"max_image_bytes": 2000, "max_video_bytes": 2000})
    picture = noise_png()
    server.serve_bytes("/photo.png", picture, "image/png")
    attachment = [{"type": "Image", "mediaType": "image/png", "url": server.url("/photo.png")}]
    notes = [old.note(f"photo {n}", attachment=attachment) for n in range(40)]
    server.serve(old.path + "/outbox", {"type": "OrderedCollection", "id": old.uri + "/outbox",
                                        "orderedItems": [old.create(note) for note in notes]})

    job = _pull_and_wait(b, api.token_for(b, "alice"), old.uri)

    budget = outbox_import.MEDIA_BUDGET_FILES * 2000
    assert job["state"] == "done" and 0 < job["imported"] < 40 and job["imported"] + len(job["report"]) == 40
    assert {entry["error"] for entry in job["report"]} == {"media"}
    assert f"this pull has fetched all the files it may ({budget} bytes)" in job["report"][-1]["detail"]
    assert server.fetches("/photo.png") * len(picture) <= budget + len(picture)
    # Every post made has its photo: none was stored without it.
    made = api.client(b, "alice").account_statuses(new.id, limit=40)
    assert len(made) == job["imported"] and all(len(s["media_attachments"]) == 1 for s in made)
