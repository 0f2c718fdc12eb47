"""An imported post's Note, carrying FEP-0c7f's `importedFrom` with its term defined inline,
is read by an independent implementation (the Fedify peer) like any Note: the extra term costs
its JSON-LD processing nothing (no context document to load)."""

from ..imports.archives import OLD, mastodon_archive
from ..imports.support import import_and_wait
from ..support import api
from ..support.http import AP, get


def test_fedify__reads_an_imported_note_with_imported_from(instance, fedify_peer):
    alice = instance.create_user("alice").actor
    job = import_and_wait(instance, api.token_for(instance, "alice"), "archive", mastodon_archive(), filename="archive.zip")
    assert job["state"] == "done"
    first = next(s for s in api.client(instance, "alice").account_statuses(alice.id) if "Hello" in s["content"])
    note = get(first["uri"], headers=AP).json()
    assert note["importedFrom"]["href"].startswith(f"{OLD}/statuses/")

    found = fedify_peer.lookup(first["uri"])

    assert (found["id"], found["type"]) == (first["uri"], "https://www.w3.org/ns/activitystreams#Note")
    assert found["json"]["attributedTo"] == alice.uri
