"""Listings from other FEP-0837 servers: a bare `Create(Proposal)` (as Mitra sends one), built from
the FEP's own full example, is stored as one listing with a synthesized post; updates and deletes
follow it; malformed or forged proposals are refused and change nothing."""

import copy

import pytest

from redfed.store import posts as post_store
from redfed.store.shop import listings as listing_store
from redfed.store.social import timelines

from ..inbox.conftest import remote, start_remote  # noqa: F401  (the hostile remote fixtures)
from ..support.hostile import PUBLIC, sign_post

# FEP-0837, "Full example", as published (ids are moved onto the test remote's origin).
FEP_EXAMPLE = {
    "@context": [
        "https://www.w3.org/ns/activitystreams",
        {
            "om2": "http://www.ontology-of-units-of-measure.org/resource/om-2/",
            "vf": "https://w3id.org/valueflows/ont/vf#",
            "Proposal": "vf:Proposal",
            "Intent": "vf:Intent",
            "action": "vf:action",
            "purpose": "vf:purpose",
            "unitBased": "vf:unitBased",
            "publishes": "vf:publishes",
            "reciprocal": "vf:reciprocal",
            "resourceConformsTo": "vf:resourceConformsTo",
            "resourceQuantity": "vf:resourceQuantity",
            "availableQuantity": "vf:availableQuantity",
            "hasUnit": "om2:hasUnit",
            "hasNumericalValue": "om2:hasNumericalValue",
        },
    ],
    "type": "Proposal",
    "id": "https://market.example/proposals/ddde9d6f-6f3b-4770-a966-3a18ef006930",
    "purpose": "offer",
    "attributedTo": "https://market.example/users/alice",
    "name": "Offering used bike",
    "content": "Blue one-speed bike, 15 years old, some rust",
    "published": "2023-06-18T19:22:03.918737Z",
    "location": {"type": "Place", "longitude": -71.0, "latitude": 25.0},
    "publishes": {
        "type": "Intent",
        "id": "https://market.example/proposals/ddde9d6f-6f3b-4770-a966-3a18ef006930#primary",
        "action": "transfer",
        "resourceConformsTo": "https://www.wikidata.org/wiki/Q11442",
        "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "1"},
        "availableQuantity": {"hasUnit": "one", "hasNumericalValue": "1"},
    },
    "reciprocal": {
        "type": "Intent",
        "id": "https://market.example/proposals/ddde9d6f-6f3b-4770-a966-3a18ef006930#reciprocal",
        "action": "transfer",
        "resourceConformsTo": "https://www.wikidata.org/wiki/Q4917",
        "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "30"},
    },
    "unitBased": False,
    "to": "https://www.w3.org/ns/activitystreams#Public",
}


def _proposal(server, actor) -> dict:
    """The FEP example as `actor` on `server` would publish it."""
    doc = copy.deepcopy(FEP_EXAMPLE)
    uri = server.new_id("proposals")
    for intent, fragment in ((doc["publishes"], "#primary"), (doc["reciprocal"], "#reciprocal")):
        intent["id"] = uri + fragment
    doc.update(id=uri, attributedTo=actor.uri)
    return doc


def _send(instance, actor, activity):
    reply = sign_post(instance.url("/inbox"), activity, actor.signing_key, instance.clock()).send()
    assert reply.status == 202, reply.body
    instance.drain()


def _listing(instance, uri):
    return instance.run(listing_store.find_listing_by_proposal(instance.runtime.db.reader, uri))


def _post(instance, uri):
    return instance.run(post_store.find_post_by_uri(instance.runtime.db.reader, uri))


def _outcome(instance, activity_id) -> tuple[str, str | None]:
    async def read():
        sql = "SELECT state, last_error FROM inbox_items WHERE activity_id = ?"
        async with instance.runtime.db.reader.execute(sql, (activity_id,)) as cursor:
            return tuple(await cursor.fetchone())

    return instance.run(read())


@pytest.fixture
def market(instance, remote):  # noqa: F811
    instance.create_user("bob")
    return instance, remote, remote.add_actor("alice")


def test_fep_example_proposal__is_stored_as_one_listing_with_a_synthesized_post(market):
    instance, server, alice = market
    proposal = _proposal(server, alice)
    _send(instance, alice, alice.create(proposal))

    listing = _listing(instance, proposal["id"])
    assert listing is not None and listing.status == "open"
    assert (listing.title, listing.price_kind, listing.price_amount, listing.price_currency) == (
        "Offering used bike", "fixed", "30.00", "USD")
    assert listing.quantity == 1 and listing.availability == "in_stock"
    post = _post(instance, proposal["id"])
    assert post.id == listing.post_id and post.visibility == "public" and not post.is_local
    assert "Offering used bike" in post.content and "30.00 USD" in post.content and "some rust" in post.content
    seller = instance.resolve(alice.uri)
    assert listing.actor_id == seller.id
    assert instance.run(post_store.count_posts_by(instance.runtime.db.reader, seller.id)) == 1
    # It shows where posts show: the public timeline.
    public = instance.run(timelines.public(instance.runtime.db.reader, None, timelines.IdRange(), local=None, only_media=False, now=0))
    assert [p.uri for p in public] == [proposal["id"]]

    # A replay of the same Create changes nothing.
    _send(instance, alice, alice.create(proposal))
    assert instance.run(post_store.count_posts_by(instance.runtime.db.reader, seller.id)) == 1


def test_update_and_delete_of_a_bare_proposal__follow_it(market):
    instance, server, alice = market
    proposal = _proposal(server, alice)
    _send(instance, alice, alice.create(proposal))
    changed = {**proposal, "name": "Used bike, price drop", "updated": "2023-06-20T10:00:00Z",
               "reciprocal": {**proposal["reciprocal"], "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "25"}},
               "hasEnd": "2023-06-20T10:00:00Z"}
    _send(instance, alice, alice.activity("Update", changed, to=[PUBLIC]))
    listing = _listing(instance, proposal["id"])
    assert (listing.title, listing.price_amount, listing.status) == ("Used bike, price drop", "25.00", "closed")
    assert "price drop" in _post(instance, proposal["id"]).content

    _send(instance, alice, alice.activity("Delete", proposal["id"], to=[PUBLIC]))
    assert _listing(instance, proposal["id"]) is None and _post(instance, proposal["id"]) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"reciprocal": {"type": "Intent", "action": "transfer", "resourceConformsTo": "urn:iso:std:iso:4217:USD",
                         "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "-30"}}}, "price cannot be negative"),
        ({"reciprocal": {"type": "Intent", "action": "transfer", "resourceConformsTo": "urn:iso:std:iso:4217:EUR",
                         "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "1e12"}}}, "price is too high"),
        ({"purpose": "request"}, "only proposals with purpose offer"),
        ({"publishes": "nothing"}, "no primary transfer intent"),
    ],
)
def test_bad_proposals__are_refused_and_nothing_is_stored(market, change, reason):
    instance, server, alice = market
    proposal = {**_proposal(server, alice), **change}
    create = alice.create(proposal)
    _send(instance, alice, create)
    state, error = _outcome(instance, create["id"])
    assert state == "failed" and reason in error
    assert _listing(instance, proposal["id"]) is None and _post(instance, proposal["id"]) is None


def test_proposal_of_another_actor__is_refused(market):
    instance, server, alice = market
    mallory = server.add_actor("mallory")
    forged = _proposal(server, mallory)  # attributed to mallory, sent by alice
    reply = sign_post(instance.url("/inbox"), alice.create(forged), alice.signing_key, instance.clock()).send()
    assert reply.status == 401  # the inbox refuses a Create of someone else's object
    instance.drain()
    assert _listing(instance, forged["id"]) is None


def test_note_carrying_a_malformed_proposal__is_kept_as_a_plain_post(market):
    instance, server, alice = market
    bad = {**_proposal(server, alice), "reciprocal": {
        "type": "Intent", "action": "transfer", "resourceConformsTo": "urn:iso:std:iso:4217:USD",
        "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "9.999"}}}
    note = alice.note("<p>My bike</p>", proposal=bad)
    _send(instance, alice, alice.create(note))
    assert _post(instance, note["id"]) is not None
    assert _listing(instance, bad["id"]) is None


def test_note_carrying_a_proposal_from_another_origin__keeps_the_note_only(market, start_remote):  # noqa: F811
    instance, server, alice = market
    elsewhere = start_remote()
    foreign = _proposal(elsewhere, alice)  # its id lives on another server than alice
    note = alice.note("<p>Not really mine</p>", proposal=foreign)
    _send(instance, alice, alice.create(note))
    assert _post(instance, note["id"]) is not None
    assert _listing(instance, foreign["id"]) is None
