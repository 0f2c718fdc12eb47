"""AS2 objects → remote posts (layer 3, pure): validate, sanitise and bound what a remote sends.

Limits keep one hostile document from costing more than a normal one (checklist 20): content is
cut at MAX_CONTENT characters before sanitising, lists of recipients, tags and attachments are cut
at their caps. Anything of the wrong type is ignored or refused with BadRequest, never a crash.

Nothing that could break a later read is kept (issue 25; FEDERATION.md, "Normalising remote
documents"): the object's id must be a URL `http_urls` accepts, optional links that it does not
accept are dropped, text loses NULs and unpaired surrogates, and dates are read by `instants`:
- `published` absent is now, later than now is now (year 10000 included), and one that is not a
  date or is before 1970 refuses the object (a post's id and its place in every timeline come from
  it, and ids are milliseconds since 1970);
- `updated` that is not a date from 1970 on is dropped; it is kept between `published` and now;
- a poll's `endTime` may be in the future; one that is not a date from 1970 to 9999 is dropped
  (the poll has no end); `closed` (a date, or true) is kept no later than now.
"""

import re
from dataclasses import dataclass

from ..clock import new_id
from ..content import sanitize_remote_html
from ..errors import BadRequest
from ..models import Actor, Post
from ..protocol import as2
from ..protocol.documents import storable_text
from ..protocol.http_urls import MAX_URL, http_url, same_origin
from ..protocol.instants import MAX_MS, parse_instant
from . import disclosures

POST_TYPES = frozenset({"Note", "Question", "Article", "Page", "Image", "Video", "Audio", "Event"})
MAX_CONTENT = 100_000
MAX_SUMMARY = 5_000
MAX_ADDRESSES = 1_000
MAX_TAGS = 100
MAX_ATTACHMENTS = 20
MAX_POLL_OPTIONS = 20
_HASHTAG = re.compile(r"#?([\w]{1,100})", re.UNICODE)


@dataclass(frozen=True)
class RemotePost:
    post: Post
    mention_uris: tuple[str, ...]
    hashtags: tuple[str, ...]


def ap_to_remote_post(doc: dict, author: Actor, now_ms: int) -> RemotePost:
    """A remote Note (or Question, Article …) by `author`, whose origin it must share."""
    uri = http_url(doc.get("id"))
    if uri is None:
        raise BadRequest("object id must be an http(s) URL")
    if not same_origin(uri, author.uri):
        raise BadRequest("object id is on another origin than its author")
    if not isinstance(doc.get("type"), str) or doc["type"] not in POST_TYPES:
        raise BadRequest(f"unsupported object type {str(doc.get('type'))[:40]}")
    if attributed_to(doc) != author.uri:
        raise BadRequest("object is not attributed to its actor")
    to, cc = _addresses(doc.get("to")), _addresses(doc.get("cc"))
    published = _published(doc.get("published"), now_ms)
    post = Post(
        id=new_id(published), uri=uri, url=_optional_url(doc.get("url")) or uri,
        actor_id=author.id, is_local=False, type=doc["type"],
        visibility=as2.visibility_of(to, cc, author.followers_uri),
        content=sanitize_remote_html(storable_text(_content(doc)[:MAX_CONTENT])), source=None,
        summary=_text(doc.get("summary"))[:MAX_SUMMARY], sensitive=doc.get("sensitive") is True,
        language=_language(doc), in_reply_to_uri=http_url(as2.get_id(doc.get("inReplyTo"))), in_reply_to_id=None,
        reblog_of_id=None, conversation=_optional_str(doc.get("conversation") or doc.get("context")),
        audience=tuple(to + cc), attachments=_attachments(doc.get("attachment")), poll=_poll(doc, now_ms),
        published_at=published, edited_at=_updated(doc.get("updated"), published, now_ms), created_at=now_ms,
        paid_partnership=disclosures.is_marked(doc),
    )
    return RemotePost(post, _mentions(doc.get("tag")), _hashtags(doc.get("tag")))


def attributed_to(doc: dict) -> str | None:
    """The first actor an object is attributed to (a string, an object, or a list of them)."""
    for value in as2.as_list(doc.get("attributedTo"))[:5]:
        found = as2.get_id(value)
        if found:
            return found
    return None


def _optional_url(value) -> str | None:
    for item in as2.as_list(value)[:5]:
        href = item if isinstance(item, str) else item.get("href") if isinstance(item, dict) else None
        if http_url(href) is not None:
            return href
    return None


def _optional_str(value) -> str | None:
    # `conversation` and `context` are opaque ids (often tag: URIs), compared and never fetched.
    return storable_text(value[:MAX_URL]) if isinstance(value, str) else None


def _addresses(value) -> list[str]:
    return [uri for uri in (as2.get_id(v) for v in as2.as_list(value)[:MAX_ADDRESSES]) if uri]


def _content(doc: dict) -> str:
    content = doc.get("content")
    if not isinstance(content, str):
        content_map = doc.get("contentMap")
        values = [v for v in content_map.values() if isinstance(v, str)] if isinstance(content_map, dict) else []
        content = values[0] if values else ""
    name = doc.get("name")
    if not content and isinstance(name, str) and doc.get("type") != "Question":
        content = f"<p>{_escape(name[:500])}</p>"
    return content


def _text(value) -> str:
    return _escape(storable_text(value)) if isinstance(value, str) else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _language(doc: dict) -> str | None:
    content_map = doc.get("contentMap")
    if isinstance(content_map, dict):
        for key in list(content_map)[:1]:
            if isinstance(key, str) and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", key):
                return key
    return None


def _published(value, now_ms: int) -> int:
    if value is None:
        return now_ms  # as Mastodon: a post without a date is dated when it arrives
    published = parse_instant(value)
    if published is None:
        raise BadRequest("published must be a date, not before 1970")
    return min(published, now_ms)  # a post from the future would head every timeline until then


def _updated(value, published: int, now_ms: int) -> int | None:
    updated = parse_instant(value)
    return None if updated is None else min(max(updated, published), now_ms)


def _closed(value, now_ms: int) -> int | None:
    closed = now_ms if value is True else parse_instant(value)
    return None if closed is None else min(closed, now_ms)


def _mentions(tags) -> tuple[str, ...]:
    found = [t.get("href") for t in as2.as_list(tags)[:MAX_TAGS] if isinstance(t, dict) and t.get("type") == "Mention"]
    return tuple(dict.fromkeys(h for h in found if http_url(h) is not None))


def _hashtags(tags) -> tuple[str, ...]:
    names = []
    for tag in as2.as_list(tags)[:MAX_TAGS]:
        if isinstance(tag, dict) and tag.get("type") == "Hashtag" and isinstance(tag.get("name"), str):
            match = _HASHTAG.fullmatch(tag["name"].strip())
            if match:
                names.append(match[1].lower())
    return tuple(dict.fromkeys(names))


def _attachments(value) -> tuple[dict, ...]:
    kept = []
    for item in as2.as_list(value)[:MAX_ATTACHMENTS]:
        if not isinstance(item, dict):
            continue
        url = _optional_url(item.get("url"))
        if url is None:
            continue
        attachment = {"type": storable_text(str(item.get("type", "Document"))[:40]), "url": url}
        for name, kind, cap in (("mediaType", str, 100), ("name", str, 1500), ("blurhash", str, 100)):
            if isinstance(item.get(name), kind):
                attachment[name] = storable_text(item[name][:cap])
        for name in ("width", "height"):
            if isinstance(item.get(name), int) and 0 < item[name] < 100_000:
                attachment[name] = item[name]
        poster = _poster(item)
        if poster is not None:
            attachment["poster"] = poster
        kept.append(attachment)
    return tuple(kept)


def _poster(attachment: dict) -> str | None:
    """A video's still: Mastodon sends it as an `icon` Image, others as a `preview`."""
    for value in (attachment.get("icon"), attachment.get("preview")):
        for image in as2.as_list(value)[:5]:
            url = _optional_url(image.get("url") if isinstance(image, dict) else image)
            if url is not None:
                return url
    return None


def _poll(doc: dict, now_ms: int) -> dict | None:
    if doc.get("type") != "Question":
        return None
    multiple = "anyOf" in doc
    options = []
    for option in as2.as_list(doc.get("anyOf") if multiple else doc.get("oneOf"))[:MAX_POLL_OPTIONS]:
        if isinstance(option, dict) and isinstance(option.get("name"), str):
            replies = option.get("replies")
            count = replies.get("totalItems") if isinstance(replies, dict) else 0
            votes = count if isinstance(count, int) and 0 <= count < 2**53 else 0
            options.append({"title": storable_text(option["name"][:500]), "votes_count": votes})
    expires_at = parse_instant(doc.get("endTime"))
    expires_at = expires_at if expires_at is not None and expires_at <= MAX_MS else None
    return {"multiple": multiple, "options": options, "expires_at": expires_at, "closed": _closed(doc.get("closed"), now_ms)}
