"""Emoji reactions in AS2 (layer 3, pure): reading one from a Like or an EmojiReact, and the Like
we send.

Misskey, Firefish and Sharkey send a `Like` whose `content` (and `_misskey_reaction`) is the
emoji; Pleroma, Akkoma and Fedify an `EmojiReact` with the emoji in `content`. A custom emoji is
`:shortcode:` with an `Emoji` tag giving its image. We send Misskey's shape, which all of them
accept and which a server that knows no reactions (Mastodon) still counts as a favourite.
"""

import re
from dataclasses import dataclass

import emoji

from ..protocol import as2
from ..protocol.documents import storable_text
from ..protocol.http_urls import http_url

REACTION_CONTEXT = {"_misskey_reaction": "https://misskey-hub.net/ns#_misskey_reaction", "Emoji": "toot:Emoji",
                    "toot": "http://joinmastodon.org/ns#", "EmojiReact": "http://litepub.social/ns#EmojiReact"}
_SHORTCODE = re.compile(r":([A-Za-z0-9_+\-]{1,64}(?:@[A-Za-z0-9.\-]{1,253})?):")
MAX_EMOJI_LENGTH = 32  # characters of the longest ZWJ sequences, with room to spare
MAX_TAGS = 100


@dataclass(frozen=True)
class Reaction:
    emoji: str  # one Unicode emoji, or ":shortcode:"
    emoji_url: str | None = None  # a custom emoji's image

    @property
    def is_custom(self) -> bool:
        return self.emoji.startswith(":")


def unicode_reaction(text: str) -> Reaction | None:
    """`text` as a reaction if it is exactly one Unicode emoji."""
    text = text.strip()
    return Reaction(text) if 0 < len(text) <= MAX_EMOJI_LENGTH and emoji.is_emoji(text) else None


def reaction_of(activity: dict) -> Reaction | None:
    """The reaction a Like or an EmojiReact carries, or None (a plain Like, or nothing usable)."""
    content = activity.get("content")
    if not isinstance(content, str) or not content.strip():
        content = activity.get("_misskey_reaction")
    if not isinstance(content, str):
        return None
    found = unicode_reaction(content)
    if found is not None:
        return found
    match = _SHORTCODE.fullmatch(content.strip())
    return _custom(match[0], activity.get("tag")) if match else None


def _custom(shortcode: str, tags) -> Reaction | None:
    """A custom emoji, kept only with the image its Emoji tag names."""
    bare = shortcode.split("@")[0].strip(":")
    for tag in as2.as_list(tags)[:MAX_TAGS]:
        if isinstance(tag, dict) and tag.get("type") == "Emoji" and str(tag.get("name", "")).strip(":") == bare:
            icon = tag.get("icon")
            url = http_url(icon.get("url") if isinstance(icon, dict) else None)
            if url is not None:
                return Reaction(storable_text(f":{bare}:"), url)
    return None


def reaction_like(activity_id: str, actor_uri: str, object_uri: str, reaction: Reaction, to: list[str]) -> dict:
    """Our reaction as Misskey sends it."""
    doc = as2.activity("Like", activity_id, actor_uri, object_uri, to=to)
    doc["@context"] = [as2.AS_CONTEXT, REACTION_CONTEXT]
    doc["content"] = doc["_misskey_reaction"] = reaction.emoji
    if reaction.emoji_url:
        doc["tag"] = [{"id": reaction.emoji_url, "type": "Emoji", "name": reaction.emoji,
                       "icon": {"type": "Image", "url": reaction.emoji_url}}]
    return doc
