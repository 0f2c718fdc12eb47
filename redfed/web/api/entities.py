"""Views → Mastodon API JSON (layer 6), one function per entity, shaped as docs.joinmastodon.org
documents them. Ids are strings; instants are ISO 8601 with milliseconds, in UTC."""

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from ...clock import now_ms
from ...models import Media, Post
from ...protocol.instants import renderable
from ...services.discovery.featured import FeaturedTag
from ...services.discovery.tags import TagView
from ...services.languages.translation import Translation
from ...services.views import AccountView, QuoteView, StatusView
from ...store.responses.reactions import ReactionCount
from ...store.emoji.emojis import CustomEmoji
from ...urls import Urls

log = logging.getLogger(__name__)


def iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    ms = _renderable(ms)
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def day(ms: int | None) -> str | None:
    return datetime.fromtimestamp(_renderable(ms) / 1000, UTC).strftime("%Y-%m-%d") if ms else None


def _renderable(ms: int) -> int:
    # Dates are normalised on arrival now; a row stored before that (year 10000, year 0) is shown
    # at the edge of the range rather than failing every page it is on (issue 25).
    shown = renderable(ms)
    if shown != ms:
        log.warning("instant %d out of the renderable range, shown as %d", ms, shown)
    return shown


def each_rendered(views: Iterable, render: Callable[..., dict]) -> list[dict]:
    """`render(view)` for each view, leaving out (and logging) any that cannot be rendered: one bad
    stored row costs its own entry, never the whole page."""
    entities = []
    for view in views:
        try:
            entities.append(render(view))
        except Exception:
            log.exception("left out an entity that could not be rendered")
    return entities


def account(view: AccountView, urls: Urls, *, with_source: bool = False) -> dict:
    actor = view.actor
    avatar = actor.icon_url or f"{urls.base}/static/avatar.png"
    header = actor.image_url or f"{urls.base}/static/header.png"
    entity = {
        "id": str(actor.id),
        "username": actor.username,
        "acct": actor.username if actor.is_local else actor.handle,
        "display_name": actor.display_name,
        "locked": actor.manually_approves_followers,
        "bot": actor.type in ("Service", "Application"),
        "discoverable": actor.discoverable,
        "indexable": actor.discoverable,
        "group": actor.type == "Group",
        "created_at": iso(_midnight(actor.published_at)),
        "note": actor.summary,
        "url": actor.url or actor.uri,
        "uri": actor.uri,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": view.followers_count,
        "following_count": view.following_count,
        "statuses_count": view.statuses_count,
        "last_status_at": day(view.last_status_at),
        "hide_collections": False,
        "noindex": not actor.discoverable,
        "emojis": [custom_emoji(e) for e in view.emojis],
        "roles": [],
        "fields": [{"name": f.name, "value": f.value, "verified_at": None} for f in actor.fields],
    }
    if view.moved is not None:
        entity["moved"] = account(view.moved, urls)
    if actor.silenced_at is not None:
        entity["limited"] = True  # Mastodon 4.3: present only for a silenced (limited) account
    if with_source and view.user is not None:
        entity["source"] = source(view)
        entity["role"] = role(view)
    return entity


def source(view: AccountView) -> dict:
    """The editable form of a profile, for verify_credentials and update_credentials."""
    return {
        "privacy": "public",
        "sensitive": False,
        "language": view.user.locale if view.user else None,
        "note": view.actor.summary_source,
        "fields": [{"name": f.name, "value": f.value, "verified_at": None} for f in view.actor.fields],
        "follow_requests_count": 0,
        "discoverable": view.actor.discoverable,
        "indexable": view.actor.discoverable,
        "hide_collections": False,
    }


def role(view: AccountView) -> dict:
    admin = bool(view.user and view.user.is_admin)
    return {
        "id": "3" if admin else "-99",
        "name": "Admin" if admin else "",
        "permissions": "1" if admin else "0",
        "color": "",
        "highlighted": admin,
    }


def custom_emoji(emoji: CustomEmoji) -> dict:
    """Mastodon's CustomEmoji entity (no separate still image is kept: static_url is the image)."""
    entity = {"shortcode": emoji.shortcode, "url": emoji.image_url, "static_url": emoji.image_url,
              "visible_in_picker": emoji.visible_in_picker}
    return entity | ({"category": emoji.category} if emoji.category else {})


def status(view: StatusView, urls: Urls) -> dict:
    post = view.post
    entity = {
        "id": str(post.id),
        "uri": post.uri,
        "url": post.url,
        "created_at": iso(post.published_at),
        "edited_at": iso(post.edited_at),
        "account": account(view.account, urls),
        "in_reply_to_id": str(post.in_reply_to_id) if post.in_reply_to_id else None,
        "in_reply_to_account_id": str(view.in_reply_to_account_id) if view.in_reply_to_account_id else None,
        "reblog": status(view.reblog, urls) if view.reblog else None,
        "content": post.content,
        "text": None,
        "spoiler_text": post.summary,
        "sensitive": post.sensitive,
        "visibility": post.visibility,
        "language": post.language,
        "replies_count": view.replies_count,
        "reblogs_count": view.reblogs_count,
        "favourites_count": view.favourites_count,
        "favourited": "favourited" in view.flags,
        "reblogged": "reblogged" in view.flags,
        "bookmarked": "bookmarked" in view.flags,
        "muted": "muted" in view.flags,
        "pinned": "pinned" in view.flags if post.is_local else None,
        "media_attachments": [media_attachment(m, urls) for m in view.media] + remote_attachments(post),
        "mentions": [
            {"id": str(a.id), "username": a.username, "url": a.url or a.uri, "acct": a.username if a.is_local else a.handle}
            for a in view.mentions
        ],
        "tags": [{"name": name, "url": urls.tag(name)} for name in view.tags],
        "emojis": [custom_emoji(e) for e in view.emojis],
        "card": None,
        "poll": poll(post, view.own_votes, now_ms()),
        "application": {"name": view.application[0], "website": view.application[1]} if view.application else None,
        "filtered": [],
        "paid_partnership": post.paid_partnership,  # redfed extension; the content says it too
        "quote": quote(view.quote, urls) if view.quote else None,
        "quote_approval": view.quote_approval,
        "quotes_count": view.quotes_count,
        "saves_count": view.saves_count,  # redfed extension: public boards holding the post
        "pleroma": {"emoji_reactions": [emoji_reaction(r) for r in view.reactions]},  # as Pleroma and Akkoma
    }
    if not post.is_local:
        entity.pop("pinned")
    if view.for_supporters:
        # Stored as direct; shown as Mastodon's closest, with redfed's extension saying to whom.
        entity |= {"visibility": "private", "redfed": {"audience": "supporters"}}
    return entity


def quote(view: QuoteView, urls: Urls) -> dict:
    """Mastodon 4.5's Quote, or its ShallowQuote inside a quoted status."""
    if view.shallow:
        return {"state": view.state, "quoted_status_id": str(view.quoted_id) if view.quoted_id else None}
    return {"state": view.state, "quoted_status": status(view.quoted, urls) if view.quoted else None}


def emoji_reaction(reaction: ReactionCount, accounts: list[dict] | None = None) -> dict:
    """Pleroma's EmojiReaction: a custom emoji by its shortcode without colons, with its image."""
    entity = {"name": reaction.emoji.strip(":") if reaction.emoji_url else reaction.emoji, "count": reaction.count, "me": reaction.me}
    if reaction.emoji_url:
        entity["url"] = entity["static_url"] = reaction.emoji_url
    if accounts is not None:
        entity["accounts"] = accounts
    return entity


def media_attachment(media: Media, urls: Urls) -> dict:
    url = urls.media(media.file_key) if media.state == "ready" else None
    preview = urls.media(media.preview_key) if media.preview_key and media.state == "ready" else url
    meta = dict(media.meta)
    if media.focus_x is not None:
        meta["focus"] = {"x": media.focus_x, "y": media.focus_y}
    return {
        "id": str(media.id),
        "type": media.type,
        "url": url,
        "preview_url": preview,
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": meta,
        "description": media.description,
        "blurhash": media.blurhash,
    }


def remote_attachments(post: Post) -> list[dict]:
    """Attachments of remote posts, referenced by their URLs (a media cache is later work)."""
    entities = []
    for index, item in enumerate(post.attachments if not post.is_local else ()):
        media_type = str(item.get("mediaType", ""))
        kind = next((k for k in ("image", "video", "audio") if media_type.startswith(k)), "unknown")
        if kind == "unknown" and item.get("type") in ("Image", "Video", "Audio"):
            kind = item["type"].lower()
        size = {"width": item["width"], "height": item["height"]} if "width" in item and "height" in item else {}
        entities.append({
            # Stable per post and position; remote attachments have no row of their own.
            "id": str(post.id * 32 + index),
            "type": kind,
            "url": item["url"],
            "preview_url": item.get("poster", item["url"]),
            "remote_url": item["url"],
            "preview_remote_url": item.get("poster"),
            "text_url": None,
            "meta": {"original": size} if size else {},
            "description": item.get("name"),
            "blurhash": item.get("blurhash"),
        })
    return entities


def poll(post: Post, own_votes: tuple[int, ...] | None = None, now_ms: int | None = None) -> dict | None:
    if not post.poll:
        return None
    options = post.poll.get("options", [])
    expires = post.poll.get("expires_at")
    ended = bool(post.poll.get("closed")) or (expires is not None and now_ms is not None and expires <= now_ms)
    return {
        "id": str(post.id),
        "expires_at": iso(expires),
        "expired": ended,
        "multiple": bool(post.poll.get("multiple")),
        "votes_count": sum(o.get("votes_count", 0) for o in options),
        "voters_count": post.poll.get("voters_count"),
        "voted": bool(own_votes),
        "own_votes": list(own_votes or ()),
        "options": [{"title": o["title"], "votes_count": o.get("votes_count", 0)} for o in options],
        "emojis": [],
    }


def translation(done: Translation) -> dict:
    """A services.languages Translation as Mastodon's Translation entity."""
    poll = {"id": str(done.post.id), "options": [{"title": t} for t in done.poll_options]} if done.poll_options else None
    return {
        "content": done.content,
        "spoiler_text": done.spoiler_text,
        "poll": poll,
        "media_attachments": [],
        "detected_source_language": done.source_language,
        "provider": done.provider,
    }


def tag(view: TagView, urls: Urls) -> dict:
    """Mastodon's Tag; its history counts as strings, today first."""
    history = [{"day": str(d.day_ms // 1000), "uses": str(d.uses), "accounts": str(d.accounts)} for d in view.history]
    return {"name": view.name, "url": urls.tag(view.name), "history": history, "following": view.following,
            "featuring": view.featuring}


def featured_tag(featured: FeaturedTag, urls: Urls) -> dict:
    return {"id": str(featured.id), "name": featured.name, "url": urls.tag(featured.name),
            "statuses_count": str(featured.statuses_count), "last_status_at": day(featured.last_status_at)}


def application(name: str, website: str | None) -> dict:
    return {"name": name, "website": website}


def _midnight(ms: int) -> int:
    # Mastodon shows the day an account was created, at midnight UTC.
    return ms - ms % 86_400_000

