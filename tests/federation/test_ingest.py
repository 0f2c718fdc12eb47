"""Remote actor documents → models: the shapes real servers send, and hostile ones.

Fixtures under tests/fixtures/<host>/<path>.json follow what Mastodon, GoToSocial, Misskey and
Pixelfed serve for an actor (public keys freshly generated). Checklist items 7, 8, 12, 20, 21, 23.
"""

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given
from hypothesis import strategies as st

from redfed.errors import BadRequest
from redfed.federation.ingest import (
    ap_to_remote_actor,
    is_actor_document,
    same_origin,
    url_domain,
    url_origin,
)
from redfed.protocol import keys
from redfed.protocol.http_urls import http_url

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOW = 1_750_000_000_000  # 2025-06-15


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def ingest(doc, fetched_from: str | None = None):
    return ap_to_remote_actor(doc, fetched_from=fetched_from or doc["id"], now_ms=NOW)


def ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).replace(tzinfo=UTC).timestamp() * 1000)


def same_key(pem_a: str, pem_b: str) -> bool:
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    a = keys.load_public_key(pem_a).public_bytes(serialization.Encoding.DER, spki)
    return a == keys.load_public_key(pem_b).public_bytes(serialization.Encoding.DER, spki)


@pytest.fixture
def mastodon() -> dict:
    return fixture("mastodon.social/users/Gargron.json")


# --- real software ------------------------------------------------------------------------------


def test_mastodon_person(mastodon):
    actor, [key] = ingest(mastodon)
    base = "https://mastodon.social/users/Gargron"
    assert (actor.id, actor.uri, actor.type, actor.is_local) == (0, base, "Person", False)
    assert (actor.username, actor.domain) == ("Gargron", "mastodon.social")
    assert actor.handle == "Gargron@mastodon.social"
    assert actor.display_name == "Eugen Rochko"
    assert 'class="u-url mention"' in actor.summary and "Film photography" in actor.summary
    assert actor.summary_source == ""
    assert actor.url == "https://mastodon.social/@Gargron"
    assert (actor.inbox_uri, actor.outbox_uri) == (f"{base}/inbox", f"{base}/outbox")
    assert (actor.followers_uri, actor.following_uri) == (f"{base}/followers", f"{base}/following")
    assert actor.featured_uri == f"{base}/collections/featured"
    assert actor.shared_inbox_uri == "https://mastodon.social/inbox"
    assert actor.icon_url.startswith("https://files.mastodon.social/accounts/avatars/")
    assert actor.image_url.startswith("https://files.mastodon.social/accounts/headers/")
    assert [f.name for f in actor.fields] == ["Patreon", "GitHub"]
    assert 'href="https://github.com/Gargron"' in actor.fields[1].value
    assert '<span class="invisible">https://</span>' in actor.fields[1].value
    assert actor.discoverable is True and actor.manually_approves_followers is False
    assert actor.published_at == ms("2016-03-16T00:00:00")
    assert actor.updated_at == actor.fetched_at == NOW
    assert actor.also_known_as == () and actor.moved_to_uri is None
    assert (key.id, key.actor_id, key.key_id, key.kind) == (0, 0, f"{base}#main-key", "rsa")
    assert key.private_pem is None
    assert same_key(key.public_pem, mastodon["publicKey"]["publicKeyPem"])


def test_gotosocial_person_with_its_slash_main_key():
    actor, [key] = ingest(fixture("gts.example.org/users/tobi.json"))
    assert (actor.username, actor.domain, actor.display_name) == ("tobi", "gts.example.org", "tobi 🦥")
    assert key.key_id == "https://gts.example.org/users/tobi/main-key"
    assert actor.manually_approves_followers is True and actor.discoverable is True
    assert actor.shared_inbox_uri is None  # GtS has no shared inbox
    assert actor.icon_url.endswith(".webp") and actor.image_url is None
    assert [(f.name, f.value) for f in actor.fields][0] == ("pronouns", "they/them")
    assert 'rel="nofollow noopener noreferrer"' in actor.fields[1].value
    assert actor.url == "https://gts.example.org/@tobi"


def test_gotosocial_key_stub_is_actor_shaped_but_not_a_usable_actor():
    # GtS serves this at /users/tobi/main-key: the resolver must fetch the full actor by its id.
    stub = fixture("gts.example.org/users/tobi/main-key.json")
    assert is_actor_document(stub)
    with pytest.raises(BadRequest, match="inbox"):
        ingest(stub)


def test_misskey_person_with_its_extensions():
    doc = fixture("misskey.example/users/9n1n3f1kq3.json")
    actor, [key] = ingest(doc)
    assert (actor.username, actor.domain) == ("nyanko", "misskey.example")
    assert actor.uri == "https://misskey.example/users/9n1n3f1kq3"
    assert actor.display_name == "にゃんこ :blobcat:"
    assert actor.summary.startswith("<p><span>ねこです<br>")
    assert actor.shared_inbox_uri == "https://misskey.example/inbox"
    assert actor.url == "https://misskey.example/@nyanko"
    assert actor.image_url is None  # "image": null
    assert actor.published_at == NOW  # Misskey sends no `published`
    assert key.key_id == doc["publicKey"]["id"] and key.kind == "rsa"


def test_pixelfed_person_without_discoverable_is_not_discoverable():
    actor, [key] = ingest(fixture("pixelfed.example/users/dana.json"))
    assert (actor.username, actor.domain) == ("dana", "pixelfed.example")
    assert actor.url == "https://pixelfed.example/dana"
    assert actor.discoverable is False  # Mastodon: `@json['discoverable'] || false`
    assert actor.summary == "Street photography, mostly 35mm."
    assert actor.shared_inbox_uri == "https://pixelfed.example/f/inbox"
    assert actor.icon_url == "https://pixelfed.example/storage/avatars/321/avatar.jpg?v=4"
    assert actor.published_at == ms("2019-04-11T08:21:37")
    assert key.key_id == "https://pixelfed.example/users/dana#main-key"


# --- hostile documents ----------------------------------------------------------------------------


def test_hostile_actor_is_reduced_to_what_is_safe():
    actor, found = ingest(fixture("evil.example/users/mallory.json"))
    # Scripts, handlers, media, styles, javascript: links and unknown classes are gone (item 21).
    assert actor.summary == '<p>hi<a class="mention" rel="nofollow noopener noreferrer">click</a></p>'
    assert actor.fields[0].value == '<a rel="nofollow noopener noreferrer">x</a>'
    assert actor.display_name == "<img src=x onerror=alert(1)>Mallory"  # plain text, escaped where shown
    assert actor.icon_url is None and actor.image_url is None
    assert actor.url is None  # a profile link on another host
    assert actor.shared_inbox_uri is None and actor.outbox_uri is None and actor.followers_uri is None
    assert [f.name for f in actor.fields] == ["site"]
    assert actor.also_known_as == ("https://victim.example/users/alice",)
    # Only the key that is on mallory's origin and owned by mallory (items 7, 8).
    assert [k.key_id for k in found] == ["https://evil.example/users/mallory#main-key"]


def test_id_on_another_origin_than_the_fetch_is_refused(mastodon):
    for fetched_from in ("https://evil.example/users/Gargron", "http://mastodon.social/users/Gargron",
                         "https://mastodon.social:8443/users/Gargron"):
        with pytest.raises(BadRequest, match="origin"):
            ingest(mastodon, fetched_from)


@pytest.mark.parametrize("bad_id", [
    None, 42, ["https://mastodon.social/users/Gargron"], "javascript:alert(1)", "/users/Gargron",
    "https://user:pw@mastodon.social/users/Gargron", "https://mastodon.social:99999/users/x",
    "https://x/" + "a" * 3000,
])
def test_unusable_ids_are_refused(mastodon, bad_id):
    mastodon["id"] = bad_id
    with pytest.raises(BadRequest, match="id"):
        ingest(mastodon, "https://mastodon.social/users/Gargron")


def test_type_must_be_an_actor_type(mastodon):
    mastodon["type"] = ["Hashtag", "Service"]
    assert ingest(mastodon)[0].type == "Service"  # Mastodon takes the first supported type
    for bad in ("Note", None, {"type": "Person"}, ["Note"]):
        mastodon["type"] = bad
        with pytest.raises(BadRequest, match="type"):
            ingest(mastodon)


@pytest.mark.parametrize("inbox", [None, 12, "https://evil.example/inbox", "ftp://mastodon.social/inbox"])
def test_inbox_is_required_on_the_actors_origin(mastodon, inbox):
    mastodon["inbox"] = inbox
    with pytest.raises(BadRequest, match="inbox"):
        ingest(mastodon)


@pytest.mark.parametrize("username", [None, "", "a b", "a\tb", "bob@evil.example", "a/b", "x" * 256,
                                      ["Gargron"], {"a": 1}, "bob~12", "nul\x00", "back\\slash"])
def test_preferred_username_is_validated(mastodon, username):
    mastodon["preferredUsername"] = username
    with pytest.raises(BadRequest, match="preferredUsername"):
        ingest(mastodon)


def test_usernames_other_servers_use_are_accepted(mastodon):
    for username in ("mastodon.social", "a-b_c.d", "127.0.0.1:8080", "ユーザー"):
        mastodon["preferredUsername"] = username
        assert ingest(mastodon)[0].username == username


@pytest.mark.parametrize("doc", [[], "actor", 42, None])
def test_a_document_that_is_not_an_object_is_refused(doc):
    with pytest.raises(BadRequest, match="object"):
        ap_to_remote_actor(doc, fetched_from="https://a.example/u", now_ms=NOW)


def test_wrong_types_in_optional_fields_are_ignored(mastodon):
    mastodon.update({
        "name": {"en": "object"}, "summary": ["list"], "attachment": "text", "alsoKnownAs": {"id": 5},
        "icon": 42, "image": [None], "url": {"href": 7}, "endpoints": "https://mastodon.social/inbox",
        "manuallyApprovesFollowers": "true", "discoverable": 1, "published": 1458086400, "movedTo": ["x"],
        "publicKey": "https://mastodon.social/users/Gargron#main-key", "assertionMethod": 3,
        "outbox": {"id": "https://mastodon.social/users/Gargron/outbox"},
    })
    actor, found = ingest(mastodon)
    assert (actor.display_name, actor.summary, actor.fields, actor.also_known_as) == ("", "", (), ())
    assert (actor.icon_url, actor.image_url, actor.url) == (None, None, None)
    assert (actor.shared_inbox_uri, actor.moved_to_uri) == (None, None)
    assert actor.manually_approves_followers is False and actor.discoverable is False
    assert actor.published_at == NOW
    assert actor.outbox_uri == "https://mastodon.social/users/Gargron/outbox"  # an embedded object's id
    assert found == []  # a key given only by reference is not followed


def test_oversized_values_are_truncated(mastodon):
    mastodon.update({
        "name": "n" * 10_000,
        "summary": "<p>" + "s" * 5_000_000 + "</p>",
        "attachment": [{"type": "PropertyValue", "name": f"f{i}" + "x" * 1000, "value": "v" * 100_000}
                       for i in range(100)],
        "alsoKnownAs": [f"https://mastodon.social/users/alias{i}" for i in range(100_000)],
    })
    actor, _ = ingest(mastodon)
    assert len(actor.display_name) == 255
    assert len(actor.summary) < 10_100 and actor.summary.startswith("<p>s")
    assert len(actor.fields) == 16 and all(len(f.name) == 255 for f in actor.fields)
    assert all(len(f.value) <= 2_048 for f in actor.fields)
    assert len(actor.also_known_as) == 20


def test_links_in_every_shape_servers_use(mastodon):
    mastodon["icon"] = [{"type": "Image", "url": {"type": "Link", "href": "https://cdn.example/a.png"}},
                        {"type": "Image", "url": "https://cdn.example/b.png"}]
    mastodon["image"] = {"type": "Link", "href": "https://cdn.example/header.png"}
    mastodon["url"] = [{"type": "Link", "mediaType": "text/html", "href": "https://mastodon.social/@Gargron"}]
    actor, _ = ingest(mastodon)
    assert actor.icon_url == "https://cdn.example/a.png"  # media may live on another host
    assert actor.image_url == "https://cdn.example/header.png"
    assert actor.url == "https://mastodon.social/@Gargron"
    mastodon["icon"] = "https://cdn.example/plain.png"
    assert ingest(mastodon)[0].icon_url == "https://cdn.example/plain.png"


def test_moved_and_aliases_do_not_point_at_the_actor_itself(mastodon):
    me = mastodon["id"]
    mastodon["movedTo"] = me
    mastodon["alsoKnownAs"] = [me, "https://other.example/users/g", "https://other.example/users/g"]
    actor, _ = ingest(mastodon)
    assert actor.moved_to_uri is None
    assert actor.also_known_as == ("https://other.example/users/g",)
    mastodon["movedTo"] = {"id": "https://other.example/users/g", "type": "Person"}
    assert ingest(mastodon)[0].moved_to_uri == "https://other.example/users/g"


@pytest.mark.parametrize(("published", "expected"), [
    ("2020-01-02T03:04:05Z", ms("2020-01-02T03:04:05")),
    ("2020-01-02T03:04:05.123+02:00", ms("2020-01-02T01:04:05.123")),
    ("2020-01-02T03:04:05", ms("2020-01-02T03:04:05")),  # no zone: UTC
    ("2999-01-01T00:00:00Z", NOW),  # not in the future
    ("yesterday", NOW),
    ("9" * 100, NOW),
])
def test_published(mastodon, published, expected):
    mastodon["published"] = published
    assert ingest(mastodon)[0].published_at == expected


# --- keys ----------------------------------------------------------------------------------------


def rsa_public_pem(bits: int = 2048, pkcs1: bool = False) -> str:
    public = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    fmt = serialization.PublicFormat.PKCS1 if pkcs1 else serialization.PublicFormat.SubjectPublicKeyInfo
    return public.public_bytes(serialization.Encoding.PEM, fmt).decode()


def test_public_key_list_takes_each_valid_owned_key_once(mastodon):
    me = mastodon["id"]
    second = rsa_public_pem(pkcs1=True)  # old servers send PKCS#1 ("BEGIN RSA PUBLIC KEY")
    mastodon["publicKey"] = [
        mastodon["publicKey"],
        {"id": f"{me}#second", "owner": me, "publicKeyPem": second},
        {"id": f"{me}#main-key", "owner": me, "publicKeyPem": rsa_public_pem()},  # duplicate id
        {"id": f"{me}#garbage", "owner": me, "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END"},
        {"id": f"{me}#weak", "owner": me, "publicKeyPem": rsa_public_pem(1024)},
        {"id": f"{me}#ed", "owner": me, "publicKeyPem": keys.generate_ed25519_keypair()[1]},
        {"id": f"{me}#no-owner", "publicKeyPem": rsa_public_pem()},
        {"id": f"{me}#huge", "owner": me, "publicKeyPem": "A" * 100_000},
    ]
    _, found = ingest(mastodon)
    assert [k.key_id for k in found] == [f"{me}#main-key", f"{me}#second"]
    assert same_key(found[0].public_pem, mastodon["publicKey"][0]["publicKeyPem"])
    assert found[1].public_pem.startswith("-----BEGIN PUBLIC KEY-----")  # stored as SubjectPublicKeyInfo
    assert same_key(found[1].public_pem, second)


def test_fep_521a_multikeys_are_stored_as_ed25519_pem(mastodon):
    me = mastodon["id"]
    _, ed_public = keys.generate_ed25519_keypair()
    multibase = keys.ed25519_public_multibase(ed_public)
    def multikey(key_id, controller=me, value=multibase, key_type="Multikey"):
        return {"id": key_id, "type": key_type, "controller": controller, "publicKeyMultibase": value}

    mastodon["assertionMethod"] = [
        multikey(f"{me}#ed25519-key"),
        multikey(f"{me}#theirs", controller="https://x.example/u"),
        multikey("https://x.example/u#k"),
        multikey(f"{me}#bad", value="zNotBase58!!"),
        multikey(f"{me}#long", value="z" + "1" * 100_000),
        multikey(f"{me}#untyped", key_type=None),
    ]
    _, found = ingest(mastodon)
    assert [(k.key_id, k.kind) for k in found] == [
        (f"{me}#main-key", "rsa"), (f"{me}#ed25519-key", "ed25519")]
    assert same_key(found[1].public_pem, ed_public)


# --- origins and domains (item 23) ------------------------------------------------------------------


@pytest.mark.parametrize(("url", "domain"), [
    ("https://Example.COM/users/a", "example.com"),
    ("https://example.com:443/users/a", "example.com"),
    ("https://example.com./users/a", "example.com"),
    ("https://example.com:8443/users/a", "example.com:8443"),
    ("http://127.0.0.1:8000/users/a", "127.0.0.1:8000"),
    ("http://[::1]:8080/u", "[::1]:8080"),
    ("https://bücher.example/u", "xn--bcher-kva.example"),
    ("javascript:alert(1)", None),
    ("https:///nohost", None),
])
def test_url_domain_is_canonical(url, domain):
    assert url_domain(url) == domain


def test_same_origin_compares_scheme_host_and_port():
    assert same_origin("https://a.example/x", "https://A.EXAMPLE:443/y#z")
    assert not same_origin("https://a.example/x", "http://a.example/x")
    assert not same_origin("https://a.example/x", "https://a.example:8443/x")
    assert not same_origin("https://a.example/x", "https://b.a.example/x")
    assert not same_origin("https://a.example@b.example/x", "https://b.example/x")  # credentials refused
    assert not same_origin(None, None)
    assert url_origin("https://a.example/x") == ("https", "a.example", 443)


def test_fixture_documents_are_not_modified_by_ingest(mastodon):
    before = copy.deepcopy(mastodon)
    ingest(mastodon)
    assert mastodon == before


# What strangers put in an actor (issue 25): dates out of range, URLs no resolver takes, surrogates.
ODD = st.one_of(
    st.text(max_size=20), st.integers(-(2**70), 2**70), st.booleans(), st.none(),
    st.sampled_from([
        "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "http://[", "//1", "http://xn--a.example/",
        f"https://mastodon.social/{'a' * 64}", f"https://{'a' * 64}.example/icon.png", "https://x\u2100/",
        "\ud800", "a\x00b",
    ]),
)
VALUES = st.recursive(ODD, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["id", "type", "href", "url", "name", "value", "sharedInbox"]), inner, max_size=3), max_leaves=6)
FIELDS = st.dictionaries(st.sampled_from([
    "published", "name", "summary", "url", "icon", "image", "inbox", "outbox", "followers", "featured", "endpoints",
    "attachment", "alsoKnownAs", "movedTo",
]), VALUES, max_size=5)


@given(FIELDS)
def test_any_actor__is_refused_or_stored_in_a_form_every_reader_takes(fields):
    try:
        actor, _ = ingest(fixture("mastodon.social/users/Gargron.json") | fields)
    except BadRequest:
        return
    assert 0 <= actor.published_at <= NOW
    links = [actor.uri, actor.url, actor.inbox_uri, actor.outbox_uri, actor.followers_uri, actor.featured_uri,
             actor.shared_inbox_uri, actor.icon_url, actor.image_url, actor.moved_to_uri, *actor.also_known_as]
    assert all(http_url(link) == link for link in links if link is not None)
    text = [actor.display_name, actor.summary, [(f.name, f.value) for f in actor.fields]]
    json.dumps(text, ensure_ascii=False).encode("utf-8")  # no lone surrogate left anywhere
