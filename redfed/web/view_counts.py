"""Noting views of posts and profiles for their authors' insights (layer 6): who the viewer is and
where they came from, read from the request, handed to the in-memory counter (services/insights).
A call costs a hash and a set lookup; nothing is written during the request."""

from quart import request

from ..models import Actor, Post
from ..services.insights.views import source_of
from ..services.views import StatusView
from .context import runtime


def _viewer(viewer: Actor | None) -> str:
    # Anonymous readers are told apart by address and browser only for the day's dedupe; the
    # counter keeps a salted hash of this, never the text.
    if viewer is not None:
        return f"account:{viewer.id}"
    return f"{request.remote_addr}|{request.headers.get('User-Agent', '')}"


def _count(kind: str, subject_id: int, owner_id: int, viewer: Actor | None, source: str | None) -> None:
    counter = runtime().views
    if not counter.enabled or (viewer is not None and viewer.id == owner_id):
        return
    source = source or source_of(request.headers.get("Referer"), runtime().config.base_url)
    counter.count(kind, subject_id, _viewer(viewer), source)


def post_viewed(post: Post, viewer: Actor | None, source: str | None = None) -> None:
    """A local post was shown to someone other than its author; `source` when the face knows it,
    else the page that linked here."""
    if post.is_local and post.reblog_of_id is None:
        _count("post", post.id, post.actor_id, viewer, source)


def posts_listed(shown: list[StatusView], viewer: Actor | None, source: str) -> None:
    """The local posts of a list (a hashtag page, a timeline) were shown."""
    for view in shown:
        post_viewed((view.reblog or view).post, viewer, source)


def profile_viewed(actor: Actor, viewer: Actor | None) -> None:
    if actor.is_local:
        _count("profile", actor.id, actor.id, viewer, None)
