"""Listings move with the account: alice exports her account on A with her listings, imports the
archive into a new account on B, and B's shop has them - same title, price, stock, condition,
category, regions, checkout link and status (a sold one stays sold), their original dates and
photos, a new Proposal id on B - and importing again makes none twice. A listing an archive
states badly (an absurd price, an unknown currency, a huge title, a field of the wrong type, a
Proposal that is not its author's) refuses that post alone, in the job's report, storing nothing
of it."""

import io
import json
import zipfile

from redfed.services.media import media as media_service
from redfed.services.portability import exports
from redfed.services.shop import listings

from ..support import api
from ..support.http import AP, get
from .archives import OLD, PUBLIC, _create, _note, png, zip_of
from .support import import_and_wait, upload

BIKE = {
    "title": "Blue bike", "price_amount": "30", "price_currency": "USD", "quantity": "3", "condition": "used",
    "category": "Bicycles", "regions": ["Berlin", "Hamburg"], "checkout_url": "https://pay.example/bike",
}
LAMP = {"title": "Brass lamp", "price_amount": "12.5", "price_currency": "EUR"}
SAME = ("title", "price", "quantity", "availability", "condition", "category", "regions", "checkout_url", "state", "paid_partnership")


def _count(instance, sql, *params):
    async def run():
        async with instance.runtime.db.reader.execute(sql, params) as cursor:
            return (await cursor.fetchone())[0]
    return instance.run(run())


async def _no_progress(_percent):
    return None


def _shop(instance, account_id):
    return {item["title"]: item for item in get(instance.url(f"/api/v1/accounts/{account_id}/listings")).json()}


def _alice_with_listings(a, tmp_path):
    """alice on A: a bike with a photo and stock, then an hour later a lamp she sold."""
    alice = a.create_user("alice").actor
    photo = a.run(media_service.upload(a.ctx, alice, io.BytesIO(png("blue")), description="the blue bike")).media
    a.run(listings.create_listing(a.ctx, alice, dict(BIKE), "Some rust. #bikes", media=[photo]))
    a.clock.advance(3600)
    lamp, _post = a.run(listings.create_listing(a.ctx, alice, dict(LAMP), "Shines.", visibility="unlisted"))
    a.clock.advance(60)
    a.run(listings.set_status(a.ctx, alice, lamp.post_id, "sold"))
    a.drain()
    path = tmp_path / "alice.zip"
    a.run(exports.export_to_file(a.runtime.db, a.config, a.ctx.files.media, "alice", path, _no_progress))
    return alice, path


def test_listings_in_an_archive__reappear_in_the_new_accounts_shop_as_they_were(start_instance, tmp_path):
    a, b = start_instance("a"), start_instance("b")
    alice, path = _alice_with_listings(a, tmp_path)
    new = b.create_user("alice2").actor
    token = api.token_for(b, "alice2")

    job = import_and_wait(b, token, "archive", path.read_bytes(), filename="alice.zip")

    assert (job["state"], job["imported"], job["report"]) == ("done", 2, []), job
    before, after = _shop(a, alice.id), _shop(b, new.id)
    assert set(after) == {"Blue bike", "Brass lamp"}
    for title, moved in after.items():
        old = before[title]
        assert {k: moved[k] for k in SAME} == {k: old[k] for k in SAME}, title
        # To the second: an archive's `published`, like any ActivityPub date, has no milliseconds.
        assert moved["created_at"] == old["created_at"][:19] + ".000Z"
        assert moved["status"]["created_at"] == moved["created_at"]
        assert moved["status"]["visibility"] == old["status"]["visibility"]
        assert moved["uri"].startswith(f"{b.base_url}/users/alice2/listings/") and moved["uri"] != old["uri"]
        assert moved["seller"]["id"] == str(new.id)
    bike, lamp = after["Blue bike"], after["Brass lamp"]
    assert (bike["price"], bike["quantity"], bike["regions"]) == ({"amount": "30.00", "currency": "USD", "kind": "fixed"}, 3, ["Berlin", "Hamburg"])
    assert (lamp["state"], lamp["status"]["visibility"]) == ("sold", "unlisted")
    # The photo came over byte for byte, with its description; the description and hashtag too.
    [photo] = bike["status"]["media_attachments"]
    [old_photo] = before["Blue bike"]["status"]["media_attachments"]
    assert photo["description"] == "the blue bike" and photo["url"].startswith(b.base_url)
    assert get(photo["url"]).body == get(old_photo["url"]).body
    assert "Some rust." in bike["status"]["content"] and f"{b.base_url}/tags/bikes" in bike["status"]["content"]
    assert "Sold" in lamp["status"]["content"]
    # The description alone is the post's text, as for a listing made on B: no second headline.
    source = get(b.url(f"/api/v1/statuses/{bike['id']}/source"), headers={"Authorization": f"Bearer {token}"}).json()
    assert source["text"] == "Some rust. #bikes"
    assert bike["status"]["content"].count("View listing") == 1 and bike["status"]["content"].count("Blue bike") == 1
    # Its Note, served by B, carries the new Proposal and names the old post.
    note = get(bike["status"]["uri"], headers=AP).json()
    assert note["proposal"]["id"] == bike["uri"] and note["proposal"]["name"] == "Blue bike"
    assert note["importedFrom"]["href"] == before["Blue bike"]["status"]["uri"]

    # It is a listing of alice2's like any: a change of status keeps its description.
    paused, post = b.run(listings.set_status(b.ctx, new, int(bike["id"]), "paused"))
    assert paused.status == "paused" and "Some rust." in post.content
    outbox = get(b.url("/users/alice2/outbox?page=true"), headers=AP).json()["orderedItems"]
    [create] = [item for item in outbox if item["object"]["id"] == bike["status"]["uri"]]
    assert create["object"]["proposal"]["listingStatus"] == "paused"
    assert create["object"]["importedFrom"]["href"] == before["Blue bike"]["status"]["uri"]

    again = import_and_wait(b, token, "archive", path.read_bytes(), filename="alice.zip")
    assert (again["state"], again["report"]) == ("done", [])
    assert _count(b, "SELECT count(*) FROM listings WHERE actor_id = ?", new.id) == 2
    assert _count(b, "SELECT count(*) FROM posts WHERE actor_id = ?", new.id) == 2
    assert _count(b, "SELECT count(*) FROM media WHERE owner_id = ?", new.id) == 1


def _proposal(number: int, **changes) -> dict:
    uri = f"{OLD}/listings/{number}"
    proposal = {
        "id": uri, "type": "Proposal", "purpose": "offer", "attributedTo": OLD, "name": "Green chair",
        "content": "<p>Comfy.</p>", "publishes": {"type": "Intent", "action": "transfer",
                                                    "availableQuantity": {"hasUnit": "one", "hasNumericalValue": "2"}},
        "reciprocal": {"type": "Intent", "action": "transfer", "resourceConformsTo": "urn:iso:std:iso:4217:EUR",
                       "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "45.00"}},
        "itemCondition": "https://schema.org/UsedCondition",
    }
    for key, value in changes.items():
        if key == "price":
            proposal["reciprocal"]["resourceQuantity"]["hasNumericalValue"] = value
        elif key == "currency":
            proposal["reciprocal"]["resourceConformsTo"] = value
        else:
            proposal[key] = value
    return proposal


HOSTILE = {
    "absurd price": _proposal(2, price="1e30"),
    "negative price": _proposal(3, price="-5"),
    "unknown currency": _proposal(4, currency="urn:iso:std:iso:4217:XXX"),
    "huge title": _proposal(5, name="x" * 10_000),
    "title of the wrong type": _proposal(6, name=["Green chair"]),
    "quantity of the wrong type": _proposal(7, publishes={"type": "Intent", "action": "transfer", "availableQuantity": {"hasNumericalValue": "lots"}}),
    "another origin": {**_proposal(8), "id": "https://elsewhere.example/listings/8"},
    "followers-only": _proposal(9),
}
ENTRIES = {  # listings.json entries for posts that carry no Proposal
    "entry with an absurd price": {"title": "Gold", "price_kind": "fixed", "price_amount": "99999999999", "price_currency": "USD", "status": "open"},
    "entry with a price of the wrong type": {"title": "Gold", "price_kind": "fixed", "price_amount": 12, "price_currency": "USD", "status": "open"},
    "entry with an unknown status": {"title": "Gold", "price_kind": "free", "status": "stolen"},
}


def _archive_with_proposals() -> tuple[bytes, dict]:
    """A non-redfed archive: one good listing (a Note carrying a Proposal), then the hostile ones."""
    notes, names = [], {}
    cases = [("good", _proposal(1)), *HOSTILE.items(), *((name, None) for name in ENTRIES)]
    for number, (name, proposal) in enumerate(cases, start=1):
        to, cc = ([f"{OLD}/followers"], []) if name == "followers-only" else ([PUBLIC], [f"{OLD}/followers"])
        note = _note(number, f"<p>{name}</p>", f"2023-01-{number:02d}T00:00:00Z", to=to, cc=cc)
        if proposal is not None:
            note["proposal"] = proposal
        notes.append(note)
        names[note["id"]] = name
    entries = [{"post": note["id"], **ENTRIES[names[note["id"]]]} for note in notes if names[note["id"]] in ENTRIES]
    outbox = {"type": "OrderedCollection", "orderedItems": [_create(n) for n in notes]}
    files = {
        "actor.json": json.dumps({"id": OLD, "type": "Person"}).encode(), "outbox.json": json.dumps(outbox).encode(),
        "listings.json": json.dumps({"type": "OrderedCollection", "orderedItems": entries}).encode(),
    }
    return zip_of(files), names


def test_hostile_listings_in_an_archive__each_refused_alone_with_nothing_of_it_stored(instance):
    alice = instance.create_user("alice").actor
    data, names = _archive_with_proposals()

    job = import_and_wait(instance, api.token_for(instance, "alice"), "archive", data, filename="a.zip")

    assert (job["state"], job["imported"]) == ("done", 1), job
    refused = {names[entry["value"]]: entry for entry in job["report"]}
    assert set(refused) == set(HOSTILE) | set(ENTRIES)
    assert all(entry["error"] == "refused" and entry["detail"].startswith("listing refused: ") for entry in refused.values())
    assert "price is too high" in refused["absurd price"]["detail"]
    assert "unknown currency" in refused["unknown currency"]["detail"]
    assert "title" in refused["huge title"]["detail"] and "title" in refused["title of the wrong type"]["detail"]
    assert "another origin" in refused["another origin"]["detail"]
    assert "a listing is public or unlisted" in refused["followers-only"]["detail"]
    assert "price_amount has the wrong type" in refused["entry with a price of the wrong type"]["detail"]
    # Only the good one is here, as a listing; of the others not a post, not a listing.
    [chair] = _shop(instance, alice.id).values()
    assert (chair["title"], chair["price"], chair["quantity"], chair["condition"]) == (
        "Green chair", {"amount": "45.00", "currency": "EUR", "kind": "fixed"}, 2, "used")
    assert chair["created_at"] == "2023-01-01T00:00:00.000Z" and chair["uri"].startswith(instance.base_url)
    assert "Comfy." in chair["status"]["content"]
    assert _count(instance, "SELECT count(*) FROM posts WHERE actor_id = ?", alice.id) == 1
    assert _count(instance, "SELECT count(*) FROM listings") == 1


def test_listings_json_of_the_wrong_shape__the_archive_refused_whole(instance):
    alice = instance.create_user("alice").actor
    data, _names = _archive_with_proposals()
    source = zipfile.ZipFile(io.BytesIO(data))
    files = {name: source.read(name) for name in source.namelist()}
    files["listings.json"] = json.dumps({"type": "OrderedCollection", "orderedItems": [{"post": 42}]}).encode()
    refused = upload(instance, api.token_for(instance, "alice"), "archive", zip_of(files), filename="a.zip")
    assert refused.status == 422 and "listings.json item 1" in refused.json()["error"]
    assert _count(instance, "SELECT count(*) FROM posts WHERE actor_id = ?", alice.id) == 0
