"""ActivityStreams 2.0 vocabulary and helpers (layer 1, pure)."""

from datetime import UTC, datetime

from ..errors import BadRequest
from .http_urls import url_origin
from .instants import renderable

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

AP_CONTENT_TYPE = "application/activity+json"
LD_CONTENT_TYPE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'

# Mastodon's extension terms, so that Mastodon-family servers read our actors as they read their own.
MASTODON_TERMS = {
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "toot": "http://joinmastodon.org/ns#",
    "featured": {"@id": "toot:featured", "@type": "@id"},
    "featuredTags": {"@id": "toot:featuredTags", "@type": "@id"},
    "discoverable": "toot:discoverable",
    "indexable": "toot:indexable",
    "schema": "http://schema.org#",
    "PropertyValue": "schema:PropertyValue",
    "value": "schema:value",
    "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
    "movedTo": {"@id": "as:movedTo", "@type": "@id"},
}

# FEP-521a's assertionMethod, which neither the security nor the multikey context defines: without
# it a JSON-LD reader (Fedify) drops the actor's Ed25519 keys and cannot check its proofs.
ASSERTION_METHOD_TERM = {"assertionMethod": {"@id": "https://w3id.org/security#assertionMethod", "@type": "@id", "@container": "@set"}}

ACTOR_CONTEXT = [AS_CONTEXT, SECURITY_CONTEXT, MULTIKEY_CONTEXT, MASTODON_TERMS | ASSERTION_METHOD_TERM]


def wants_activitypub(accept: str | None) -> bool:
    """Whether an Accept header asks for ActivityStreams JSON rather than a page.

    Like Mastodon, any mention of application/activity+json or application/ld+json (with a
    non-zero quality) selects JSON; browsers never send either.
    """
    for item in (accept or "").split(","):
        media_type, *params = [part.strip() for part in item.split(";")]
        if media_type.lower() in ("application/activity+json", "application/ld+json"):
            if not any(p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params):
                return True
    return False


def iso_time(ms: int) -> str:
    """Milliseconds since the epoch → ISO 8601 in UTC, second precision, as Mastodon publishes.
    A row stored before dates were normalised on arrival is moved into the renderable range."""
    return datetime.fromtimestamp(renderable(ms) / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def get_id(value) -> str | None:
    """The id of a link or embedded object, or None when there is none of the right type."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def ordered_collection(collection_id: str, items: list, total: int | None = None) -> dict:
    return {
        "@context": AS_CONTEXT,
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": len(items) if total is None else total,
        "orderedItems": items,
    }


PUBLIC_ALIASES = frozenset({PUBLIC, "as:Public", "Public"})


def addressing(visibility: str, followers_uri: str | None, mention_uris: list[str]) -> tuple[list[str], list[str]]:
    """(to, cc) for a post of the given visibility, exactly as Mastodon addresses them."""
    followers = [followers_uri] if followers_uri else []
    if visibility == "public":
        return [PUBLIC], followers + mention_uris
    if visibility == "unlisted":
        return followers, [PUBLIC] + mention_uris
    if visibility == "private":
        return followers, mention_uris
    return mention_uris, []


def visibility_of(to: list, cc: list, followers_uri: str | None) -> str:
    """Mastodon's reading of a remote object's addressing: Public in `to` is public, in `cc`
    unlisted; addressed to the author's followers is followers-only; anything else is direct."""
    to_ids = {get_id(value) for value in to}
    cc_ids = {get_id(value) for value in cc}
    if to_ids & PUBLIC_ALIASES:
        return "public"
    if cc_ids & PUBLIC_ALIASES:
        return "unlisted"
    if followers_uri and followers_uri in (to_ids | cc_ids):
        return "private"
    return "direct"


def activity(activity_type: str, activity_id: str, actor: str, obj, *, to=(), cc=(), published: str | None = None) -> dict:
    doc = {"@context": AS_CONTEXT, "id": activity_id, "type": activity_type, "actor": actor, "object": obj}
    if to:
        doc["to"] = list(to)
    if cc:
        doc["cc"] = list(cc)
    if published:
        doc["published"] = published
    return doc


def origin(uri: str) -> str:
    """scheme://host:port of a URL, the host lower-cased, the port explicit: what "same origin"
    compares. Raises BadRequest for anything `http_urls` does not accept as an http(s) URL, so that
    two malformed ids never compare as one origin."""
    found = url_origin(uri)
    if found is None:
        raise BadRequest(f"{str(uri)[:200]!r} is not an http(s) URL")
    scheme, host, port = found
    return f"{scheme}://{host}:{port}"
