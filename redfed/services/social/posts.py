"""Posts: local create, edit and delete with their federation, and remote posts received or fetched
(layer 4).

A local post, its mentions and tags, its Create activity and one delivery row per target inbox are
written in one transaction. Network work (resolving mentions, fetching a reply's parent) happens
before the transaction opens: SQLite has one writer, and it must not wait on the network.
"""

import asyncio
import json
import logging
from dataclasses import replace

from ... import content
from ...clock import new_id
from ...errors import FetchError, Forbidden, NotFound, RedfedError, Unprocessable
from ...federation import audience, delivery, disclosures, imported, serialize
from ...federation.ingest_posts import RemotePost, ap_to_remote_post, attributed_to
from ...models import VISIBILITIES, Actor, Media, Post
from ...protocol import as2
from ...store import actors as actor_store
from ...store import deliveries as delivery_store
from ...store import locks
from ...store import posts as post_store
from ...store import views as view_store
from ...store import post_origins
from ...store.discovery import tag_days
from ...store.media import media as media_store
from ...store.social import bookmarks as bookmark_store
from ..context import Context
from ..emoji import emojis as emoji_service
from ..groups import sharing as group_sharing
from ..languages.detection import language_of
from ..notify import notify
from ..responses import quotes
from ..supporters import posts as supporter_posts
from ..visibility import can_see
from . import post_copies

log = logging.getLogger(__name__)

MAX_CHARACTERS = 500
MAX_RAW_CHARACTERS = 2_000
# How many posts up a reply chain one inbound activity may make us fetch (checklist 29).
FETCH_DEPTH = 3
IDEMPOTENCY_KEY_MS = 3_600_000


async def create_local_post(
    ctx: Context, author: Actor, text: str, *, visibility: str = "public", summary: str = "",
    sensitive: bool = False, in_reply_to: Post | None = None, language: str | None = None,
    media: list[Media] = (), app_id: int | None = None, poll: dict | None = None, paid_partnership: bool = False,
    idempotency_key: str | None = None, quote: quotes.QuoteDraft | None = None, quote_policy: str | None = None,
    for_supporters: bool = False,
) -> Post:
    """A new local post. `media` are uploads already checked to be the author's, ready and unused.
    A paid partnership is disclosed by a first line of the content and a marker on the Note.
    One `for_supporters` is stored as direct and addressed to the supporters (supporters/posts.py).

    An `idempotency_key` is checked and stored in the post's own transaction, so a retry, however
    the first request ended and however close behind it came, gets the first post back."""
    check_can_post(author)
    visibility = "direct" if for_supporters else visibility
    check_text(text, visibility, summary, has_media=bool(media) or bool(poll))
    if in_reply_to is not None and not await can_see(ctx.db.reader, author, in_reply_to):
        raise NotFound("the post you reply to does not exist")
    rendered, mentioned = await render_text(ctx, text)
    language = language or await language_of(ctx.config, summary, text)
    post_id = new_id(ctx.now_ms())
    post = Post(
        id=post_id, uri=ctx.urls.post(author.uri, post_id), url=ctx.urls.post_page(author.username, post_id),
        actor_id=author.id, is_local=True, type="Question" if poll else "Note", visibility=visibility,
        content=disclosures.with_line(rendered.html, paid_partnership), source=text,
        summary=summary.strip(), sensitive=sensitive or bool(summary.strip()), language=language,
        in_reply_to_uri=in_reply_to.uri if in_reply_to else None, in_reply_to_id=in_reply_to.id if in_reply_to else None,
        reblog_of_id=None, conversation=None, audience=(),
        attachments=tuple(serialize.media_to_ap(m, ctx.urls) for m in media), poll=poll,
        published_at=ctx.now_ms(), edited_at=None, created_at=ctx.now_ms(), paid_partnership=paid_partnership,
    )
    emojis = await emoji_service.named_in(ctx.db, text, summary)
    note = serialize.post_to_ap(post, author, mentioned, list(rendered.hashtags), ctx.urls)
    note = quotes.note_with_quote(note, post, author, quote, quote_policy)
    note = emoji_service.with_tags(note, emojis)
    if for_supporters:
        note = await supporter_posts.to_supporters(ctx, ctx.db.reader, author, note)
    post = replace(post, audience=tuple(note["to"] + note["cc"]))
    parent_author = await _author_of(ctx, in_reply_to)
    async with ctx.db.transaction() as conn:
        if idempotency_key:
            await locks.serialise_on(conn, "idempotency", author.id, idempotency_key[:256])
            if earlier := await earlier_post(ctx, conn, author, idempotency_key):
                return earlier
        await post_store.insert_post(conn, post)
        if idempotency_key:
            await bookmark_store.remember_idempotent(conn, author.id, idempotency_key[:256], post.id, ctx.now_ms())
        await media_store.attach(conn, post.id, [m.id for m in media])
        await emoji_service.set_for_local_post(conn, post.id, emojis)
        if app_id is not None:
            await post_store.set_app(conn, post.id, app_id)
        await quotes.record(ctx, conn, post, author, note, quote, quote_policy)
        if for_supporters:
            await supporter_posts.mark(conn, post)
        created = serialize.create_activity(note)
        await link_and_fan_out(
            ctx, conn, post, author, rendered, mentioned, parent_author, created,
            is_public=visibility in ("public", "unlisted"),
        )
        await group_sharing.share_in(ctx, conn, post, author, created)
    ctx.wake_delivery()
    return post


async def earlier_post(ctx: Context, conn, author: Actor, idempotency_key: str) -> Post | None:
    """The post an earlier request with this Idempotency-Key made (Mastodon keeps them an hour)."""
    since = ctx.now_ms() - IDEMPOTENCY_KEY_MS
    post_id = await bookmark_store.find_idempotent(conn, author.id, idempotency_key[:256], since)
    return await post_store.get_post(conn, post_id) if post_id else None


def check_can_post(author: Actor) -> None:
    """An account that has moved away posts from its new home only (Mastodon disables the login
    of a moved account for everything but reading and moving again)."""
    if author.moved_to_uri is not None:
        raise Forbidden(f"this account has moved to {author.moved_to_uri} and can no longer post")


async def edit_local_post(
    ctx: Context, author: Actor, post: Post, text: str, *, summary: str = "", sensitive: bool = False,
    media: list[Media] | None = None, paid_partnership: bool | None = None,
) -> Post:
    """An edit; `media`, when given, replaces the post's attachments (None keeps them), as
    `paid_partnership` does the disclosure."""
    if post.actor_id != author.id or not post.is_local:
        raise Forbidden("you can only edit your own posts")
    check_text(text, post.visibility, summary, has_media=bool(media if media is not None else post.attachments))
    rendered, mentioned = await render_text(ctx, text)
    paid = post.paid_partnership if paid_partnership is None else paid_partnership
    edited = replace(
        post, content=disclosures.with_line(rendered.html, paid), source=text, summary=summary.strip(),
        sensitive=sensitive or bool(summary.strip()), edited_at=ctx.now_ms(), paid_partnership=paid,
    )
    if media is not None:
        edited = replace(edited, attachments=tuple(serialize.media_to_ap(m, ctx.urls) for m in media))
    # An imported post keeps naming where it came from after an edit (FEP-0c7f).
    origin = await post_origins.origin_of(ctx.db.reader, post.id)
    emojis = await emoji_service.named_in(ctx.db, text, summary)
    note = imported.mark(serialize.post_to_ap(edited, author, mentioned, list(rendered.hashtags), ctx.urls), origin)
    note = await quotes.stored_note(ctx.db.reader, note, edited, author)
    note = emoji_service.with_tags(note, emojis)
    note |= await supporter_posts.addressing(ctx, ctx.db.reader, post, author, note["to"] + note["cc"]) or {}
    edited = replace(edited, audience=tuple(note["to"] + note["cc"]))
    parent_author = await _author_of(ctx, await _parent(ctx, post))
    async with ctx.db.transaction() as conn:
        await post_store.insert_edit(conn, post, ctx.now_ms())
        await post_store.update_post(conn, edited)
        await emoji_service.set_for_local_post(conn, post.id, emojis)
        if media is not None:
            await media_store.detach_all(conn, post.id)
            await media_store.attach(conn, post.id, [m.id for m in media])
        await link_and_fan_out(
            ctx, conn, edited, author, rendered, mentioned, parent_author,
            serialize.update_activity(note, edited.edited_at), is_public=False,
        )
        create = serialize.create_activity(note)
        await delivery_store.republish_activity(conn, create["id"], json.dumps(create, ensure_ascii=False))
    ctx.wake_delivery()
    return edited


async def delete_local_post(ctx: Context, author: Actor, post: Post) -> None:
    if post.actor_id != author.id or not post.is_local:
        raise Forbidden("you can only delete your own posts")
    mentioned = await mentioned_in(ctx, post)
    note = serialize.post_to_ap(post, author, mentioned, [], ctx.urls)
    parent_author = await _author_of(ctx, await _parent(ctx, post))
    deleted = serialize.delete_activity(note)
    async with ctx.db.transaction() as conn:
        inboxes = await _inboxes(ctx, conn, author, post, mentioned, parent_author)
        await delivery_store.unpublish_object(conn, post.uri)
        await group_sharing.share_delete(ctx, conn, post, deleted)
        await post_store.delete_post(conn, post.id)
        await post_store.insert_tombstone(conn, post.uri, author.uri, ctx.now_ms())
        await delivery.enqueue(conn, deleted, author, inboxes, is_public=False, object_uri=post.uri, now=ctx.now_ms())
    ctx.wake_delivery()


def check_text(text: str, visibility: str, summary: str, has_media: bool = False) -> None:
    if visibility not in VISIBILITIES:
        raise Unprocessable(f"visibility must be one of {', '.join(VISIBILITIES)}")
    if not text.strip() and not has_media:
        raise Unprocessable("a post needs some text or media")
    # Bounded before any regex sees it: bleach's URL pattern slows down sharply on long crafted
    # input, and links count 23 characters each, so a valid post is never much longer than this.
    if len(text) > MAX_RAW_CHARACTERS or len(summary) > MAX_CHARACTERS:
        raise Unprocessable(f"text is longer than {MAX_CHARACTERS} characters")
    if content.content_text_length(text) + len(summary) > MAX_CHARACTERS:
        raise Unprocessable(f"text is longer than {MAX_CHARACTERS} characters")


async def render_text(ctx: Context, text: str, known: list[Actor] | None = None) -> tuple[content.RenderedPost, list[Actor]]:
    """What a local author typed, as HTML, and the accounts it mentions. Mentions are resolved
    (WebFinger for remote ones) unless `known` gives the accounts already: call before any
    transaction opens."""
    handles = content.find_mentions(text, ctx.config.domain)
    if known is None:
        found = await asyncio.gather(*(_mention_target(ctx, handle) for handle in handles))
    else:
        by_handle = {actor.handle.lower(): actor for actor in known}
        found = [by_handle.get(handle.lower()) for handle in handles]
    actors = {handle: actor for handle, actor in zip(handles, found) if actor is not None}
    targets = {
        handle: content.MentionTarget(handle, actor.uri, actor.url or actor.uri, actor.username)
        for handle, actor in actors.items()
    }
    rendered = content.render_local_post(text, targets, ctx.urls.tag, local_domain=ctx.config.domain)
    by_uri = {actor.uri: actor for actor in actors.values()}
    return rendered, [by_uri[m.actor_uri] for m in rendered.mentions]


async def _mention_target(ctx: Context, handle: str) -> Actor | None:
    username, _, domain = handle.rpartition("@")
    if domain == ctx.config.domain:
        return await actor_store.find_actor_by_handle(ctx.db.reader, username, domain)
    try:
        return await ctx.resolver.webfinger(handle)
    except RedfedError as error:
        # An unknown or unreachable account stays plain text, as on Mastodon.
        log.info("mention %s not resolved: %s", handle, error.message)
        return None


async def link_and_fan_out(
    ctx: Context, conn, post: Post, author: Actor, rendered: content.RenderedPost, mentioned: list[Actor],
    parent_author: Actor | None, activity: dict, *, is_public: bool,
) -> None:
    """Inside the post's transaction: its mentions and tags, and the activity's deliveries."""
    await post_store.replace_mentions(conn, post.id, [a.id for a in mentioned])
    await post_store.replace_tags(conn, post.id, rendered.hashtags)
    if post.edited_at is None:
        await count_tags(ctx, conn, post, author, list(rendered.hashtags))
    for actor in mentioned:
        await notify(conn, actor.id, "mention", author, post.id, ctx.now_ms())
    inboxes = await _inboxes(ctx, conn, author, post, mentioned, parent_author)
    await delivery.enqueue(conn, activity, author, inboxes, is_public=is_public, object_uri=post.uri, now=ctx.now_ms())


async def count_tags(ctx: Context, conn, post: Post, author: Actor, names: list[str]) -> None:
    """A new post's hashtags in their daily history (public and unlisted posts, as Mastodon counts
    them) and in trends (public posts of discoverable accounts). The day is the day it arrived here:
    a remote `published` is the remote's to choose."""
    if post.visibility not in ("public", "unlisted") or post.reblog_of_id is not None:
        return
    trending = post.visibility == "public" and author.discoverable and author.silenced_at is None
    await tag_days.count_post(conn, names, author.id, tag_days.day_of(ctx.now_ms()), trending=trending)


async def _inboxes(ctx: Context, conn, author: Actor, post: Post, mentioned: list[Actor], parent_author: Actor | None) -> list[str]:
    if post.visibility == "direct":
        supporters = await supporter_posts.recipients(ctx, conn, post, author)
        return await audience.for_mentions(conn, ctx.config, author, mentioned + supporters)
    also = mentioned + ([parent_author] if parent_author else [])
    return await audience.for_followers(conn, ctx.config, author, also)


async def _author_of(ctx: Context, post: Post | None) -> Actor | None:
    return await actor_store.get_actor(ctx.db.reader, post.actor_id) if post else None


async def _parent(ctx: Context, post: Post) -> Post | None:
    return await post_store.get_post(ctx.db.reader, post.in_reply_to_id) if post.in_reply_to_id else None


async def mentioned_in(ctx: Context, post: Post) -> list[Actor]:
    """The accounts a stored post mentions."""
    ids = await post_store.list_mentioned_actor_ids(ctx.db.reader, post.id)
    return list((await view_store.actors_by_ids(ctx.db.reader, ids)).values())


# Remote posts ----------------------------------------------------------------------------------


async def receive_create(ctx: Context, actor: Actor, note: dict) -> Post | None:
    """A remote Create: `note` is the embedded object, already checked to share the actor's origin."""
    return await store_remote_post(ctx, note, actor, FETCH_DEPTH)


async def receive_update(ctx: Context, actor: Actor, note: dict) -> Post | None:
    """An edit; only the post's own author may make it (checklist 11)."""
    existing = await post_store.find_post_by_uri(ctx.db.reader, str(note.get("id")))
    if existing is None or existing.actor_id != actor.id:
        return None
    remote = ap_to_remote_post(note, actor, ctx.now_ms())
    edited = replace(
        existing, content=remote.post.content, summary=remote.post.summary, sensitive=remote.post.sensitive,
        language=remote.post.language, attachments=remote.post.attachments, poll=remote.post.poll,
        audience=remote.post.audience, edited_at=remote.post.edited_at or ctx.now_ms(),
        paid_partnership=remote.post.paid_partnership,
    )
    # As Mastodon (ProcessStatusUpdateService#significant_changes?): an Update that changes none of
    # what a reader sees (a listing's stock count, a poll's tallies) is no edit and keeps no revision.
    significant = _shown(edited) != _shown(existing)
    if not significant:
        edited = replace(edited, edited_at=existing.edited_at)
    mention_ids = await _known_local_mentions(ctx, remote)
    async with ctx.db.transaction() as conn:
        if significant:
            await post_store.insert_edit(conn, existing, ctx.now_ms())
        await post_store.update_post(conn, edited)
        await post_store.replace_mentions(conn, edited.id, mention_ids)
        await post_store.replace_tags(conn, edited.id, remote.hashtags)
        await emoji_service.set_for_remote_post(conn, edited.id, actor, note, ctx.now_ms())
    return edited


def _shown(post: Post) -> tuple:
    """What an edit must change to count as one: text, warning, media, poll options (not tallies)."""
    options = tuple(o.get("title") for o in post.poll.get("options", [])) if post.poll else None
    media = json.dumps(list(post.attachments), sort_keys=True)
    return post.content, post.summary, post.sensitive, media, options, post.paid_partnership


async def receive_delete(ctx: Context, actor: Actor, object_uri: str) -> bool:
    """Delete of a post (only by its author), remembered as a tombstone so a late copy stays out."""
    async with ctx.db.transaction() as conn:
        post = await post_store.find_post_by_uri(conn, object_uri)
        if post is not None and post.actor_id != actor.id:
            return False
        if post is not None:
            await post_store.delete_post(conn, post.id)
        if as2.origin(object_uri) == as2.origin(actor.uri):
            await post_store.insert_tombstone(conn, object_uri, actor.uri, ctx.now_ms())
    return post is not None


async def fetch_post(ctx: Context, uri: str, depth: int = FETCH_DEPTH) -> Post | None:
    """A post by URI: ours or already stored, else fetched from its origin (None if unavailable)."""
    if not isinstance(uri, str):
        return None
    known = await post_store.find_post_by_uri(ctx.db.reader, uri)
    if known is not None or ctx.urls.is_local(uri) or depth <= 0:
        return known
    if await post_store.find_tombstone(ctx.db.reader, uri) is not None:
        return None
    try:
        doc = await ctx.resolver.fetch_object(uri)
        author = await ctx.resolver.actor(str(attributed_to(doc)))
        return await store_remote_post(ctx, doc, author, depth - 1)
    except RedfedError as error:
        log.info("could not fetch post %s: %s", uri, error.message)
        return None


async def store_remote_post(ctx: Context, doc: dict, author: Actor, depth: int) -> Post | None:
    """Validate and store a remote post (idempotent by uri); fetch its parent within `depth`."""
    if await post_store.find_tombstone(ctx.db.reader, str(doc.get("id"))) is not None:
        return None
    remote = ap_to_remote_post(doc, author, ctx.now_ms())
    existing = await post_store.find_post_by_uri(ctx.db.reader, remote.post.uri)
    if existing is not None:
        return existing
    parent = await fetch_post(ctx, remote.post.in_reply_to_uri, depth) if remote.post.in_reply_to_uri else None
    post = replace(remote.post, in_reply_to_id=parent.id if parent else None)
    if post.language is None:
        post = replace(post, language=await language_of(ctx.config, post.summary, content.html_to_text(post.content)))
    mention_ids = await _known_local_mentions(ctx, remote)
    async with ctx.db.transaction() as conn:
        if await post_store.find_post_by_uri(conn, post.uri) is not None:
            return await post_store.find_post_by_uri(conn, post.uri)
        post = await _insert_with_free_id(conn, post)
        await post_store.link_replies(conn, post)
        await post_store.replace_mentions(conn, post.id, mention_ids)
        for recipient_id in mention_ids:
            await notify(conn, recipient_id, "mention", author, post.id, ctx.now_ms())
        await post_store.replace_tags(conn, post.id, remote.hashtags)
        await count_tags(ctx, conn, post, author, list(remote.hashtags))
        await emoji_service.set_for_remote_post(conn, post.id, author, doc, ctx.now_ms())
        await post_copies.note_copy(ctx, conn, post, doc, author)  # a moved post's new copy
    return post


async def _insert_with_free_id(conn, post: Post) -> Post:
    """Remote ids come from the remote's `published`, which it controls: many posts may claim the
    same millisecond, so a taken id is drawn again rather than failing the whole activity."""
    for _ in range(8):
        if not await post_store.id_taken(conn, post.id):
            break
        post = replace(post, id=new_id(post.published_at))
    return await post_store.insert_post(conn, post)


# How many of a limited post's addressees are looked up as our own accounts.
MAX_ADDRESSED = 200


async def _known_local_mentions(ctx: Context, remote: RemotePost) -> list[int]:
    """Mentions of our own accounts; remote ones are not fetched (no amplification). A limited
    post (direct) also reaches the local accounts it is addressed to without a Mention tag, as
    Mastodon's silent mentions: another server's supporters-only post names its supporters so."""
    uris = list(remote.mention_uris)
    if remote.post.visibility == "direct":
        uris += [uri for uri in remote.post.audience[:MAX_ADDRESSED] if uri not in uris]
    ids = []
    for uri in uris:
        if ctx.urls.is_local(uri):
            actor = await actor_store.find_actor_by_uri(ctx.db.reader, uri)
            if actor:
                ids.append(actor.id)
    return ids


async def backfill_outbox(ctx: Context, actor: Actor) -> int:
    """Fetch an account's recent public posts from its outbox, so its profile is not empty after a
    follow. Best effort: errors are logged, and at most `federation.outbox_backfill` posts."""
    wanted = ctx.config.federation.outbox_backfill
    if wanted == 0 or actor.is_local or not actor.outbox_uri:
        return 0
    try:
        items = await ctx.resolver.collection_items(actor.outbox_uri, wanted)
    except (RedfedError, FetchError) as error:
        log.info("outbox of %s not fetched: %s", actor.uri, error.message)
        return 0
    stored = 0
    for item in items:
        note = item.get("object") if isinstance(item, dict) and item.get("type") == "Create" else None
        if isinstance(note, dict) and attributed_to(note) == actor.uri:
            try:
                stored += await store_remote_post(ctx, note, actor, 0) is not None
            except RedfedError as error:
                log.info("outbox item of %s skipped: %s", actor.uri, error.message)
    return stored
