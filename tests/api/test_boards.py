"""Boards through the client API extension (/api/v1/redfed/boards), their pages, and a public
board as an ActivityPub collection fetched by another redfed server."""

import json

import pytest

from redfed.services.portability import exports

from ..federation.test_posts import _connect, _settle
from ..imports.support import import_and_wait
from ..support import api
from ..support.http import AP, get, request

ROOT = "/api/v1/redfed/boards"


class Caller:
    """Raw HTTP with a bearer token, for routes Mastodon.py does not know."""

    def __init__(self, instance, username):
        self.instance, self.token = instance, api.token_for(instance, username)

    def __call__(self, method, path, body=None, expected=200):
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        data = json.dumps(body).encode() if body is not None else None
        reply = request(method, self.instance.url(path), headers=headers, body=data)
        assert reply.status == expected, reply.body
        return reply.json() if reply.body else None


@pytest.fixture
def people(instance):
    for name in ("alice", "carol"):
        instance.create_user(name)
    return Caller(instance, "alice"), api.client(instance, "alice"), api.client(instance, "carol")


def test_board__created_filled_ordered_and_counted(instance, people):
    call, alice, carol = people
    trips = call("POST", ROOT, {"name": "Trips", "description": "places to go", "public": True})
    food = call("POST", ROOT, {"name": "Food"})
    assert (trips["public"], food["public"], trips["statuses_count"]) == (True, False, 0)
    post = carol.status_post("a lake in the mountains")
    call("POST", f"{ROOT}/{trips['id']}/statuses", {"status_id": post["id"]})
    call("POST", f"{ROOT}/{trips['id']}/statuses", {"status_id": post["id"]})  # twice is once
    call("POST", f"{ROOT}/{food['id']}/statuses", {"status_id": post["id"]})
    assert call("GET", f"{ROOT}/{trips['id']}")["statuses_count"] == 1
    assert sorted(call("GET", f"/api/v1/statuses/{post['id']}/boards")) == sorted([trips["id"], food["id"]])
    # Saved once in a public board: the count says so, and nothing about whose boards.
    assert carol.status(post["id"])["saves_count"] == 1
    assert [b["name"] for b in call("PUT", f"{ROOT}/order", {"board_ids": [food["id"], trips["id"]]})] == ["Food", "Trips"]
    renamed = call("PATCH", f"{ROOT}/{food['id']}", {"name": "Snacks", "public": True, "cover_status_id": post["id"]})
    assert (renamed["name"], renamed["public"], renamed["cover_status_id"]) == ("Snacks", True, post["id"])
    assert carol.status(post["id"])["saves_count"] == 2
    call("DELETE", f"{ROOT}/{trips['id']}/statuses/{post['id']}")
    call("DELETE", f"{ROOT}/{food['id']}")
    assert [b["name"] for b in call("GET", ROOT)] == ["Trips"]
    assert carol.status(post["id"])["saves_count"] == 0


def test_board__private_ones_are_nobodys_business(instance, people):
    call, alice, carol = people
    secret = call("POST", ROOT, {"name": "Secret"})
    public = call("POST", ROOT, {"name": "Open", "public": True})
    carol_caller = Caller(instance, "carol")
    carol_caller("GET", f"{ROOT}/{secret['id']}", expected=404)
    carol_caller("POST", f"{ROOT}/{public['id']}/statuses", {"status_id": alice.status_post("x")["id"]}, expected=404)
    shown = carol_caller("GET", f"/api/v1/accounts/{alice.me()['id']}/boards")
    assert [b["name"] for b in shown] == ["Open"]
    assert get(instance.url(f"/@alice/boards/{secret['id']}")).status == 404


def test_board__of_someone_elses_followers_only_posts_shows_them_to_nobody_else(instance, people):
    call, alice, carol = people
    instance.create_user("dave")
    dave = api.client(instance, "dave")
    alice.account_follow(carol.me()["id"])
    hidden = carol.status_post("for my followers", visibility="private")
    visible = carol.status_post("for everyone")
    board = call("POST", ROOT, {"name": "Carol's", "public": True})
    for post in (hidden, visible):
        call("POST", f"{ROOT}/{board['id']}/statuses", {"status_id": post["id"]})
    assert [s["id"] for s in call("GET", f"{ROOT}/{board['id']}/statuses")] == [visible["id"], hidden["id"]]
    dave_caller = Caller(instance, "dave")
    assert [s["id"] for s in dave_caller("GET", f"{ROOT}/{board['id']}/statuses")] == [visible["id"]]
    page = get(instance.url(f"/@alice/boards/{board['id']}")).text
    assert "for everyone" in page and "for my followers" not in page
    collection = get(instance.url(f"/users/alice/boards/{board['id']}"), headers=AP).json()
    assert collection["orderedItems"] == [visible["uri"]]
    assert dave.status(visible["id"])["saves_count"] == 1


def test_board__pages_show_the_boards_and_their_photo_grid(instance, people):
    call, alice, carol = people
    board = call("POST", ROOT, {"name": "Lakes <3", "description": "blue water", "public": True})
    call("POST", f"{ROOT}/{board['id']}/statuses", {"status_id": carol.status_post("a lake")["id"]})
    listing = get(instance.url("/@alice/boards")).text
    assert "Lakes &lt;3" in listing and f"/@alice/boards/{board['id']}" in listing
    shown = get(instance.url(f"/@alice/boards/{board['id']}")).text
    assert "blue water" in shown and "a lake" in shown


def test_public_board__is_a_collection_another_server_reads(start_instance):
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob")
    _connect(b, a, "bob", "alice")
    call = Caller(a, "alice")
    board = call("POST", ROOT, {"name": "Favourites", "description": "the best", "public": True})
    post = api.client(a, "alice").status_post("sunset")
    call("POST", f"{ROOT}/{board['id']}/statuses", {"status_id": post["id"]})
    _settle(a, b)
    alice_on_b = b.resolve(a.url("/users/alice"))
    boards = b.run(b.ctx.resolver.fetch_object(f"{alice_on_b.uri}/boards"))
    assert boards["orderedItems"] == [f"{alice_on_b.uri}/boards/{board['id']}"]
    fetched = b.run(b.ctx.resolver.fetch_object(boards["orderedItems"][0]))
    assert fetched["type"] == "OrderedCollection" and fetched["name"] == "Favourites"
    assert fetched["attributedTo"] == alice_on_b.uri and fetched["orderedItems"] == [post["uri"]]


async def _no_progress(_percent):
    return None


def test_boards__move_house_with_the_account_archive(start_instance, tmp_path):
    """alice exports her account on A; her new account on B gets the same boards, with her own
    posts (imported) and carol's (fetched from A) saved in the same order; an import run again
    saves nothing twice."""
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    a.create_user("carol")
    call = Caller(a, "alice")
    own = api.client(a, "alice").status_post("my own sunset")
    theirs = api.client(a, "carol").status_post("carol's sunrise")
    trips = call("POST", ROOT, {"name": "Trips", "description": "go there", "public": True})
    call("POST", ROOT, {"name": "Empty"})
    for post in (theirs, own):
        call("POST", f"{ROOT}/{trips['id']}/statuses", {"status_id": post["id"]})
    archive_path = tmp_path / "alice.zip"
    a.run(exports.export_to_file(a.runtime.db, a.config, a.ctx.files.media, "alice", archive_path, _no_progress))
    b.create_user("alice2")
    token = api.token_for(b, "alice2")
    for _ in range(2):
        job = import_and_wait(b, token, "archive", archive_path.read_bytes(), filename="alice.zip")
        assert (job["state"], job["report"]) == ("done", [])
    moved = Caller(b, "alice2")
    [board] = moved("GET", ROOT)  # a board with nothing in it has nothing to bring
    assert (board["name"], board["description"], board["public"], board["statuses_count"]) == ("Trips", "go there", True, 2)
    saved = moved("GET", f"{ROOT}/{board['id']}/statuses")
    assert [s["content"] for s in saved][0].endswith("my own sunset</p>")
    assert saved[1]["uri"] == theirs["uri"]
