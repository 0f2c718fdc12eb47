"""Supporters-only posts across two instances: the creator on A grants a supporter on B by handle;
the post reaches that supporter's server as a limited post, addressed to the supporters and not
to Public or the followers, and no one else sees it: not a follower on B who is no supporter,
not a local follower on A, not the Fedify peer following the creator, not the public, tag or
local timelines, nor search."""

import pytest

from redfed.services import objects
from redfed.services.social import follows
from redfed.store import posts as post_store
from redfed.store.social import timelines

from ..api.test_listings_api import call
from ..support import api
from .test_posts import _settle

POST = {"status": "Members only: the #sketchbook scans", "redfed_audience": "supporters"}


def _home(instance, username):
    viewer = instance.actor(username)
    return [p.uri for p in instance.run(timelines.home(instance.runtime.db.reader, viewer.id, 40))]


@pytest.fixture
def creator_and_fans(start_instance, fedify_peer):
    """alice on A; bob (to become a supporter) and carol (a follower only) on B; dave on A and
    fern on the Fedify peer follow her too."""
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    fedify_peer.create_actor("fern")
    fedify_peer.follow("fern", a.url("/users/alice"))
    a.create_user("dave")
    b.create_user("bob")
    b.create_user("carol")
    alice_on_b = b.resolve(a.url("/users/alice"))
    for name in ("bob", "carol"):
        b.run(follows.follow(b.ctx, b.actor(name), alice_on_b))
    a.run(follows.follow(a.ctx, a.actor("dave"), a.actor("alice")))
    _settle(a, b)
    return a, b, api.token_for(a, "alice")


def test_supporters_post__reaches_the_supporter_on_the_other_server_and_no_one_else(creator_and_fans, fedify_peer):
    a, b, token = creator_and_fans
    # Given alice has a tier and grants it to bob@B by handle
    tier = call(a, "POST", "/api/v1/redfed/support_tiers", token,
                {"name": "Sketchbook", "price": "3 € a month", "url": "https://ko-fi.com/alice"}).json()
    granted = call(a, "POST", "/api/v1/redfed/supporters", token, {"handle": f"@bob@{b.domain}", "tier_id": tier["id"]})
    assert granted.status == 200, granted.body
    assert granted.json()["account"]["acct"] == f"bob@{b.domain}" and granted.json()["active"] is True

    # When she posts a public preview, then the post for her supporters
    preview = call(a, "POST", "/api/v1/statuses", token, {"status": "Out now for supporters: #sketchbook scans"}).json()
    reply = call(a, "POST", "/api/v1/statuses", token, POST)
    assert reply.status == 200, reply.body
    status = reply.json()
    assert status["visibility"] == "private" and status["redfed"] == {"audience": "supporters"}
    _settle(a, b)

    # Then bob's server has it, as a limited post addressed to the supporters
    copy = b.run(post_store.find_post_by_uri(b.runtime.db.reader, status["uri"]))
    assert copy is not None and copy.visibility == "direct"
    alice_uri, bob_uri = a.url("/users/alice"), b.url("/users/bob")
    assert set(copy.audience) == {f"{alice_uri}/supporters", bob_uri}
    assert status["uri"] in _home(b, "bob")
    # and the Note served at its id to those allowed is addressed the same way
    alice, post = a.actor("alice"), a.run(post_store.find_post_by_uri(a.runtime.db.reader, status["uri"]))
    served = objects.note_of(a.run(objects.view_of(a.ctx, alice, post)), a.runtime.urls)
    assert (served["to"], served["cc"]) == ([f"{alice_uri}/supporters", bob_uri], [])
    bob_sees = call(b, "GET", f"/api/v1/statuses/{copy.id}", api.token_for(b, "bob"))
    assert bob_sees.status == 200 and "Members only" in bob_sees.json()["content"]

    # and no one else: carol follows alice but supports her not, dave follows her on A
    assert status["uri"] not in _home(b, "carol")
    assert call(b, "GET", f"/api/v1/statuses/{copy.id}", api.token_for(b, "carol")).status == 404
    assert status["uri"] not in _home(a, "dave")
    dave = api.token_for(a, "dave")
    assert call(a, "GET", f"/api/v1/statuses/{status['id']}", dave).status == 404
    assert call(a, "GET", f"/api/v1/statuses/{status['id']}").status == 404
    for instance, viewer in ((a, dave), (b, api.token_for(b, "carol"))):
        for path in ("/api/v1/timelines/public", "/api/v1/timelines/public?local=true", "/api/v1/timelines/tag/sketchbook"):
            shown = [s["uri"] for s in call(instance, "GET", path, viewer).json()]
            assert status["uri"] not in shown and (preview["uri"] in shown or instance is b)
        found = call(instance, "GET", "/api/v2/search?q=scans&type=statuses", viewer).json()
        assert status["uri"] not in [s["uri"] for s in found["statuses"]]
    # Search does find it for its author, so the search above did look.
    found = call(a, "GET", "/api/v2/search?q=members&type=statuses", token).json()
    assert [s["uri"] for s in found["statuses"]] == [status["uri"]]
    # The peer's follower got the public preview, and nothing of the supporters-only post
    created = [r["json"]["object"]["id"] for r in fedify_peer.received() if r["type"] == "Create"]
    assert created == [preview["uri"]]
    # The creator's own views show it; her conversations do not list it as a direct message.
    assert status["uri"] in _home(a, "alice")
    assert call(a, "GET", "/api/v1/conversations", token).json() == []

    # Its edit and its delete reach the supporter's server too, and still only that one
    edited = call(a, "PUT", f"/api/v1/statuses/{status['id']}", token, {"status": "Members only: scans, now in colour"})
    assert edited.status == 200 and edited.json()["redfed"] == {"audience": "supporters"}
    _settle(a, b)
    assert "in colour" in b.run(post_store.find_post_by_uri(b.runtime.db.reader, status["uri"])).content
    assert call(a, "DELETE", f"/api/v1/statuses/{status['id']}", token).status == 200
    _settle(a, b)
    assert b.run(post_store.find_post_by_uri(b.runtime.db.reader, status["uri"])) is None
    assert {r["type"] for r in fedify_peer.received()} == {"Accept", "Create"}  # no Update, no Delete
