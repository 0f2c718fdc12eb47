"""Text and HTML for posts and profiles (layer 1).

Local text is escaped and linkified with bleach (small volume, and its linkifier is the careful
part). Remote HTML is reduced with nh3 to roughly Mastodon's allow-list: nh3 sanitises ~25x faster
than bleach, which matters on the inbox path.

Posts are rendered in two passes because mentions need the network: `find_mentions` lists the
handles, the caller resolves them (webfinger, outside any transaction), then `render_local_post`
links the resolved ones with Mastodon's markup. Nothing here does I/O.
"""

import html
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import bleach
import nh3
from bleach.linkifier import URL_RE

# Close to Mastodon's Sanitize::Config::MASTODON_STRICT: text structure, links, no media or styling.
_REMOTE_TAGS = {
    "p", "br", "span", "a", "del", "s", "pre", "code", "em", "strong", "b", "i", "u", "sub", "sup",
    "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
}
_REMOTE_ATTRIBUTES = {
    "a": {"href", "rel", "class", "translate"},
    "span": {"class", "translate"},
    "ol": {"start", "reversed"},
    "li": {"value"},
}
# Classes that carry meaning for mentions, hashtags and shortened links; all others are dropped.
_ALLOWED_CLASSES = {
    "a": {"mention", "hashtag", "u-url", "h-card", "status-link", "unhandled-link"},
    "span": {"h-card", "invisible", "ellipsis", "mention", "hashtag"},
}
_URL_SCHEMES = {"http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini"}
_LINK_REL = "nofollow noopener noreferrer"


def sanitize_remote_html(text: str) -> str:
    """Remote HTML reduced to the allow-list: no scripts, styles, media, handlers or odd schemes."""
    return nh3.clean(
        text,
        tags=_REMOTE_TAGS,
        attributes={tag: attrs - {"class", "rel"} for tag, attrs in _REMOTE_ATTRIBUTES.items()},
        allowed_classes=_ALLOWED_CLASSES,
        url_schemes=_URL_SCHEMES,
        link_rel=_LINK_REL,
        strip_comments=True,
    )


def render_local_text(text: str) -> str:
    """Plain text a local user typed → HTML paragraphs with links, as Mastodon renders a bio or post."""
    rendered = []
    for paragraph in _paragraphs(text):
        escaped = html.escape(paragraph, quote=False).replace("\n", "<br>")
        rendered.append(f"<p>{_linkify(escaped)}</p>")
    return "".join(rendered)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").strip().split("\n\n") if p.strip()]


def _linkify(escaped_html: str) -> str:
    def add_rel(attrs, new=False):
        attrs[(None, "rel")] = _LINK_REL
        attrs[(None, "target")] = "_blank"
        return attrs

    return bleach.linkify(escaped_html, callbacks=[add_rel], parse_email=False)


def html_to_text(text: str) -> str:
    """Visible text of sanitised HTML, for places that need plain text (titles, meta tags)."""
    return html.unescape(nh3.clean(text.replace("<br>", "\n").replace("</p>", "\n\n"), tags=set())).strip()


# --- local posts: mentions, hashtags, length -------------------------------------------------

MAX_MENTIONS = 50
MAX_HASHTAGS = 50
URL_LENGTH = 23  # Mastodon's StatusLengthValidator::URL_PLACEHOLDER_CHARS


def _mark_ranges() -> str:
    """Combining marks as a regex class body: Python's \\w lacks them, Ruby's [[:word:]] has them,
    and without them "#हिन्दी" or a decomposed "#café" would be cut short."""
    ranges, start = [], None
    for cp in range(0x20000):
        is_mark = unicodedata.category(chr(cp))[0] == "M"
        if is_mark and start is None:
            start = cp
        elif not is_mark and start is not None:
            ranges.append(f"{chr(start)}-{chr(cp - 1)}")
            start = None
    return "".join(ranges)


_WORD = rf"[\w{_mark_ranges()}]"
# After Mastodon's Account::MENTION_RE: not after a word character or "=", "/" (URLs), and here also
# not after ".", "+", "-", "%", "&", "@" so e-mail addresses never read as mentions. The username
# is ASCII with inner dots/hyphens; the domain is Unicode labels and an optional port, since our
# test instances listen on one. Must not run on into another word or "@".
_MENTION_PAT = (
    r"(?<![\w=/.+\-%&@])@(?P<user>[A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)"
    r"(?:@(?P<domain>[^\W_]+(?:-+[^\W_]+)*(?:\.[^\W_]+(?:-+[^\W_]+)*)*(?::\d{1,5})?))?"
    r"(?![\w@])"
)
# After Mastodon's Tag::HASHTAG_RE: "#" (or fullwidth "＃") not after a word character, "/", ")",
# "#", "&" or "="; the name is word characters with at least one letter, so "#123" is no tag.
_HASHTAG_PAT = rf"(?<![\w/)#&=])[#＃](?P<tag>(?={_WORD}*[^\W\d_]){_WORD}+)"
_MENTION_RE = re.compile(_MENTION_PAT)
_HASHTAG_RE = re.compile(_HASHTAG_PAT)
_ENTITY_RE = re.compile(f"{_MENTION_PAT}|{_HASHTAG_PAT}")
# Anything with a scheme is kept whole even when bleach does not link it (unknown TLD, localhost),
# so "https://host.example/@bob#frag" yields neither a mention nor a tag.
_SCHEME_RUN_RE = re.compile(r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://\S+")
_HTTP_URL_RE = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?'()\[\]]", re.IGNORECASE)


@dataclass(frozen=True)
class MentionTarget:
    handle: str  # "alice@host": no leading "@", lowercase domain
    actor_uri: str
    profile_url: str  # what the link points at: the actor's url, else its id
    username: str  # shown as "@username"


@dataclass(frozen=True)
class RenderedPost:
    html: str
    mentions: tuple[MentionTarget, ...]  # those linked, first-seen order, one per actor
    hashtags: tuple[str, ...]  # lowercase, without "#", first-seen order


def find_mentions(text: str, local_domain: str) -> list[str]:
    """Handles mentioned in `text`, normalised ("@alice" → "alice@<local_domain>"), first spelling
    of each (usernames compare case-insensitively, as on Mastodon), at most MAX_MENTIONS."""
    found: dict[str, str] = {}
    for piece, is_link in _split_links(text):
        if is_link:
            continue
        for match in _MENTION_RE.finditer(piece):
            handle = _handle(match, local_domain)
            found.setdefault(handle.lower(), handle)
            if len(found) == MAX_MENTIONS:
                return list(found.values())
    return list(found.values())


def find_hashtags(text: str) -> list[str]:
    """Hashtag names in `text`, lowercase without "#", deduplicated, at most MAX_HASHTAGS."""
    found: dict[str, None] = {}
    for piece, is_link in _split_links(text):
        if is_link:
            continue
        for match in _HASHTAG_RE.finditer(piece):
            found[match["tag"].lower()] = None
            if len(found) == MAX_HASHTAGS:
                return list(found)
    return list(found)


def render_local_post(
    text: str,
    mentions: Mapping[str, MentionTarget],
    tag_url: Callable[[str], str],
    *,
    local_domain: str | None = None,
) -> RenderedPost:
    """What a local user typed → HTML as Mastodon renders it: paragraphs, links, h-card mentions
    for handles in `mentions` (keyed by normalised handle; others stay text), hashtag links.

    A bare "@alice" is looked up as "alice@<local_domain>"; without `local_domain` it links only
    if exactly one key of `mentions` has that username.
    """
    state = _RenderState(mentions, tag_url, local_domain)
    paragraphs = []
    for paragraph in _paragraphs(text):
        lines = [state.render_line(line) for line in paragraph.split("\n")]
        paragraphs.append(f"<p>{'<br>'.join(lines)}</p>")
    return RenderedPost(
        html="".join(paragraphs),
        mentions=tuple(state.linked_mentions.values()),
        hashtags=tuple(state.hashtags),
    )


def content_text_length(text: str) -> int:
    """Length as Mastodon's StatusLengthValidator counts it: an http(s) URL is 23 characters,
    "@user@domain" counts as "@user", and characters are (approximately) grapheme clusters."""
    parts = []
    for piece, is_link in _split_links(text):
        if is_link:
            parts.append(_HTTP_URL_RE.sub("x" * URL_LENGTH, piece))
        else:
            parts.append(_MENTION_RE.sub(lambda m: "@" + m["user"], piece))
    return _grapheme_length("".join(parts))


class _RenderState:
    def __init__(self, mentions, tag_url, local_domain):
        self.by_handle = {handle.lower(): target for handle, target in mentions.items()}
        self.tag_url = tag_url
        self.local_domain = local_domain
        self.linked_mentions: dict[str, MentionTarget] = {}
        self.hashtags: dict[str, None] = {}

    def render_line(self, line: str) -> str:
        out = []
        for piece, is_link in _split_links(line):
            if is_link:
                out.append(_linkify(html.escape(piece, quote=False)))
                continue
            pos = 0
            for match in _ENTITY_RE.finditer(piece):
                out.append(html.escape(piece[pos : match.start()], quote=False))
                markup = self.mention(match) if match["user"] else self.hashtag(match["tag"])
                out.append(markup or html.escape(match[0], quote=False))
                pos = match.end()
            out.append(html.escape(piece[pos:], quote=False))
        return "".join(out)

    def mention(self, match: re.Match) -> str | None:
        target = self._lookup(match)
        href = target and _http_url(target.profile_url, target.actor_uri)
        if not href:
            return None
        self.linked_mentions.setdefault(target.actor_uri, target)
        return (
            f'<span class="h-card" translate="no"><a href="{html.escape(href)}" class="u-url mention">'
            f"@<span>{html.escape(target.username)}</span></a></span>"
        )

    def _lookup(self, match: re.Match) -> MentionTarget | None:
        if match["domain"] or self.local_domain is not None:
            return self.by_handle.get(_handle(match, self.local_domain or "").lower())
        prefix = match["user"].lower() + "@"
        candidates = [t for key, t in self.by_handle.items() if key.startswith(prefix)]
        return candidates[0] if len(candidates) == 1 else None

    def hashtag(self, written: str) -> str | None:
        name = written.lower()
        if name not in self.hashtags:
            if len(self.hashtags) == MAX_HASHTAGS:
                return None
            self.hashtags[name] = None
        href = html.escape(self.tag_url(name))
        return f'<a href="{href}" class="mention hashtag" rel="tag">#<span>{html.escape(written)}</span></a>'


def _handle(match: re.Match, local_domain: str) -> str:
    return f"{match['user']}@{(match['domain'] or local_domain).lower()}"


def _http_url(*candidates: str) -> str | None:
    """First http(s) URL: a remote actor's `url` could be "javascript:…"."""
    return next((url for url in candidates if url and url.lower().startswith(("https://", "http://"))), None)


def _split_links(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_link): URLs as bleach's linkifier finds them, plus anything with a
    scheme, stay whole, so text inside a link never becomes a mention or hashtag."""
    spans: list[list[int]] = []
    found = [m.span() for m in URL_RE.finditer(text)] + [m.span() for m in _SCHEME_RUN_RE.finditer(text)]
    for start, end in sorted(found):
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    pieces, pos = [], 0
    for start, end in spans:
        if start > pos:
            pieces.append((text[pos:start], False))
        pieces.append((text[start:end], True))
        pos = end
    if pos < len(text):
        pieces.append((text[pos:], False))
    return pieces


def _grapheme_length(text: str) -> int:
    """Extended grapheme clusters, approximately (Mastodon counts `each_grapheme_cluster`): marks,
    variation selectors, skin tones and emoji tags extend, ZWJ joins, flags are pairs, CRLF is one."""
    count, previous, joined, regional = 0, "", False, 0
    for char in text:
        cp = ord(char)
        extends = (
            joined
            or cp == 0x200D
            or unicodedata.category(char)[0] == "M"
            or 0x1F3FB <= cp <= 0x1F3FF
            or 0xE0020 <= cp <= 0xE007F
            or (char == "\n" and previous == "\r")
        )
        regional = regional + 1 if 0x1F1E6 <= cp <= 0x1F1FF else 0
        count += 0 if extends or regional % 2 == 0 and regional else 1
        joined, previous = cp == 0x200D, char
    return count
