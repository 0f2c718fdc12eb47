"""Actor documents and collections, served by content negotiation at stable URLs."""

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, padding
from cryptography.hazmat.primitives.hashes import SHA256

from redfed.protocol import keys
from redfed.store import actors as actor_store

from ..support.http import AP, get

AS2_ACCEPTS = [
    "application/activity+json",
    'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
    "application/ld+json",
    "application/activity+json, application/ld+json, text/html;q=0.1",
]


@pytest.mark.parametrize("accept", AS2_ACCEPTS)
def test_actor__is_served_as_activitystreams_to_activitypub_clients(instance, accept):
    instance.create_user("alice")
    reply = get(instance.url("/users/alice"), {"Accept": accept})
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/activity+json"
    assert reply.headers["Vary"] == "Accept"
    assert reply.json()["id"] == instance.url("/users/alice")


def test_actor__has_what_mastodon_expects_of_a_person(instance):
    instance.create_user("alice")
    actor = get(instance.url("/users/alice"), AP).json()
    base = instance.url("/users/alice")
    assert actor["@context"][0] == "https://www.w3.org/ns/activitystreams"
    assert "https://w3id.org/security/v1" in actor["@context"]
    assert actor["type"] == "Person"
    assert actor["preferredUsername"] == "alice"
    assert actor["inbox"] == base + "/inbox"
    assert actor["outbox"] == base + "/outbox"
    assert actor["followers"] == base + "/followers"
    assert actor["following"] == base + "/following"
    assert actor["featured"] == base + "/collections/featured"
    assert actor["endpoints"] == {"sharedInbox": instance.url("/inbox")}
    assert actor["url"] == instance.url("/@alice")
    assert actor["manuallyApprovesFollowers"] is False
    assert actor["discoverable"] is True
    assert actor["published"].endswith("Z")
    assert actor["attachment"] == [] and actor["alsoKnownAs"] == []
    assert actor["publicKey"]["id"] == base + "#main-key"
    assert actor["publicKey"]["owner"] == base


def test_actor__public_key_verifies_what_the_stored_private_key_signs(instance):
    created = instance.create_user("alice")
    actor = get(instance.url("/users/alice"), AP).json()
    stored = instance.run(actor_store.list_keys(instance.runtime.db.reader, created.actor.id))
    rsa_private = keys.load_private_key(stored[0].private_pem)
    signature = rsa_private.sign(b"hello", padding.PKCS1v15(), SHA256())
    keys.load_public_key(actor["publicKey"]["publicKeyPem"]).verify(signature, b"hello", padding.PKCS1v15(), SHA256())

    # FEP-521a: the Ed25519 key for integrity proofs, as a Multikey.
    [method] = actor["assertionMethod"]
    assert method["type"] == "Multikey"
    assert method["id"] == instance.url("/users/alice#ed25519-key")
    assert method["controller"] == instance.url("/users/alice")
    ed_public = keys.ed25519_public_from_multibase(method["publicKeyMultibase"])
    assert isinstance(ed_public, ed25519.Ed25519PublicKey)
    ed_private = keys.load_private_key(stored[1].private_pem)
    ed_public.verify(ed_private.sign(b"hello"), b"hello")


def test_actor__browsers_are_sent_to_the_profile_page(instance):
    instance.create_user("alice")
    reply = get(instance.url("/users/alice"), {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert reply.status == 302
    assert reply.headers["Location"] == instance.url("/@alice")


def test_profile_page__is_html_that_links_its_actor(instance):
    instance.create_user("alice")
    reply = get(instance.url("/@alice"), {"Accept": "text/html"})
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    assert f'<link rel="alternate" type="application/activity+json" href="{instance.url("/users/alice")}">' in reply.text
    assert f"@alice@{instance.domain}" in reply.text


def test_profile_page__serves_the_actor_to_activitypub_clients(instance):
    instance.create_user("alice")
    reply = get(instance.url("/@alice"), AP)
    assert reply.headers["Content-Type"] == "application/activity+json"
    assert reply.json()["id"] == instance.url("/users/alice")


def test_instance_actor__is_an_application_with_a_key(instance):
    actor = get(instance.url("/actor"), AP).json()
    assert actor["type"] == "Application"
    assert actor["id"] == instance.url("/actor")
    assert actor["preferredUsername"] == instance.domain
    assert actor["publicKey"]["id"] == instance.url("/actor#main-key")
    assert actor["inbox"] == instance.url("/actor/inbox")
    assert get(actor["outbox"], AP).json()["type"] == "OrderedCollection"


@pytest.mark.parametrize("path", ["/outbox", "/followers", "/following", "/collections/featured"])
def test_collections__are_valid_ordered_collections(instance, path):
    instance.create_user("alice")
    reply = get(instance.url("/users/alice" + path), AP)
    assert reply.headers["Content-Type"] == "application/activity+json"
    collection = reply.json()
    assert collection["@context"] == "https://www.w3.org/ns/activitystreams"
    assert collection["id"] == instance.url("/users/alice" + path)
    assert collection["type"] == "OrderedCollection"
    assert collection["totalItems"] == 0
    # Paged collections (Mastodon's outbox, followers, following) point at their first page.
    assert "first" in collection or collection["orderedItems"] == []


@pytest.mark.parametrize("path", ["/users/nobody", "/users/nobody/outbox", "/@nobody"])
def test_unknown_accounts__are_404_with_an_error(instance, path):
    reply = get(instance.url(path), AP)
    assert reply.status == 404
    assert reply.json() == {"error": "no such account"}


def test_unknown_page__is_404_html_for_browsers(instance):
    reply = get(instance.url("/no/such/page"), {"Accept": "text/html"})
    assert reply.status == 404
    assert reply.headers["Content-Type"].startswith("text/html")
