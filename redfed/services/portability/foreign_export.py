"""What an Instagram or TikTok data export holds for us (layer 4, pure): its posts, each with its
caption, original date, the files of the export that are its photos or videos, or else a link to
its video, and an id of our making that names it where it came from (`origin`), so that a second
import of the same export finds what the first made."""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .archive_reader import MAX_POSTS, BadArchive

MAX_CAPTION = 5000
MAX_MEDIA = 20
_HASHTAG = re.compile(r"(?<![\w&/])#(\w{1,100})")


@dataclass(frozen=True)
class ForeignPost:
    origin: str                 # an http(s) URL on the source's origin, stable across exports
    published: str              # ISO 8601, UTC
    caption: str
    members: tuple[str, ...]    # the files of the export that are its media, in order
    link: str | None = None     # where its video can be fetched when the export lacks the file


@dataclass(frozen=True)
class ItemFailure:
    """An entry of the export that is not a post we can read: reported, the others go on."""

    number: int
    value: str
    detail: str


@dataclass(frozen=True)
class ForeignExport:
    path: Path
    source_uri: str             # the service's origin, standing in for the account there
    posts: list[ForeignPost]
    failures: list[ItemFailure]


def export_of(path: Path, source_uri: str, entries: list, read: Callable[[object], "ForeignPost | str"]) -> ForeignExport:
    """The export whose entries `read` turns each into a post, or into the reason it cannot; the
    posts oldest first."""
    if len(entries) > MAX_POSTS:
        raise BadArchive(f"the export holds more than {MAX_POSTS:,} posts")
    posts, failures = [], []
    for number, entry in enumerate(entries, start=1):
        post = read(entry)
        if isinstance(post, ForeignPost):
            posts.append(post)
        else:
            failures.append(ItemFailure(number, str(entry)[:300], post))
    return ForeignExport(path, source_uri, sorted(posts, key=lambda p: p.published), failures)


def unmangled(text: str) -> str:
    """Meta's exports write UTF-8 bytes as if each were a Latin-1 character ("Ã©" for "é"); read
    them back. Text that is not so mangled (a real "é" alone) is returned as it is."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def hashtags(caption: str) -> list[str]:
    return list(dict.fromkeys(match.lower() for match in _HASHTAG.findall(caption)))


def caption_html(caption: str, tag_href) -> str:
    """The caption as the HTML of a post, its hashtags linked as Mastodon links them."""
    parts, last, escape = [], 0, html.escape
    for match in _HASHTAG.finditer(caption):
        parts.append(escape(caption[last:match.start()]))
        name = match[1]
        parts.append(f'<a href="{escape(tag_href(name.lower()))}" class="mention hashtag" rel="tag">#<span>{escape(name)}</span></a>')
        last = match.end()
    parts.append(escape(caption[last:]))
    paragraphs = "".join(parts).split("\n\n")
    return "".join(f"<p>{p.strip(chr(10)).replace(chr(10), '<br>')}</p>" for p in paragraphs if p.strip())
