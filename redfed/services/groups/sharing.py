"""What a group shares (layer 4): a member's post addressed to a local group is announced by the
group to all its members, and so is its author's Delete of it later; a moderator removes it again;
a remote group's removal is applied.

A post is addressed to a group when it names the group among its recipients or as its `audience`
(a mention puts the group in `cc`; Lemmy sets `audience`), or when it replies to a post the group
shared (a reply in one of its threads). Only public and unlisted posts are shared (a group's
Announce is public), and only members' posts, in open groups as in approval-only ones: an open
group is one Follow away, and announcing strangers would make every group a megaphone for spam.
Groups never share a group's post, and a boost is no post, so two groups that follow each other
cannot announce each other's announces in a loop.
"""

import logging

from ...clock import new_id
from ...errors import Gone, NotFound, RedfedError
from ...federation import audience, delivery
from ...federation import groups as group_ap
from ...models import Actor, Post
from ...protocol import as2
from ...store import actors as actor_store
from ...store import deliveries as delivery_store
from ...store import posts as post_store
from ...store.groups import groups as store
from ...store.social import interactions as interaction_store
from ..context import Context
from ..notify import notify
from .groups import Group, check_moderator

log = logging.getLogger(__name__)

SHAREABLE = ("public", "unlisted")


async def share_in(ctx: Context, conn, post: Post, author: Actor, activity: dict) -> None:
    """Inside the post's transaction: each local group it is addressed to announces `activity`
    (the Create that published it), when the author is a member."""
    for group in await _addressed_groups(ctx, conn, post, activity):
        if await _may_share(conn, group, post, author):
            await _announce(ctx, conn, group, post, author, activity)


async def receive_post(ctx: Context, author: Actor, post: Post, activity: dict) -> None:
    """A remote post just stored: shared by the local groups it is addressed to. Most posts are
    addressed to none, and open no write transaction."""
    if not await _addressed_groups(ctx, ctx.db.reader, post, activity):
        return
    async with ctx.db.transaction() as conn:
        await share_in(ctx, conn, post, author, activity)
    ctx.wake_delivery()


async def share_delete(ctx: Context, conn, post: Post, activity: dict) -> None:
    """Inside the deletion's transaction, before the post goes: each local group that shared the
    post announces its author's Delete to its members, who may not follow the author."""
    now = ctx.now_ms()
    for group_id in await store.groups_boosting(conn, post.id):
        group = await actor_store.get_actor(conn, group_id)
        announce = group_ap.announce(group, ctx.urls.activity(new_id(now)), activity, as2.iso_time(now))
        inboxes = await audience.for_followers(conn, ctx.config, group)
        await delivery.enqueue(conn, announce, group, inboxes, is_public=False, object_uri=post.uri, now=now)


async def receive_delete(ctx: Context, author: Actor, post_uri: str | None, activity: dict) -> None:
    """A remote author is deleting a post: the local groups that shared it pass the Delete on."""
    post = post_uri and await post_store.find_post_by_uri(ctx.db.reader, post_uri)
    if not post or post.actor_id != author.id or not await store.groups_boosting(ctx.db.reader, post.id):
        return
    async with ctx.db.transaction() as conn:
        await share_delete(ctx, conn, post, activity)
    ctx.wake_delivery()


async def remove_post(ctx: Context, moderator: Actor, group: Group, post: Post) -> None:
    """A moderator takes a post out of the group: its boost goes, members' servers are sent the
    group's Delete of it announced (Lemmy) and the Undo of its Announce (Mastodon), and the group
    never shares it again. The post itself stays its author's."""
    check_moderator(group, moderator)
    actor, now = group.actor, ctx.now_ms()
    async with ctx.db.transaction() as conn:
        await store.remember_removal(conn, actor.id, post.uri, moderator.id, now)
        reblog = await post_store.find_reblog(conn, actor.id, post.id)
        if reblog is None:
            return
        await post_store.delete_post(conn, reblog.id)
        await delivery_store.unpublish_activity(conn, reblog.uri)
        removal = group_ap.removal(actor, ctx.urls.activity(new_id(now)), post.uri)
        inboxes = await audience.for_followers(conn, ctx.config, actor)
        announced = group_ap.announce(actor, ctx.urls.activity(new_id(now)), removal, as2.iso_time(now))
        for activity in (announced, group_ap.undo_announce(actor, reblog.uri, post.uri)):
            await delivery.enqueue(conn, activity, actor, inboxes, is_public=False, object_uri=reblog.uri, now=now)
    ctx.wake_delivery()


async def receive_removal(ctx: Context, group: Actor, post_uri: str | None, *, deleted: bool) -> bool:
    """A remote group announced the Delete or Remove of a post it shared: its boost goes here too.
    For a Delete, the post's own server is asked whether it is gone (the group's word is not its
    author's), and then it goes too, as if its author had told us."""
    post = post_uri and await post_store.find_post_by_uri(ctx.db.reader, post_uri)
    reblog = post and await post_store.find_reblog(ctx.db.reader, group.id, post.id)
    if not reblog:
        return False
    gone = deleted and not post.is_local and await _gone_at_origin(ctx, post)
    author = await actor_store.get_actor(ctx.db.reader, post.actor_id) if gone else None
    async with ctx.db.transaction() as conn:
        await post_store.delete_post(conn, reblog.id)
        if author is not None:
            await post_store.delete_post(conn, post.id)
            await post_store.insert_tombstone(conn, post.uri, author.uri, ctx.now_ms())
    return True


async def _gone_at_origin(ctx: Context, post: Post) -> bool:
    try:
        await ctx.resolver.fetch_object(post.uri)
    except (Gone, NotFound):
        return True
    except RedfedError as error:
        log.info("could not check whether %s is gone: %s", post.uri, error.message)
    return False


async def shared_posts(ctx: Context, group: Group, limit: int) -> list[Post]:
    """The group's boosts, the newest first."""
    return await store.boosts_of(ctx.db.reader, group.actor.id, limit)


async def _addressed_groups(ctx: Context, conn, post: Post, activity: dict) -> list[Actor]:
    note = activity.get("object") if isinstance(activity.get("object"), dict) else {}
    audiences = as2.as_list(activity.get("audience")) + as2.as_list(note.get("audience"))
    named = list(post.audience) + [as2.get_id(value) for value in audiences]
    candidates = await actor_store.find_actors_by_uris(conn, [uri for uri in named if uri and ctx.urls.is_local(uri)])
    if post.in_reply_to_id is not None:
        boosting = await store.groups_boosting(conn, post.in_reply_to_id)
        candidates += [actor for actor_id in boosting if (actor := await actor_store.get_actor(conn, actor_id))]
    actors = {actor.id: actor for actor in candidates if actor.is_local and actor.type == "Group"}
    rows = await store.of_actors(conn, list(actors))
    return [actors[row.actor_id] for row in rows]


async def _may_share(conn, group: Actor, post: Post, author: Actor) -> bool:
    if post.visibility not in SHAREABLE or post.reblog_of_id is not None or author.type == "Group":
        return False
    if not await store.is_member(conn, group.id, author.id) or await store.was_removed(conn, group.id, post.uri):
        return False
    if await interaction_store.is_blocked_either_way(conn, group.id, author.id):
        return False
    return await post_store.find_reblog(conn, group.id, post.id) is None


async def _announce(ctx: Context, conn, group: Actor, post: Post, author: Actor, activity: dict) -> None:
    now = ctx.now_ms()
    reblog_id = new_id(now)
    reblog = _boost(post, group, ctx.urls.post(group.uri, reblog_id) + "/activity", reblog_id, now)
    await post_store.insert_post(conn, reblog)
    await notify(conn, author.id, "reblog", group, post.id, now)
    announce = group_ap.announce(group, reblog.uri, activity, as2.iso_time(now))
    inboxes = await audience.for_followers(conn, ctx.config, group)
    await delivery.enqueue(conn, announce, group, inboxes, is_public=True, object_uri=post.uri, now=now)


def _boost(post: Post, group: Actor, uri: str, reblog_id: int, now: int) -> Post:
    return Post(
        id=reblog_id, uri=uri, url=None, actor_id=group.id, is_local=True, type="Announce", visibility="public",
        content="", source=None, summary="", sensitive=False, language=None, in_reply_to_uri=None,
        in_reply_to_id=None, reblog_of_id=post.id, conversation=None, audience=(), attachments=(), poll=None,
        published_at=now, edited_at=None, created_at=now,
    )
