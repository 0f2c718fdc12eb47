"""What an API entity shows about an account or a status, loaded in batches (layer 4).

Rendering (web/api/entities.py) only formats these views; every count and per-viewer flag is
fetched here with one query per kind for a whole page.
"""

from dataclasses import dataclass

from ..db.api import Database
from ..federation import emoji as emoji_ap
from ..models import Actor, Media, Post, User
from ..store import actors as actor_store
from ..store import views as store
from ..store.accounts import users as user_store
from ..store.emoji import emojis as emoji_store
from ..store.emoji.emojis import CustomEmoji
from ..store.media import media as media_store
from ..store.responses import boards as board_store
from ..store.responses import quotes as quote_store
from ..store.responses import reactions as reaction_store
from ..store.social import polls as poll_store
from ..store.social import timelines as timeline_store
from ..store.supporters import grants as supporter_store
from .responses import quote_policy
from .visibility import can_see


@dataclass(frozen=True)
class AccountView:
    actor: Actor
    followers_count: int
    following_count: int
    statuses_count: int
    last_status_at: int | None
    user: User | None = None  # for local accounts
    moved: "AccountView | None" = None  # the account this one moved to, when known
    emojis: tuple[CustomEmoji, ...] = ()  # the custom emoji its name, bio and fields show


@dataclass(frozen=True)
class StatusView:
    post: Post
    account: AccountView
    reblog: "StatusView | None"
    mentions: tuple[Actor, ...]
    tags: tuple[str, ...]
    media: tuple[Media, ...]
    replies_count: int
    reblogs_count: int
    favourites_count: int
    flags: frozenset[str]  # favourited, reblogged, bookmarked, pinned, muted (for the viewer)
    application: tuple[str, str | None] | None
    in_reply_to_account_id: int | None
    own_votes: tuple[int, ...] | None = None  # the viewer's choices, when the post has a poll
    quote: "QuoteView | None" = None
    quote_approval: dict | None = None  # Mastodon's QuoteApproval, for the viewer
    quotes_count: int = 0
    reactions: tuple[reaction_store.ReactionCount, ...] = ()  # per emoji, most used first
    saves_count: int = 0  # public boards holding the post
    emojis: tuple[CustomEmoji, ...] = ()  # the custom emoji its text or summary shows
    for_supporters: bool = False  # a supporters-only post (stored as direct)


@dataclass(frozen=True)
class QuoteView:
    """What a status quotes: Mastodon's Quote (with the quoted status) or, one level down, its
    ShallowQuote (the id only)."""
    state: str
    quoted_id: int | None
    quoted: StatusView | None = None
    shallow: bool = False


async def account_views(db: Database, actors: list[Actor], *, with_moved: bool = True) -> list[AccountView]:
    counts = await store.actor_counts(db.reader, [a.id for a in actors])
    users = await user_store.users_by_actors(db.reader, [a.id for a in actors if a.is_local])
    moved = await _moved_views(db, actors) if with_moved else {}
    emojis = await _account_emojis(db, actors)
    views = []
    for actor in actors:
        followers, following, statuses, last = counts.get(actor.id, (0, 0, 0, None))
        views.append(AccountView(
            actor, followers, following, statuses, last, users.get(actor.id), moved.get(actor.moved_to_uri),
            tuple(emojis.get(actor.id, ())),
        ))
    return views


async def _account_emojis(db: Database, actors: list[Actor]) -> dict[int, list[CustomEmoji]]:
    """Remote accounts' emoji as their documents tagged them; local ones' found in their text."""
    found = await emoji_store.emojis_of_actors(db.reader, [a.id for a in actors if not a.is_local])
    wanted = {a.id: emoji_ap.profile_shortcodes(a) for a in actors if a.is_local}
    named = {s for shortcodes in wanted.values() for s in shortcodes}
    local = {e.shortcode: e for e in await emoji_store.list_local(db.reader, sorted(named))} if named else {}
    for actor_id, shortcodes in wanted.items():
        found[actor_id] = [local[s] for s in sorted(shortcodes) if s in local]
    return found


async def _moved_views(db: Database, actors: list[Actor]) -> dict[str, AccountView]:
    """Views of the accounts these moved to (one level: a moved account's own move is not shown)."""
    targets = {a.moved_to_uri for a in actors if a.moved_to_uri}
    if not targets:
        return {}
    found = await actor_store.find_actors_by_uris(db.reader, targets)
    return {v.actor.uri: v for v in await account_views(db, found, with_moved=False)}


async def account_view(db: Database, actor: Actor) -> AccountView:
    return (await account_views(db, [actor]))[0]


async def status_views(db: Database, posts: list[Post], viewer: Actor | None, *, nested: bool = False) -> list[StatusView]:
    """Views of `posts` in order, boosts with the boosted status inside, quotes with the quoted
    status inside (`nested`: this is that quoted status, whose own quote is shown shallow)."""
    boosted = await store.posts_by_ids(db.reader, [p.reblog_of_id for p in posts if p.reblog_of_id])
    everything = list(posts) + list(boosted.values())
    ids = [p.id for p in everything]
    mentions = await store.mentions_of(db.reader, ids)
    parents = await store.posts_by_ids(db.reader, [p.in_reply_to_id for p in everything if p.in_reply_to_id])
    actor_ids = {p.actor_id for p in everything} | {a for ids_ in mentions.values() for a in ids_}
    actors = await store.actors_by_ids(db.reader, actor_ids)
    accounts = {v.actor.id: v for v in await account_views(db, list(actors.values()))}
    counts = await store.post_counts(db.reader, ids)
    flags = await store.viewer_flags(db.reader, viewer.id, ids) if viewer else {}
    tags = await store.tags_of(db.reader, ids)
    emojis = await emoji_store.emojis_of_posts(db.reader, ids)
    media = await media_store.list_for_posts(db.reader, ids)
    votes = await poll_store.votes_for(db.reader, viewer.id, [p.id for p in everything if p.poll]) if viewer else {}
    app_ids = await store.post_app_ids(db.reader, ids)
    apps = await store.app_names(db.reader, list(set(app_ids.values())))
    quotes = await _quote_views(db, await quote_store.for_posts(db.reader, ids), viewer, nested)
    approvals = await _approvals(db, everything, viewer)
    quote_counts = await quote_store.count_accepted(db.reader, ids)
    reactions = await reaction_store.counts(db.reader, ids, viewer.id if viewer else None)
    saves = await board_store.public_saves(db.reader, ids)
    for_supporters = await supporter_store.supporters_posts_among(db.reader, [p.id for p in everything if p.visibility == "direct"])

    def view(post: Post) -> StatusView:
        replies, reblogs, favourites = counts.get(post.id, (0, 0, 0))
        parent = parents.get(post.in_reply_to_id)
        return StatusView(
            post=post, account=accounts[post.actor_id],
            reblog=view(boosted[post.reblog_of_id]) if post.reblog_of_id in boosted else None,
            mentions=tuple(actors[a] for a in mentions.get(post.id, []) if a in actors),
            tags=tuple(tags.get(post.id, [])), media=tuple(media.get(post.id, [])),
            replies_count=replies, reblogs_count=reblogs, favourites_count=favourites,
            flags=frozenset(flags.get(post.id, set())),
            application=apps.get(app_ids.get(post.id)), in_reply_to_account_id=parent.actor_id if parent else None,
            own_votes=tuple(votes.get(post.id, ())) if post.poll and viewer else None,
            quote=quotes.get(post.id), quote_approval=approvals.get(post.id), quotes_count=quote_counts.get(post.id, 0),
            reactions=tuple(reactions.get(post.id, ())), saves_count=saves.get(post.id, 0),
            emojis=tuple(emojis.get(post.id, ())), for_supporters=post.id in for_supporters,
        )

    return [view(post) for post in posts]


async def _quote_views(db: Database, quotes: dict, viewer: Actor | None, nested: bool) -> dict[int, QuoteView]:
    """Quotes in Mastodon's states: an accepted quote whose post is gone is 'deleted', one the
    viewer may not see 'unauthorized' (and shows nothing of it)."""
    if not quotes:
        return {}
    quoted = await store.posts_by_ids(db.reader, [q.quoted_id for q in quotes.values() if q.state == "accepted" and q.quoted_id])
    visible = [p for p in quoted.values() if await can_see(db.reader, viewer, p)]
    shown = {} if nested else {v.post.id: v for v in await status_views(db, visible, viewer, nested=True)}
    views = {}
    for post_id, quote in quotes.items():
        state = quote.state
        if state == "accepted" and quote.quoted_id not in quoted:
            state = "deleted"
        elif state == "accepted" and quote.quoted_id not in {p.id for p in visible}:
            state = "unauthorized"
        quoted_id = quote.quoted_id if state == "accepted" else None
        views[post_id] = QuoteView(state, quoted_id, shown.get(quoted_id), shallow=nested)
    return views


async def _approvals(db: Database, posts: list[Post], viewer: Actor | None) -> dict[int, dict]:
    policies = await quote_store.policies(db.reader, [p.id for p in posts if p.is_local])
    approvals = {}
    for post in posts:
        stored = policies.get(post.id)
        follows = stored == "followers" and viewer is not None and await timeline_store.follows_accepted(db.reader, viewer.id, post.actor_id)
        approvals[post.id] = quote_policy.approval(post, stored, viewer, follows)
    return approvals


async def status_view(db: Database, post: Post, viewer: Actor | None) -> StatusView:
    return (await status_views(db, [post], viewer))[0]


async def alias_views(db: Database, actor: Actor) -> list[AccountView]:
    """The accounts `actor` lists as aliases, in its order (an alias no longer stored is left out)."""
    found = {a.uri: a for a in await actor_store.find_actors_by_uris(db.reader, actor.also_known_as)}
    return await account_views(db, [found[uri] for uri in actor.also_known_as if uri in found])
