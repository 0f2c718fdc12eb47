"""Authenticate an inbox request and bind the signer to the activity (layer 5).

The order matters. Cheap refusals come before any fetch: malformed bodies, suspended domains, and a
Delete of an actor we never knew (its key is gone; fetching it would only cost us). Then the key is
resolved and the signature verified (a failure refetches the key once: it may have rotated). Then
identity binding, the class of most ActivityPub advisories: the key's owner must be the activity's
actor, the activity must come from the actor's origin, and an embedded object must too (Mastodon's
CVE-2024-23832).

Any signature we cannot verify is answered 401, never 202: senders such as Fedify try RFC 9421
first and fall back to draft-cavage only after an explicit failure.

A request without an HTTP signature may instead be authenticated by a FEP-8b32 integrity proof in
the activity (eddsa-jcs-2022, made with a key from the actor's `assertionMethod`); the same binding
rules follow. When both are present the HTTP signature decides, and the proof is not looked at.
"""

from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ed25519

from ..config import Config
from ..db.api import Database
from ..errors import BadRequest, FetchError, Forbidden, Gone, NotFound, SignatureError, Unauthorized
from ..federation.ingest_posts import attributed_to
from ..federation.resolve import Resolver
from ..models import Actor, ActorKey
from ..protocol import as2
from ..protocol.documents import parse_json_object
from ..protocol.http_urls import http_url
from ..protocol.keys import load_public_key
from ..protocol.proofs import proof_key_id, verify_proof
from ..protocol.signatures import precheck_request, signature_style, verify_request
from ..store import actors as actor_store

# Activities whose object must be the actor's own (embedded or by id).
_OWN_OBJECT = frozenset({"Create", "Update", "Delete", "Undo", "Add", "Remove"})
# Activities whose handler acts on the object they name: without an id there is nothing to act on.
# (Accept and Reject may embed a Follow without an id; the follower inside names it.)
_NAMED_OBJECT = _OWN_OBJECT | {"Follow", "Like", "Announce", "Block"}
# Refusals that a rotated key could explain; an expired or malformed signature never is one.
_MAY_BE_ROTATED = frozenset({"signature does not verify", "proof does not verify"})

DOMAIN_SUSPENDED = "this server has suspended your domain"

# Checks a signature or proof with the key it names, at `now`; raises SignatureError.
KeyCheck = Callable[[ActorKey, float], None]


class Dropped(Exception):
    """Accepted with 202 and not stored: blocked senders, deletes of actors we never knew."""


@dataclass(frozen=True)
class VerifiedActivity:
    activity: dict
    actor: Actor
    key_id: str


def parse_activity(body: bytes) -> dict:
    """The activity's JSON, with the fields every handler relies on checked for type."""
    activity = parse_json_object(body)
    for field in ("id", "type"):
        if not isinstance(activity.get(field), str) or not activity[field]:
            raise BadRequest(f"activity must have a string {field}")
    # Ids are read by the one strict URL parser: `http://[` as an object id used to escape
    # urlsplit as a ValueError, a 500 (issue 25, cause 1).
    if http_url(activity["id"]) is None:
        raise BadRequest("activity id must be an http(s) URL")
    if not isinstance(as2.get_id(activity.get("actor")), str):
        raise BadRequest("activity actor must be one actor id")
    if http_url(as2.get_id(activity["actor"])) is None:
        raise BadRequest("activity actor must be an http(s) URL")
    # Checked here, before any fetch, for every type a handler exists for: an Announce of `42`
    # used to reach the worker and crash it (fetch_post(None)), to be retried as a bug.
    obj = activity.get("object")
    if activity["type"] in _NAMED_OBJECT and as2.get_id(obj) is None:
        raise BadRequest("activity object must be an object or an id")
    if activity["type"] in _NAMED_OBJECT and http_url(as2.get_id(obj)) is None:
        raise BadRequest("activity object id must be an http(s) URL")
    if activity["type"] in ("Accept", "Reject") and not isinstance(obj, (str, dict)):
        raise BadRequest("activity object must be an object or an id")
    # Handlers compare an embedded object's type with sets of names; a list there raised TypeError.
    if isinstance(obj, dict) and "type" in obj and not isinstance(obj["type"], str):
        raise BadRequest("activity object type must be a string")
    return activity


async def verify_inbox_request(
    db: Database, resolver: Resolver, config: Config, url: str, headers, body: bytes, activity: dict, now: float
) -> VerifiedActivity:
    actor_uri = as2.get_id(activity["actor"])
    # A suspended domain is refused outright and says so (403, a permanent failure to its delivery
    # queue, so its server stops retrying), before anything of ours fetches from it.
    if resolver.domains.is_suspended(actor_uri):
        raise Forbidden(DOMAIN_SUSPENDED)
    if signature_style(headers) is not None:
        # Stale, under-covered or digest-mismatched requests are refused before any key fetch.
        key_id = precheck_request(url, headers, body, now, config.federation.signature_skew_seconds)
        check = _http_signature(url, headers, body, config.federation.signature_skew_seconds)
    elif (key_id := proof_key_id(activity)) is not None:
        check = _integrity_proof(activity)
    else:
        raise SignatureError("signature required")
    if resolver.domains.is_suspended(key_id):
        raise Forbidden(DOMAIN_SUSPENDED)
    if activity["type"] == "Delete" and as2.get_id(activity.get("object")) == actor_uri:
        if await actor_store.find_actor_by_uri(db.reader, actor_uri) is None:
            raise Dropped("delete of an actor we never knew")
    signer = await _verified_signer(resolver, key_id, check, now)
    if signer.uri != actor_uri:
        raise Unauthorized("signer is not the actor")
    check_origins(activity, actor_uri)
    return VerifiedActivity(activity, signer, key_id)


async def _verified_signer(resolver: Resolver, key_id: str, check: KeyCheck, now: float) -> Actor:
    for refresh in (False, True):
        try:
            actor, key = await resolver.public_key(key_id, refresh=refresh)
        except Forbidden:
            raise Dropped("signer's domain is blocked") from None
        except (FetchError, NotFound, Gone, BadRequest) as error:
            raise Unauthorized(f"could not fetch the signing key: {error.message}") from None
        if actor.suspended_at is not None:
            raise Dropped("signer is suspended")
        try:
            check(key, now)
            return actor
        except SignatureError as error:
            if refresh or error.message not in _MAY_BE_ROTATED:
                raise
    raise SignatureError()


def _http_signature(url: str, headers, body: bytes, skew: int) -> KeyCheck:
    def check(key: ActorKey, now: float) -> None:
        verify_request("POST", url, headers, body, key.public_pem, now, skew)

    return check


def _integrity_proof(activity: dict) -> KeyCheck:
    def check(key: ActorKey, now: float) -> None:
        # FEP-8b32: the proof's key must be one of the actor's assertionMethod keys (FEP-521a
        # Multikeys, stored as "ed25519"), never the RSA key it signs HTTP requests with.
        public_key = load_public_key(key.public_pem)
        if key.kind != "ed25519" or not isinstance(public_key, ed25519.Ed25519PublicKey):
            raise SignatureError("proof key is not an Ed25519 assertionMethod key")
        verify_proof(activity, public_key, now)

    return check


def check_origins(activity: dict, actor_uri: str) -> None:
    """The activity and any object it claims as the actor's must share the actor's origin."""
    actor_origin = as2.origin(actor_uri)
    if as2.origin(activity["id"]) != actor_origin:
        raise Unauthorized("activity id is on another origin than its actor")
    if activity["type"] not in _OWN_OBJECT:
        return
    obj = activity.get("object")
    object_id = as2.get_id(obj)  # never None: parse_activity refuses these types without one
    if as2.origin(object_id) != actor_origin:
        raise Unauthorized("object is on another origin than its actor")
    if activity["type"] == "Create" and isinstance(obj, dict) and attributed_to(obj) != actor_uri:
        raise Unauthorized("object is not attributed to the activity's actor")
    if activity["type"] == "Undo" and isinstance(obj, dict) and as2.get_id(obj.get("actor")) not in (None, actor_uri):
        raise Unauthorized("an actor can only undo its own activities")
