"""Models → ActivityStreams JSON (layer 3). One direction only; ingest.py reads the other way."""

from ..models import Actor, ActorKey
from ..protocol import as2, keys


def actor_to_ap(actor: Actor, actor_keys: list[ActorKey]) -> dict:
    """The actor document Mastodon, GoToSocial, Misskey and Fedify expect of a local actor."""
    doc = {
        "@context": as2.ACTOR_CONTEXT,
        "id": actor.uri,
        "type": actor.type,
        "preferredUsername": actor.username,
        "name": actor.display_name,
        "summary": actor.summary,
        "url": actor.url,
        "inbox": actor.inbox_uri,
        "outbox": actor.outbox_uri,
        "followers": actor.followers_uri,
        "following": actor.following_uri,
        "featured": actor.featured_uri,
        "endpoints": {"sharedInbox": actor.shared_inbox_uri},
        "manuallyApprovesFollowers": actor.manually_approves_followers,
        "discoverable": actor.discoverable,
        "indexable": actor.discoverable,
        "published": as2.iso_time(actor.published_at),
        "attachment": [{"type": "PropertyValue", "name": f.name, "value": f.value} for f in actor.fields],
        "alsoKnownAs": list(actor.also_known_as),
        "icon": _image(actor.icon_url),
        "image": _image(actor.image_url),
        "movedTo": actor.moved_to_uri,
    }
    doc.update(_key_properties(actor, actor_keys))
    return {name: value for name, value in doc.items() if value is not None}


def _key_properties(actor: Actor, actor_keys: list[ActorKey]) -> dict:
    """publicKey for HTTP signatures (newest RSA key); assertionMethod per FEP-521a for proofs."""
    rsa = [k for k in actor_keys if k.kind == "rsa"]
    ed25519 = [k for k in actor_keys if k.kind == "ed25519"]
    properties = {}
    if rsa:
        key = rsa[-1]
        properties["publicKey"] = {"id": key.key_id, "owner": actor.uri, "publicKeyPem": key.public_pem}
    if ed25519:
        properties["assertionMethod"] = [
            {
                "id": key.key_id,
                "type": "Multikey",
                "controller": actor.uri,
                "publicKeyMultibase": keys.ed25519_public_multibase(key.public_pem),
            }
            for key in ed25519
        ]
    return properties


def _image(url: str | None) -> dict | None:
    return {"type": "Image", "url": url} if url else None
