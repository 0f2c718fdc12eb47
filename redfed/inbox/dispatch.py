"""Apply one verified inbound activity (layer 5): `HANDLERS[type](ctx, actor, activity)`.

Each handler is a few lines calling a service, and returns False when the activity did not apply
to anything here (it is then recorded as ignored, not as an error). Identity and origin were
checked before the activity was stored (verify.py); handlers still check ownership of what they
change, because that needs the database.
"""

from collections.abc import Awaitable, Callable

from ..federation import groups as group_ap
from ..federation import quotes as quote_ap
from ..federation import reactions as reaction_ap
from ..models import Actor
from ..protocol import as2
from ..services.context import Context
from ..services.groups import sharing as group_sharing
from ..services.moderation import reports
from ..services.portability import moves
from ..services.responses import quotes, reactions
from ..services.shop import deals, listings, reviews
from ..services.social import follows, interactions, polls, posts
from ..store import actors as actor_store
from ..store import posts as post_store

Handler = Callable[[Context, Actor, dict], Awaitable[bool]]

ACTOR_TYPES = frozenset({"Person", "Service", "Application", "Group", "Organization"})


def _object(activity: dict):
    return activity.get("object")


def _object_id(activity: dict) -> str | None:
    return as2.get_id(activity.get("object"))


async def _local_actor(ctx: Context, uri: str | None) -> Actor | None:
    actor = uri and ctx.urls.is_local(uri) and await actor_store.find_actor_by_uri(ctx.db.reader, uri)
    return actor or None


async def on_follow(ctx: Context, actor: Actor, activity: dict) -> bool:
    target = await _local_actor(ctx, _object_id(activity))
    if target is None:
        return False
    await follows.receive_follow(ctx, actor, target, activity["id"])
    return True


async def on_accept(ctx: Context, actor: Actor, activity: dict) -> bool:
    return await _on_answer(ctx, actor, activity, "Accept", follows.receive_accept)


async def on_reject(ctx: Context, actor: Actor, activity: dict) -> bool:
    return await _on_answer(ctx, actor, activity, "Reject", follows.receive_reject)


async def _on_answer(ctx: Context, actor: Actor, activity: dict, kind: str, answer_follow) -> bool:
    """Accept or Reject: of an Offer we sent (FEP-0837 deals), of a QuoteRequest, else of a Follow."""
    for receive_answer in (deals.receive_answer, quotes.receive_answer):
        answered = await receive_answer(ctx, actor, kind, activity)
        if answered is not None:
            return answered
    follow = _object(activity)
    follower = as2.get_id(follow.get("actor")) if isinstance(follow, dict) else None
    return await answer_follow(ctx, actor, _object_id(activity), follower)


async def on_undo(ctx: Context, actor: Actor, activity: dict) -> bool:
    undone = _object(activity)
    undone_id = _object_id(activity)
    kind = undone.get("type") if isinstance(undone, dict) else None
    inner = as2.get_id(undone.get("object")) if isinstance(undone, dict) else None
    if kind == "Follow":
        return await follows.receive_undo_follow(ctx, actor, undone_id, inner)
    if kind in ("Like", "EmojiReact") and await reactions.receive_undo(ctx, actor, undone_id):
        return True
    if kind == "Like":
        return await interactions.receive_undo_like(ctx, actor, undone_id, inner)
    if kind == "Announce" or (kind is None and undone_id):
        if await interactions.receive_undo_announce(ctx, actor, undone_id):
            return True
    if kind == "Block":
        await interactions.receive_undo_block(ctx, actor, undone_id, await _local_actor(ctx, inner))
        return True
    if kind is None and undone_id:
        # Only an id: try each kind it could be.
        return (
            await follows.receive_undo_follow(ctx, actor, undone_id, None)
            or await interactions.receive_undo_like(ctx, actor, undone_id, None)
            or await reactions.receive_undo(ctx, actor, undone_id)
        )
    return False


async def on_create(ctx: Context, actor: Actor, activity: dict) -> bool:
    note = _object(activity)
    if _is_vote(note):
        poll = await post_store.find_post_by_uri(ctx.db.reader, as2.get_id(note["inReplyTo"]))
        return poll is not None and await polls.receive_vote(ctx, actor, poll, note["name"], activity["id"])
    if not isinstance(note, dict):
        # Mastodon embeds the object; a bare id is fetched from its (already checked) origin.
        return await posts.fetch_post(ctx, _object_id(activity)) is not None
    # Listings: a Note carrying a FEP-0837 Proposal, or a bare Proposal, becomes one post + listing.
    if listings.carries_listing(note):
        return await listings.receive_create(ctx, actor, note) is not None
    # Reviews: a reply carrying a `rating` is stored as a post, then counted if it reviews a listing.
    if reviews.is_review(note):
        post = await posts.receive_create(ctx, actor, note)
        return post is not None and (await reviews.receive(ctx, actor, post, note) or True)
    post = await posts.receive_create(ctx, actor, note)
    if post is not None:
        await group_sharing.receive_post(ctx, actor, post, activity)
    return await _with_quote(ctx, actor, note, post)


async def _with_quote(ctx: Context, actor: Actor, note: dict, post) -> bool:
    """A stored remote post, and the post it quotes (fetched from its origin when we lack it)."""
    link = quote_ap.quote_link(note)
    if post is not None and link is not None:
        await quotes.receive(ctx, actor, post, link, await posts.fetch_post(ctx, link.quoted_uri))
    return post is not None


async def on_quote_request(ctx: Context, actor: Actor, activity: dict) -> bool:
    """FEP-044f: someone asks to quote one of our posts; `instrument` is their quoting post."""
    instrument = activity.get("instrument")
    if isinstance(instrument, dict):
        quoting = await posts.receive_create(ctx, actor, instrument)
    else:
        quoting = await posts.fetch_post(ctx, as2.get_id(instrument))
    return await quotes.receive_request(ctx, actor, activity, quoting)


def _is_vote(note) -> bool:
    """Mastodon's poll vote: a Note with a `name` (the option), no content, replying to the poll."""
    return (
        isinstance(note, dict) and note.get("type") == "Note" and isinstance(note.get("name"), str)
        and not note.get("content") and isinstance(as2.get_id(note.get("inReplyTo")), str)
    )


async def on_update(ctx: Context, actor: Actor, activity: dict) -> bool:
    obj = _object(activity)
    if _object_id(activity) == actor.uri or (isinstance(obj, dict) and str(obj.get("type")) in ACTOR_TYPES):
        # A profile or key change: refetch the actor from its origin rather than trust the copy.
        await ctx.resolver.actor(actor.uri, refresh=True)
        return True
    if not isinstance(obj, dict):
        return False
    # Listings: an edit or status change of a listing updates its post and its listing row.
    if listings.carries_listing(obj):
        return await listings.receive_update(ctx, actor, obj) is not None
    # Deals: an Update of a finalized Agreement is the seller's "paid" receipt.
    if obj.get("type") == "Agreement":
        return bool(await deals.receive_paid(ctx, actor, obj))
    edited = await posts.receive_update(ctx, actor, obj)
    if edited is not None:
        await quotes.quoted_post_edited(ctx, edited)
    return await _with_quote(ctx, actor, obj, edited)


async def on_delete(ctx: Context, actor: Actor, activity: dict) -> bool:
    object_id = _object_id(activity)
    if object_id == actor.uri:
        async with ctx.db.transaction() as conn:
            await actor_store.delete_actor(conn, actor.id)
        return True
    if await quotes.receive_revoke(ctx, actor, object_id):
        return True
    # Listings: a Delete naming a listing's Proposal (not its Note) removes the listing's post.
    if await listings.receive_delete(ctx, actor, object_id):
        return True
    await group_sharing.receive_delete(ctx, actor, object_id, activity)
    return await posts.receive_delete(ctx, actor, object_id)


async def on_offer(ctx: Context, actor: Actor, activity: dict) -> bool:
    """Deals: an FEP-0837 Offer of an Agreement for one of our listings."""
    return await deals.receive_offer(ctx, actor, activity)


async def on_like(ctx: Context, actor: Actor, activity: dict) -> bool:
    """A like, or Misskey's emoji reaction: a Like whose `content` is the emoji."""
    reaction = reaction_ap.reaction_of(activity)
    if reaction is not None:
        return await reactions.receive(ctx, actor, activity["id"], _object_id(activity), reaction)
    return await interactions.receive_like(ctx, actor, activity["id"], _object_id(activity))


async def on_emoji_react(ctx: Context, actor: Actor, activity: dict) -> bool:
    """Pleroma's, Akkoma's and Fedify's emoji reaction."""
    reaction = reaction_ap.reaction_of(activity)
    return reaction is not None and await reactions.receive(ctx, actor, activity["id"], _object_id(activity), reaction)


async def on_announce(ctx: Context, actor: Actor, activity: dict) -> bool:
    to, cc = as2.as_list(activity.get("to")), as2.as_list(activity.get("cc"))
    shared = group_ap.announced_activity(activity)
    if shared is not None:
        return await _group_announce(ctx, actor, activity, shared, to, cc)
    return await interactions.receive_announce(ctx, actor, activity["id"], _object_id(activity), to, cc) is not None


async def _group_announce(ctx: Context, actor: Actor, activity: dict, shared: dict, to: list, cc: list) -> bool:
    """FEP-1b12: a group shares its members' activities wrapped whole. A shared Create becomes the
    group's boost of the post, which is fetched from its own origin (the embedded copy is the
    group's word, not its author's); a shared Delete or Remove takes that boost away."""
    object_id = as2.get_id(shared.get("object"))
    if shared.get("type") == "Create":
        return await interactions.receive_announce(ctx, actor, activity["id"], object_id, to, cc) is not None
    if shared.get("type") in ("Delete", "Remove"):
        return await group_sharing.receive_removal(ctx, actor, object_id, deleted=shared["type"] == "Delete")
    return False


async def on_block(ctx: Context, actor: Actor, activity: dict) -> bool:
    target = await _local_actor(ctx, _object_id(activity))
    if target is None:
        return False
    await interactions.receive_block(ctx, actor, target, activity["id"])
    return True


async def on_add(ctx: Context, actor: Actor, activity: dict) -> bool:
    return await _featured(ctx, actor, activity, True)


async def on_remove(ctx: Context, actor: Actor, activity: dict) -> bool:
    return await _featured(ctx, actor, activity, False)


async def _featured(ctx: Context, actor: Actor, activity: dict, featured: bool) -> bool:
    if as2.get_id(activity.get("target")) != actor.featured_uri or actor.featured_uri is None:
        return False
    return await interactions.receive_featured(ctx, actor, _object_id(activity), featured)


async def on_move(ctx: Context, actor: Actor, activity: dict) -> bool:
    """An account moved (FEP-7628): its local followers follow the new one, if the move is real."""
    return await moves.receive_move(ctx, actor, activity)


async def on_flag(ctx: Context, actor: Actor, activity: dict) -> bool:
    """A remote server reports local accounts and posts: a report in the moderators' queue."""
    return await reports.receive_flag(ctx, actor, activity)


HANDLERS: dict[str, Handler] = {
    "Follow": on_follow,
    "Accept": on_accept,
    "Reject": on_reject,
    "Undo": on_undo,
    "Create": on_create,
    "Update": on_update,
    "Delete": on_delete,
    "Like": on_like,
    "Announce": on_announce,
    "Block": on_block,
    "Add": on_add,
    "Remove": on_remove,
    "Offer": on_offer,
    "Move": on_move,
    "QuoteRequest": on_quote_request,
    "EmojiReact": on_emoji_react,
    "Flag": on_flag,
}
