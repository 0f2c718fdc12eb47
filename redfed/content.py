"""Text and HTML for posts and profiles (layer 1).

Local text is escaped and linkified with bleach (small volume, and its linkifier is the careful
part). Remote HTML is reduced with nh3 to roughly Mastodon's allow-list: nh3 sanitises ~25x faster
than bleach, which matters on the inbox path.
"""

import html

import bleach
import nh3

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
    paragraphs = [p for p in text.replace("\r\n", "\n").strip().split("\n\n") if p.strip()]
    rendered = []
    for paragraph in paragraphs:
        escaped = html.escape(paragraph.strip(), quote=False).replace("\n", "<br>")
        rendered.append(f"<p>{_linkify(escaped)}</p>")
    return "".join(rendered)


def _linkify(escaped_html: str) -> str:
    def add_rel(attrs, new=False):
        attrs[(None, "rel")] = _LINK_REL
        attrs[(None, "target")] = "_blank"
        return attrs

    return bleach.linkify(escaped_html, callbacks=[add_rel], parse_email=False)


def html_to_text(text: str) -> str:
    """Visible text of sanitised HTML, for places that need plain text (titles, meta tags)."""
    return html.unescape(nh3.clean(text.replace("<br>", "\n").replace("</p>", "\n\n"), tags=set())).strip()
