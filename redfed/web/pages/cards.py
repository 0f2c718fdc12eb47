"""Posts as the pages show them (layer 6): a card per post with its photos, author, counts and the
viewer's own likes and boosts, built from the service views the client API shares."""

import math
from dataclasses import dataclass

from ...content import html_to_text
from ...federation import disclosures
from ...services.views import AccountView, StatusView
from ...urls import Urls

EXCERPT = 120
# The shapes a carousel or a tile takes, as RedNote's: portraits at most 3:4, landscapes at most 16:9.
# A photo takes the nearest; one of unknown size is square.
SHAPES = {"3x4": 3 / 4, "4x5": 4 / 5, "1x1": 1.0, "4x3": 4 / 3, "16x9": 16 / 9}
# What the reaction bar offers besides the emoji already on a post (Misskey's first few).
REACTION_CHOICES = ("❤️", "👍", "😂", "🎉", "😮", "😢")


@dataclass(frozen=True)
class Photo:
    url: str
    preview_url: str
    alt: str
    width: int | None
    height: int | None
    preview_width: int | None = None

    @property
    def srcset(self) -> str | None:
        """Both stored sizes for the browser to choose from, when both are known and differ."""
        if not self.width or not self.preview_width or self.preview_url == self.url or self.preview_width >= self.width:
            return None
        return f"{self.preview_url} {self.preview_width}w, {self.url} {self.width}w"

    @property
    def shape(self) -> str:
        """The name of the shape (in SHAPES) nearest to the photo's own."""
        if not self.width or not self.height:
            return "1x1"
        ratio = self.width / self.height
        return min(SHAPES, key=lambda name: abs(math.log(SHAPES[name] / ratio)))


@dataclass(frozen=True)
class Video:
    url: str
    poster_url: str | None
    alt: str


@dataclass(frozen=True)
class Card:
    view: StatusView  # the post shown (for a boost, the boosted post)
    boosted_by: AccountView | None
    photos: tuple[Photo, ...]
    excerpt: str
    videos: tuple[Video, ...] = ()
    quoted: "Card | None" = None  # the post this one quotes, when its author consented

    @property
    def post(self):
        return self.view.post

    @property
    def author(self):
        return self.view.account.actor

    @property
    def liked(self) -> bool:
        return "favourited" in self.view.flags

    @property
    def boosted(self) -> bool:
        return "reblogged" in self.view.flags

    @property
    def bookmarked(self) -> bool:
        return "bookmarked" in self.view.flags

    @property
    def url(self) -> str:
        return self.post.url or self.post.uri

    @property
    def reaction_choices(self) -> tuple[str, ...]:
        shown = {r.emoji for r in self.view.reactions}
        return tuple(e for e in REACTION_CHOICES if e not in shown)

    @property
    def page_url(self) -> str:
        """The post's page here: its own for our posts, /posts/<id> for a remote one."""
        return self.post.url if self.post.is_local and self.post.url else f"/posts/{self.post.id}"


def _web_url(value) -> str | None:
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else None


def photos_of(view: StatusView, urls: Urls) -> tuple[Photo, ...]:
    found = []
    for media in view.media:
        if media.type == "image" and media.state == "ready":
            meta = media.meta if isinstance(media.meta, dict) else {}
            original, small = meta.get("original", {}), meta.get("small", {})
            url = urls.media(media.file_key)
            found.append(Photo(
                url, urls.media(media.preview_key) if media.preview_key else url, media.description or "",
                original.get("width"), original.get("height"), small.get("width"),
            ))
    if not view.post.is_local:
        for item in view.post.attachments:
            url = _web_url(item.get("url"))
            kind = str(item.get("mediaType", "")) or str(item.get("type", ""))
            if url and (kind.startswith("image/") or kind == "Image"):
                name = item.get("name")
                found.append(Photo(url, url, name if isinstance(name, str) else "", None, None))
    return tuple(found)


def videos_of(view: StatusView, urls: Urls) -> tuple[Video, ...]:
    found = [
        # A video without a still of its own has its own file as preview: no poster then.
        Video(urls.media(media.file_key), urls.media(media.preview_key) if media.preview_key not in (None, media.file_key) else None,
              media.description or "")
        for media in view.media if media.type in ("video", "gifv") and media.state == "ready"
    ]
    if not view.post.is_local:
        for item in view.post.attachments:
            url, kind, name = _web_url(item.get("url")), str(item.get("mediaType", "")), item.get("name")
            if url and (kind.startswith("video/") or (not kind and item.get("type") == "Video")):
                found.append(Video(url, _web_url(item.get("poster")), name if isinstance(name, str) else ""))
    return tuple(found)


def card(view: StatusView, urls: Urls) -> Card:
    shown, boosted_by = (view.reblog, view.account) if view.reblog is not None else (view, None)
    # The card shows its own (translated) paid-partnership badge instead of the content's line.
    text = html_to_text(disclosures.with_line(shown.post.content, False))
    excerpt = text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"
    quoted = card(shown.quote.quoted, urls) if shown.quote and shown.quote.quoted else None
    return Card(shown, boosted_by, photos_of(shown, urls), excerpt, videos_of(shown, urls), quoted)


def cards(views: list[StatusView], urls: Urls) -> list[Card]:
    return [card(view, urls) for view in views]
