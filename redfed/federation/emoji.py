"""Custom emoji in ActivityStreams (layer 3): `Emoji` tags, both directions.

Mastodon's shape (https://docs.joinmastodon.org/spec/activitypub/#emoji): a tag
`{"type": "Emoji", "id": …, "name": ":blobcat:", "icon": {"type": "Image", "url": …}}`; the
content keeps `:blobcat:` as text and each reader's app draws the image in its place.
"""

import re

from ..models import Actor
from ..protocol import as2
from ..protocol.http_urls import http_url

SHORTCODE = re.compile(r"[A-Za-z0-9_]{2,64}")
# `:name:` not inside a word or another shortcode (Mastodon's CustomEmoji::SCAN_RE).
_IN_TEXT = re.compile(r"(?<![\w:]):([A-Za-z0-9_]{2,64}):(?![\w:])")
MAX_EMOJI_TAGS = 64  # more than any post shows; the rest of a hostile list is ignored
EMOJI_CONTEXT = {"Emoji": "toot:Emoji", "toot": "http://joinmastodon.org/ns#"}


def shortcodes_in(*texts: str) -> list[str]:
    return list(dict.fromkeys(_IN_TEXT.findall("\n".join(texts))))


def profile_shortcodes(actor: Actor) -> list[str]:
    """The shortcodes a local account's name, bio and fields name."""
    fields = [f"{f.name}\n{f.value}" for f in actor.fields]
    return shortcodes_in(actor.display_name, actor.summary_source, *fields)


def emoji_to_ap(shortcode: str, uri: str, image_url: str, updated_ms: int) -> dict:
    return {
        "id": uri, "type": "Emoji", "name": f":{shortcode}:", "updated": as2.iso_time(updated_ms),
        "icon": {"type": "Image", "url": image_url},
    }


def with_emoji_tags(note: dict, tags: list[dict]) -> dict:
    """`note` with the Emoji tags added, and the context term that names them."""
    if not tags:
        return note
    context = [*as2.as_list(note.get("@context")), EMOJI_CONTEXT]
    return {**note, "@context": context, "tag": [*as2.as_list(note.get("tag")), *tags]}


def ap_to_emojis(doc: dict) -> list[tuple[str, str, str]]:
    """(shortcode, uri, image url) of each well-formed Emoji tag; others are skipped."""
    found: dict[str, tuple[str, str, str]] = {}
    for tag in as2.as_list(doc.get("tag"))[: MAX_EMOJI_TAGS * 4]:
        if not isinstance(tag, dict) or tag.get("type") != "Emoji" or not isinstance(tag.get("name"), str):
            continue
        shortcode = tag["name"].strip().strip(":")
        image = _icon_url(tag.get("icon"))
        if SHORTCODE.fullmatch(shortcode) and image:
            uri = http_url(tag.get("id")) or image
            found.setdefault(shortcode, (shortcode, uri, image))
    return list(found.values())[:MAX_EMOJI_TAGS]


def _icon_url(icon) -> str | None:
    icon = as2.as_list(icon)[0] if as2.as_list(icon) else None
    if isinstance(icon, str):
        return http_url(icon)
    if isinstance(icon, dict):
        url = as2.as_list(icon.get("url"))
        first = url[0] if url else None
        return http_url(first.get("href") if isinstance(first, dict) else first)
    return None
