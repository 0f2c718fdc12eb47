"""Listings move too: alice moves from A to B and pulls her old posts from A's outbox; those that
carried a listing (their Note's FEP-0837 Proposal) come to B as listings of hers - in her shop on
B with the same title, price, stock and status, their original dates and photos, a new Proposal
id - and a second pull makes none twice. An old outbox stating a listing badly has that post
refused alone, in the job's report."""

import io

from redfed.services.media import media as media_service
from redfed.services.shop import listings

from ..imports.archives import png
from ..support import api
from ..support.hostile import PUBLIC
from ..support.http import get
from .test_posts_move import _count, _drain, _move, _pull_and_wait, hostile_move, start_remote  # noqa: F401 (fixtures)

DAY = 24 * 3600
BIKE = {"title": "Blue bike", "price_amount": "30", "price_currency": "USD", "quantity": "3", "condition": "used",
        "category": "bicycles", "regions": ["Berlin"], "checkout_url": "https://pay.example/bike"}
SAME = ("title", "price", "quantity", "availability", "condition", "category", "regions", "checkout_url", "state")


def _shop(instance, account_id):
    return {item["title"]: item for item in get(instance.url(f"/api/v1/accounts/{account_id}/listings")).json()}


def test_moved_listings__pulled_from_the_old_outbox_into_the_new_shop(start_instance, clock):
    a, b = start_instance("a"), start_instance("b")
    old, new = a.create_user("alice").actor, b.create_user("alice").actor
    photo = a.run(media_service.upload(a.ctx, old, io.BytesIO(png("blue")), description="the blue bike")).media
    a.run(listings.create_listing(a.ctx, old, dict(BIKE), "Some rust.", media=[photo]))
    clock.advance(DAY)
    lamp, _ = a.run(listings.create_listing(a.ctx, old, {"title": "Brass lamp", "price_kind": "free"}, "Take it."))
    a.run(listings.set_status(a.ctx, old, lamp.post_id, "closed"))
    clock.advance(DAY)
    _move(a, b, old, new)
    _drain(a, b)
    token = api.token_for(b, "alice")

    job = _pull_and_wait(b, token, f"alice@{a.domain}")

    assert (job["state"], job["imported"], job["report"]) == ("done", 2, []), job
    before, after = _shop(a, old.id), _shop(b, new.id)
    assert set(after) == {"Blue bike", "Brass lamp"}
    for title, moved in after.items():
        assert {k: moved[k] for k in SAME} == {k: before[title][k] for k in SAME}, title
        assert moved["created_at"] == before[title]["created_at"][:19] + ".000Z"
        assert moved["uri"].startswith(f"{b.base_url}/users/alice/listings/")
    assert after["Brass lamp"]["state"] == "closed" and after["Brass lamp"]["price"]["kind"] == "free"
    [copied] = after["Blue bike"]["status"]["media_attachments"]
    [original] = before["Blue bike"]["status"]["media_attachments"]
    assert copied["description"] == "the blue bike" and get(copied["url"]).body == get(original["url"]).body
    assert "Some rust." in after["Blue bike"]["status"]["content"]
    assert after["Blue bike"]["status"]["content"].count("View listing") == 1  # one headline, one link: the Proposal's description

    again = _pull_and_wait(b, token, f"alice@{a.domain}")
    assert (again["state"], again["report"]) == ("done", [])
    assert _count(b, "SELECT count(*) FROM listings WHERE actor_id = ?", new.id) == 2
    assert _count(b, "SELECT count(*) FROM posts WHERE actor_id = ?", new.id) == 2


def test_hostile_outbox__a_listing_stated_badly_refuses_its_post_alone(hostile_move):
    b, new, server, old = hostile_move

    def create(note):
        return {"id": server.new_id(), "type": "Create", "actor": old.uri, "to": [PUBLIC], "object": note}

    def offering(name, **changes):
        proposal = {"id": server.new_id(), "type": "Proposal", "purpose": "offer", "attributedTo": old.uri, "name": name,
                    "publishes": {"type": "Intent", "action": "transfer"},
                    "reciprocal": {"type": "Intent", "action": "transfer", "resourceConformsTo": "urn:iso:std:iso:4217:EUR",
                                   "resourceQuantity": {"hasNumericalValue": "10"}}, **changes}
        return create(old.note(name, proposal=proposal))

    items = [
        offering("fine"),
        offering("absurd", reciprocal={"type": "Intent", "action": "transfer", "resourceConformsTo": "urn:iso:std:iso:4217:EUR",
                                       "resourceQuantity": {"hasNumericalValue": "1e30"}}),
        offering("y" * 5000),
        offering("typed", category={"name": "chairs"}),
    ]
    server.serve(old.path + "/outbox", {"type": "OrderedCollection", "id": old.uri + "/outbox", "orderedItems": items})

    job = _pull_and_wait(b, api.token_for(b, "alice"), old.uri)

    assert (job["state"], job["imported"]) == ("done", 1), job
    details = {entry["row"]: entry["detail"] for entry in job["report"]}
    assert "price is too high" in details[2] and "title is longer" in details[3] and "category has the wrong type" in details[4]
    [fine] = _shop(b, new.id).values()
    assert (fine["title"], fine["price"]["amount"]) == ("fine", "10.00")
    assert _count(b, "SELECT count(*) FROM posts WHERE actor_id = ?", new.id) == 1
    assert _count(b, "SELECT count(*) FROM listings") == 1
