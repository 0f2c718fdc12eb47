"""ActivityStreams JSON → validated models (layer 3, pure: no network, no database).

Owns reading remote documents into `models.*`, trusting nothing in them: identity claims are
tied to the origin the document was fetched from (checklist items 7, 8, 12), HTML is sanitised
(item 21), and every field has a type check and a length cap (item 20), so hostile input ends as
a clear `errors.BadRequest` or a truncated value, never a TypeError deep in the caller.

The rules follow Mastodon's ActivityPub::FetchRemoteActorService and ProcessAccountService
(required `inbox` and `preferredUsername`, `discoverable` false unless the actor says true, the
profile `url` only when it is on the actor's host) and GoToSocial's ap.ExtractPublicKey (a key
counts only when its owner is the actor that lists it).
"""

import re

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ..content import sanitize_remote_html
from ..errors import BadRequest, SignatureError
from ..models import Actor, ActorKey, ProfileField
from ..protocol import keys
from ..protocol.as2 import as_list, get_id
from ..protocol.documents import storable_text
from ..protocol.http_urls import parse_http_url, same_origin, url_domain, url_origin
from ..protocol.instants import parse_instant

ACTOR_TYPES = frozenset({"Person", "Service", "Application", "Group", "Organization"})

MAX_NAME = 255
MAX_SUMMARY_SOURCE = 10_000  # raw HTML, markup included: about a 1,500-character Misskey bio
MAX_FIELDS = 16
MAX_FIELD_NAME = 255
MAX_FIELD_VALUE_SOURCE = 2_048
MAX_ALIASES = 20
MAX_KEYS = 10
# Entries looked at in a list-valued property; a 100k-entry list costs no more than this.
MAX_SCANNED = 100
RSA_BITS = (2048, 8192)  # below is forgeable; above costs verification time for nothing
MAX_PEM = 16_384

# No whitespace or control characters, no '@' or '/' (a second '@' or a path must not hide in a
# handle), and no '~', which upsert_remote_actor uses to park the row of a replaced account.
_USERNAME = re.compile(r"[^\s\x00-\x1f\x7f@/\\~]{1,255}")


def is_actor_document(doc: dict) -> bool:
    return _actor_type(doc.get("type")) is not None


def ap_to_remote_actor(doc: dict, *, fetched_from: str, now_ms: int) -> tuple[Actor, list[ActorKey]]:
    """A remote actor document → (Actor, its keys), ids 0. Raises BadRequest when it is unusable.

    `fetched_from` is the URL the document was actually served from: the actor's `id` must be on
    its origin, or any server could publish actors (and keys) for any other.
    """
    if not isinstance(doc, dict):
        raise BadRequest("actor document must be a JSON object")
    uri = _required_id(doc, fetched_from)
    actor_type = _actor_type(doc.get("type"))
    if actor_type is None:
        raise BadRequest(f"{uri}: type must be one of {', '.join(sorted(ACTOR_TYPES))}")
    inbox = _same_origin_url(doc.get("inbox"), uri)
    if inbox is None:
        raise BadRequest(f"{uri}: inbox must be a URL on the actor's origin")
    endpoints = doc.get("endpoints") if isinstance(doc.get("endpoints"), dict) else {}
    actor = Actor(
        id=0, uri=uri, type=actor_type, username=_username(doc, uri), domain=url_domain(uri),
        is_local=False, display_name=_text(doc.get("name"), MAX_NAME),
        summary=_html(doc.get("summary"), MAX_SUMMARY_SOURCE), summary_source="",
        url=_profile_url(doc.get("url"), uri), inbox_uri=inbox,
        outbox_uri=_same_origin_url(doc.get("outbox"), uri),
        followers_uri=_same_origin_url(doc.get("followers"), uri),
        following_uri=_same_origin_url(doc.get("following"), uri),
        featured_uri=_same_origin_url(doc.get("featured"), uri),
        shared_inbox_uri=_same_origin_url(endpoints.get("sharedInbox"), uri),
        icon_url=_image_url(doc.get("icon")), image_url=_image_url(doc.get("image")),
        fields=_fields(doc.get("attachment")), also_known_as=_aliases(doc.get("alsoKnownAs"), uri),
        moved_to_uri=_moved_to(doc.get("movedTo"), uri),
        manually_approves_followers=doc.get("manuallyApprovesFollowers") is True,
        # Mastodon: `@json['discoverable'] || false`; absent means the actor never opted in.
        discoverable=doc.get("discoverable") is True,
        published_at=_published(doc.get("published"), now_ms), updated_at=now_ms, fetched_at=now_ms,
    )
    return actor, _dedupe(_rsa_keys(doc, uri, now_ms) + _multikeys(doc, uri, now_ms))


# identity ------------------------------------------------------------------------------------


def _required_id(doc: dict, fetched_from: str) -> str:
    uri = doc.get("id")
    if parse_http_url(uri) is None:
        raise BadRequest("actor id must be an http(s) URL")
    if not same_origin(uri, fetched_from):
        raise BadRequest(f"actor id {uri[:200]} is not on the origin it was fetched from")
    return uri


def _actor_type(value) -> str | None:
    # Mastodon accepts a list of types and takes the first it supports.
    for candidate in as_list(value)[:MAX_SCANNED]:
        if isinstance(candidate, str) and candidate in ACTOR_TYPES:
            return candidate
    return None


def _username(doc: dict, uri: str) -> str:
    # Mastodon refuses an actor without preferredUsername: it is the handle's left half.
    username = doc.get("preferredUsername")
    if not isinstance(username, str) or not _USERNAME.fullmatch(username):
        raise BadRequest(f"{uri}: preferredUsername must be 1-255 characters without spaces, '@' or '/'")
    return username


# links ---------------------------------------------------------------------------------------


def _same_origin_url(value, uri: str) -> str | None:
    # Collections and inboxes elsewhere would let one server point our fetches and deliveries at
    # another in the actor's name.
    value = get_id(value)
    return value if parse_http_url(value) is not None and same_origin(value, uri) else None


def _profile_url(value, uri: str) -> str | None:
    # Mastodon keeps `url` only when it is on the actor's host: a profile link is shown as the
    # account's own and must not point at a third party.
    for candidate in as_list(value)[:MAX_SCANNED]:
        href = candidate.get("href") if isinstance(candidate, dict) else candidate
        origin, actor_origin = url_origin(href), url_origin(uri)
        if origin is not None and origin[1] == actor_origin[1]:
            return href
    return None


def _image_url(value) -> str | None:
    """`icon`/`image`: a URL, a Link, an Image (whose `url` may itself be a Link), or a list."""
    image = _first(value)
    if isinstance(image, dict):
        image = image.get("href") if "Link" in as_list(image.get("type")) else _first(image.get("url"))
    if isinstance(image, dict):
        image = image.get("href")
    return image if parse_http_url(image) is not None else None


def _first(value):
    items = as_list(value)
    return items[0] if items else None


def _aliases(value, uri: str) -> tuple[str, ...]:
    aliases = []
    for item in as_list(value)[:MAX_SCANNED]:
        alias = get_id(item)
        if parse_http_url(alias) is not None and alias != uri and alias not in aliases:
            aliases.append(alias)
    return tuple(aliases[:MAX_ALIASES])


def _moved_to(value, uri: str) -> str | None:
    target = get_id(value)
    return target if parse_http_url(target) is not None and target != uri else None


# text ----------------------------------------------------------------------------------------


def _text(value, limit: int) -> str:
    """Plain text (escaped wherever it renders): NULs and lone surrogates dropped, cut at `limit`."""
    return storable_text(value)[:limit] if isinstance(value, str) else ""


def _html(value, source_limit: int) -> str:
    # Cut before sanitising: nh3 closes whatever the cut leaves open.
    return sanitize_remote_html(_text(value, source_limit)) if isinstance(value, str) else ""


def _fields(value) -> tuple[ProfileField, ...]:
    fields = []
    for item in as_list(value)[:MAX_SCANNED]:
        if not isinstance(item, dict) or "PropertyValue" not in as_list(item.get("type")):
            continue
        name, field_value = item.get("name"), item.get("value")
        if isinstance(name, str) and isinstance(field_value, str) and name.strip():
            value_html = _html(field_value, MAX_FIELD_VALUE_SOURCE)
            fields.append(ProfileField(_text(name, MAX_FIELD_NAME), value_html))
    return tuple(fields[:MAX_FIELDS])


def _published(value, now_ms: int) -> int:
    # Only the join date shown on a profile: a bad one becomes now rather than refusing the
    # account (and with it every activity it signs). Never in the future.
    published = parse_instant(value)
    return now_ms if published is None else min(published, now_ms)


# keys ----------------------------------------------------------------------------------------


def _rsa_keys(doc: dict, uri: str, now_ms: int) -> list[ActorKey]:
    """`publicKey` entries owned by this actor (GtS ExtractPublicKey); references are not followed."""
    found = []
    for item in as_list(doc.get("publicKey"))[:MAX_KEYS]:
        if not isinstance(item, dict) or not _own_key(item.get("id"), item.get("owner"), uri):
            continue
        public = _load_pem(item.get("publicKeyPem"))
        if isinstance(public, rsa.RSAPublicKey) and RSA_BITS[0] <= public.key_size <= RSA_BITS[1]:
            found.append(ActorKey(0, 0, item["id"], "rsa", _to_pem(public), None, now_ms))
    return found


def _multikeys(doc: dict, uri: str, now_ms: int) -> list[ActorKey]:
    """FEP-521a `assertionMethod` Ed25519 Multikeys controlled by this actor, stored as PEM."""
    found = []
    for item in as_list(doc.get("assertionMethod"))[:MAX_KEYS]:
        if not isinstance(item, dict) or "Multikey" not in as_list(item.get("type")):
            continue
        multibase = item.get("publicKeyMultibase")
        # base58 decoding is quadratic in the length: an Ed25519 Multikey has 48 characters.
        if not isinstance(multibase, str) or len(multibase) > 128:
            continue
        if not _own_key(item.get("id"), item.get("controller"), uri):
            continue
        try:
            public = keys.ed25519_public_from_multibase(multibase)
        except SignatureError:
            continue
        found.append(ActorKey(0, 0, item["id"], "ed25519", _to_pem(public), None, now_ms))
    return found


def _own_key(key_id, owner, uri: str) -> bool:
    # A key on another origin could be anyone's; an owner other than this actor means the entry
    # is a claim about someone else (checklist item 7).
    return parse_http_url(key_id) is not None and same_origin(key_id, uri) and get_id(owner) == uri


def _load_pem(pem) -> keys.PublicKey | None:
    if not isinstance(pem, str) or len(pem) > MAX_PEM:
        return None
    try:
        return keys.load_public_key(pem.strip())
    except SignatureError:
        return None


def _to_pem(public: keys.PublicKey) -> str:
    # One form in the database (SubjectPublicKeyInfo), whatever the remote sent (PKCS#1 too).
    encoded = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return encoded.decode("ascii")


def _dedupe(found: list[ActorKey]) -> list[ActorKey]:
    # key_id is unique in actor_keys: the first entry with an id wins.
    seen, unique = set(), []
    for key in found:
        if key.key_id not in seen:
            seen.add(key.key_id)
            unique.append(key)
    return unique
