"""Models → ActivityStreams JSON (layer 3). One direction only; ingest.py reads the other way."""

from ..models import Actor, ActorKey, Media, Post
from ..protocol import as2, keys
from ..urls import Urls
from . import disclosures
from .emoji import EMOJI_CONTEXT


def actor_to_ap(
    actor: Actor, actor_keys: list[ActorKey], payment_links: list[dict] = (), emoji_tags: list[dict] = (),
) -> dict:
    """The actor document Mastodon, GoToSocial, Misskey and Fedify expect of a local actor;
    `payment_links` are FEP-0ea0 Links (federation/payment_links.py), after the profile fields;
    `emoji_tags` the custom emoji its name, bio and fields show (federation/emoji.py)."""
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
        "featuredTags": Urls.featured_tags(actor.uri) if actor.featured_uri else None,
        "endpoints": {"sharedInbox": actor.shared_inbox_uri},
        "manuallyApprovesFollowers": actor.manually_approves_followers,
        "discoverable": actor.discoverable,
        "indexable": actor.discoverable,
        "published": as2.iso_time(actor.published_at),
        "attachment": [{"type": "PropertyValue", "name": f.name, "value": f.value} for f in actor.fields]
        + list(payment_links),
        "alsoKnownAs": list(actor.also_known_as),
        "icon": _image(actor.icon_url),
        "image": _image(actor.image_url),
        "movedTo": actor.moved_to_uri,
    }
    doc.update(_key_properties(actor, actor_keys))
    if emoji_tags:
        doc.update({"@context": [*as2.as_list(doc["@context"]), EMOJI_CONTEXT], "tag": list(emoji_tags)})
    return {name: value for name, value in doc.items() if value is not None}


def featured_tags_collection(actor: Actor, names: list[str], urls: Urls) -> dict:
    """The hashtags an actor features, as Mastodon's `featuredTags` collection: unordered, of
    Hashtag objects named with their "#"."""
    return {
        "@context": [as2.AS_CONTEXT, {"Hashtag": "as:Hashtag"}],
        "id": urls.featured_tags(actor.uri),
        "type": "Collection",
        "totalItems": len(names),
        "items": [{"type": "Hashtag", "href": urls.tag(name), "name": f"#{name}"} for name in names],
    }


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


def post_to_ap(post: Post, author: Actor, mentioned: list[Actor], tags: list[str], urls: Urls) -> dict:
    """A local post as a Note, addressed as Mastodon addresses the same visibility."""
    to, cc = as2.addressing(post.visibility, author.followers_uri, [actor.uri for actor in mentioned])
    note = {
        "@context": [as2.AS_CONTEXT, {"sensitive": "as:sensitive", "Hashtag": "as:Hashtag"}],
        "id": post.uri,
        "type": post.type,
        "attributedTo": author.uri,
        "url": post.url,
        "published": as2.iso_time(post.published_at),
        "updated": as2.iso_time(post.edited_at) if post.edited_at else None,
        "to": to,
        "cc": cc,
        "inReplyTo": post.in_reply_to_uri,
        "summary": post.summary or None,
        "sensitive": post.sensitive,
        "content": post.content,
        "contentMap": {post.language: post.content} if post.language else None,
        "tag": [{"type": "Mention", "href": a.uri, "name": f"@{a.handle}"} for a in mentioned]
        + [{"type": "Hashtag", "href": urls.tag(name), "name": f"#{name}"} for name in tags],
        "attachment": list(post.attachments),
    }
    if post.poll:
        note.update(_question(post.poll))
    return disclosures.mark({name: value for name, value in note.items() if value is not None}, post.paid_partnership)


def _question(poll: dict) -> dict:
    """A poll as Mastodon publishes one: oneOf (or anyOf) Notes whose replies count the votes."""
    options = [
        {"type": "Note", "name": o["title"], "replies": {"type": "Collection", "totalItems": o.get("votes_count", 0)}}
        for o in poll["options"]
    ]
    return {
        "anyOf" if poll.get("multiple") else "oneOf": options,
        "endTime": as2.iso_time(poll["expires_at"]) if poll.get("expires_at") else None,
        "votersCount": poll.get("voters_count", 0),
    }


def media_to_ap(media: Media, urls: Urls) -> dict:
    """A local upload as an attachment of a Note, with what Mastodon and Pixelfed read."""
    original = media.meta.get("original", {})
    attachment = {
        "type": "Image" if media.type == "image" else "Document",
        "mediaType": media.content_type,
        "url": urls.media(media.file_key),
        "name": media.description,
        "blurhash": media.blurhash,
        "width": original.get("width"),
        "height": original.get("height"),
        "focalPoint": [media.focus_x, media.focus_y] if media.focus_x is not None else None,
    }
    if media.type in ("video", "gifv"):
        attachment.update(_video_fields(media, urls))
    return {name: value for name, value in attachment.items() if value is not None}


def _video_fields(media: Media, urls: Urls) -> dict:
    """A video's length and its poster, as Mastodon's MediaAttachmentSerializer sends them
    (`duration` in ISO 8601, the poster as an `icon` Image)."""
    duration = media.meta.get("original", {}).get("duration")
    fields = {"duration": f"PT{duration:g}S" if isinstance(duration, int | float) else None}
    if media.preview_key:
        poster_type = "image/webp" if media.preview_key.endswith(".webp") else "image/jpeg"
        fields["icon"] = {"type": "Image", "mediaType": poster_type, "url": urls.media(media.preview_key)}
    return fields


def create_activity(note: dict) -> dict:
    return _wrap("Create", note["id"] + "/activity", note)


def update_activity(note: dict, edited_at: int) -> dict:
    return _wrap("Update", f"{note['id']}#updates/{edited_at}", note)


def delete_activity(note: dict) -> dict:
    return _wrap("Delete", note["id"] + "#delete", note, obj={"id": note["id"], "type": "Tombstone"})


def _wrap(activity_type: str, activity_id: str, note: dict, obj=None) -> dict:
    doc = as2.activity(
        activity_type, activity_id, note["attributedTo"], obj or {k: v for k, v in note.items() if k != "@context"},
        to=note.get("to", ()), cc=note.get("cc", ()), published=note.get("updated") or note.get("published"),
    )
    doc["@context"] = note["@context"]
    return doc


def tombstone(uri: str, deleted_at: int) -> dict:
    return {"@context": as2.AS_CONTEXT, "id": uri, "type": "Tombstone", "deleted": as2.iso_time(deleted_at)}


def actor_update_activity(actor_doc: dict, activity_id: str) -> dict:
    body = {k: v for k, v in actor_doc.items() if k != "@context"}
    doc = as2.activity("Update", activity_id, actor_doc["id"], body, to=[as2.PUBLIC], cc=[actor_doc.get("followers")])
    doc["@context"] = actor_doc["@context"]
    return doc


def move_activity(actor: Actor, target_uri: str, activity_id: str) -> dict:
    """`actor` has moved to `target_uri` (FEP-7628; the shape Mastodon's MoveSerializer sends):
    actor and object are the old account, target the new one."""
    followers = [actor.followers_uri] if actor.followers_uri else []
    doc = as2.activity("Move", activity_id, actor.uri, actor.uri, cc=followers)
    doc["target"] = target_uri
    return doc
