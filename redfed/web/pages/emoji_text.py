"""Custom emoji drawn on the pages (layer 6): `:shortcode:` in a post, a bio or a name becomes
the emoji's image, for the emoji that post or account carries (its `Emoji` tags). Only text is
touched, never the inside of a tag, so a link that happens to contain `:word:` stays whole."""

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from ...store.emoji.emojis import CustomEmoji

_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_SHORTCODE = re.compile(r":([A-Za-z0-9_]{2,64}):")


def _image(emoji: CustomEmoji) -> str:
    name = f":{emoji.shortcode}:"
    return (f'<img class="emoji" src="{escape(emoji.image_url)}" alt="{name}" title="{name}" '
            'width="20" height="20" draggable="false">')


def emojify(html: str, emojis: Iterable[CustomEmoji]) -> Markup:
    """Sanitised HTML (a post's content, a bio) with its emoji drawn."""
    known = {e.shortcode: e for e in emojis}
    if not known:
        return Markup(html)

    def draw(text: str) -> str:
        return _SHORTCODE.sub(lambda m: _image(known[m[1]]) if m[1] in known else m[0], text)

    return Markup("".join(part if part.startswith("<") else draw(part) for part in _TAG_OR_TEXT.split(html)))


def emojify_text(text: str, emojis: Iterable[CustomEmoji]) -> Markup:
    """Plain text (a display name), escaped, with its emoji drawn."""
    return emojify(str(escape(text)), emojis)


def install(env) -> None:
    env.filters["emojify"] = emojify
    env.filters["emojify_text"] = emojify_text
