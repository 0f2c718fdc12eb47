"""Which channel of which viewer shows an event (layer 4).

An event is loaded once (`load_post_event`): the post, rendered as no one in particular (as
Mastodon's streaming server sends it), with the facts the rules need that depend on the author
rather than on the viewer: who follows the author, whom the post mentions, which lists the author
is on. Each subscriber is then checked in memory, by the same rules as the timelines' SQL
(store/social/timelines.py, store/social/lists.py) and services/visibility.can_see."""

from dataclasses import dataclass

from ....db.api import Database
from ....models import Post
from ....store.discovery import tag_follows
from ....store.social import stream_audience as store
from ....store.social.events import StreamEvent
from ...views import StatusView, status_views
from .channels import Channel
from .viewers import Viewer


@dataclass(frozen=True)
class Listed:
    """A list the post's author is on."""
    id: int
    owner_id: int
    replies_policy: str  # followed, list or none
    has_parent_author: bool  # whether the author of the post replied to is on the list too


@dataclass(frozen=True)
class PostEvent:
    view: StatusView  # as no one in particular sees it
    mentions: frozenset[int]
    followers: frozenset[int]  # accepted followers of the author
    lists: tuple[Listed, ...]
    parent_followers: frozenset[int]  # accepted followers of the author replied to, for list replies
    tag_followers: frozenset[int]  # who follows a hashtag of a post home shows them

    @property
    def post(self) -> Post:
        return self.view.post


async def load_post_event(db: Database, post: Post, *, with_lists: bool) -> PostEvent:
    view = (await status_views(db, [post], None))[0]
    followers = await store.followers_of(db.reader, post.actor_id)
    parent_author = view.in_reply_to_account_id
    lists, parent_followers = (), frozenset()
    if with_lists:
        lists = tuple(Listed(*row) for row in await store.lists_with_member(db.reader, post.actor_id, parent_author))
        if parent_author is not None and any(found.replies_policy == "followed" for found in lists):
            parent_followers = frozenset(await store.followers_of(db.reader, parent_author))
    tag_followers = await tag_follows.followers_of_tags(db.reader, list(view.tags)) if _tag_followers_see(view) else ()
    return PostEvent(view, frozenset(a.id for a in view.mentions), frozenset(followers), lists, parent_followers,
                     frozenset(tag_followers))


def _tag_followers_see(view: StatusView) -> bool:
    """The timelines' _FOLLOWED_TAGS: public or unlisted posts, not boosts, not from silenced accounts."""
    post = view.post
    return (bool(view.tags) and post.visibility in ("public", "unlisted") and post.reblog_of_id is None
            and view.account.actor.silenced_at is None)


def can_see(viewer: Viewer, event: PostEvent) -> bool:
    """services/visibility.can_see, from what the stream holds."""
    post, author = event.post, event.view.account.actor
    if viewer.id == post.actor_id:
        return True
    if author.id in viewer.blocks or author.suspended_at is not None:
        return False
    if post.visibility in ("public", "unlisted") or viewer.id in event.mentions:
        return True
    return post.visibility == "private" and viewer.id in event.followers


def shows(wanted: Channel, viewer: Viewer, event: PostEvent, now: int) -> bool:
    """Whether the timeline `wanted` follows would show the post to `viewer` (its filters aside)."""
    if wanted.name == "list":
        return _list_shows(wanted, viewer, event, now)
    if _hidden(viewer, event, now):
        return False
    if wanted.name == "user":
        return _home_shows(viewer, event)
    return _public_shows(wanted, viewer, event)


def _hidden(viewer: Viewer, event: PostEvent, now: int) -> bool:
    """The timelines' _NOT_HIDDEN and _NOT_SUSPENDED: the author, or a boosted post's author."""
    author, boosted = event.view.account.actor, event.view.reblog
    if viewer.hides(author, now) or author.suspended_at is not None:
        return True
    if boosted is None:
        return False
    return boosted.account.actor.domain in viewer.domains or boosted.account.actor.suspended_at is not None


def _home_shows(viewer: Viewer, event: PostEvent) -> bool:
    post = event.post
    if post.actor_id != viewer.id and post.actor_id in viewer.exclusive:
        return False
    if viewer.id in event.mentions or post.actor_id == viewer.id or viewer.id in event.tag_followers:
        return True
    return viewer.id in event.followers and post.visibility != "direct"


def _public_shows(wanted: Channel, viewer: Viewer, event: PostEvent) -> bool:
    post, view = event.post, event.view
    if post.visibility != "public" or wanted.name == "user:notification":
        return False
    if view.account.actor.silenced_at is not None and viewer.id not in event.followers:
        return False
    if not _origin_matches(wanted.name, post.is_local):
        return False
    if wanted.name.startswith("hashtag"):
        return wanted.param in view.tags
    return post.reblog_of_id is None and ("media" not in wanted.name.split(":") or bool(view.media or post.attachments))


def _origin_matches(name: str, is_local: bool) -> bool:
    parts = name.split(":")
    return not (("local" in parts and not is_local) or ("remote" in parts and is_local))


def _list_shows(wanted: Channel, viewer: Viewer, event: PostEvent, now: int) -> bool:
    listed = next((found for found in event.lists
                   if str(found.id) == wanted.param and found.owner_id == viewer.id), None)
    if listed is None:
        return False
    post, author = event.post, event.view.account.actor
    if author.id in viewer.blocks or viewer.muting(author.id, now):
        return False
    if post.in_reply_to_id is None and post.in_reply_to_uri is None:
        return True
    parent_author = event.view.in_reply_to_account_id
    return (parent_author in (post.actor_id, viewer.id)
            or (listed.replies_policy == "followed" and viewer.id in event.parent_followers)
            or (listed.replies_policy == "list" and listed.has_parent_author))


def delete_reaches(wanted: Channel, viewer_id: int, event: StreamEvent, followers: set[int], lists: set[str]) -> bool:
    """Whether a deleted post could have reached `wanted`: the event carries what is needed (author,
    visibility, origin, tags and mentions at the time of deletion); `followers` are the author's,
    `lists` the ids of the lists it is on."""
    if wanted.name == "user":
        return event.actor_id == viewer_id or viewer_id in event.mentions or viewer_id in followers
    if wanted.name == "list":
        return wanted.param in lists
    if event.visibility != "public" or wanted.name == "user:notification":
        return False
    if not _origin_matches(wanted.name, event.is_local):
        return False
    return not wanted.name.startswith("hashtag") or wanted.param in event.tags
