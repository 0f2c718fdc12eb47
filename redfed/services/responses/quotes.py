"""Quote posts with the quoted author's consent (layer 4), as Mastodon 4.5 and FEP-044f.

A local post quoting one of ours is approved or refused at once by the quoted post's policy.
Quoting a remote post sends a QuoteRequest; the quote stays 'pending' until the quoted author's
server answers with an Accept whose `result` is a QuoteAuthorization, which our Note then names
(sent again as an Update). A quoted author may revoke a quote later: a Delete of the stamp.

Remote quotes are 'accepted' when their stamp checks out: served by the quoted author's origin,
attributed to that author, naming this quote and this quoted post; a stamp from anywhere else is
ignored. Quotes from servers that know no consent (Misskey's `_misskey_quote`, `quoteUrl`) are
shown as quotes, unless they quote one of ours whose policy does not let their author quote.
"""

from dataclasses import dataclass

from ...clock import new_id
from ...db.api import Connection
from ...errors import Forbidden, NotFound, RedfedError, Unprocessable
from ...federation import audience, delivery, serialize
from ...federation import quotes as ap
from ...models import Actor, Post
from ...protocol import as2
from ...protocol.http_urls import http_url
from ...store import actors as actor_store
from ...store import posts as post_store
from ...store.responses import quotes as store
from ...store.id_pages import IdRange
from ...store.responses.quotes import Quote
from ..context import Context
from ..notify import notify
from ..visibility import can_see
from . import quote_policy

QUOTABLE = ("public", "unlisted")
# The quoting posts told of an edit, the newest first: a post quoted by thousands tells no more.
QUOTED_UPDATE_LIMIT = 200


@dataclass(frozen=True)
class QuoteDraft:
    """A local post about to quote `quoted`, and whether consent is already given."""
    quoted: Post
    quoted_author: Actor
    approved: bool


def authorization_uri(quoted_author: Actor, quoting_post_id: int) -> str:
    """Where our stamp for a quote of one of our posts is served (web/response_documents.py)."""
    return f"{quoted_author.uri}/quote_authorizations/{quoting_post_id}"


async def prepare(ctx: Context, author: Actor, quoted: Post) -> QuoteDraft:
    """Check that `author` may quote `quoted` (refused before anything is stored or sent)."""
    if quoted.reblog_of_id is not None or not await can_see(ctx.db.reader, author, quoted):
        raise NotFound("the post you quote does not exist")
    if quoted.visibility not in QUOTABLE and quoted.actor_id != author.id:
        raise Unprocessable("Validation failed: this post cannot be quoted")
    quoted_author = await actor_store.get_actor(ctx.db.reader, quoted.actor_id)
    if not quoted.is_local:
        return QuoteDraft(quoted, quoted_author, approved=False)  # its author's server decides
    if not await quote_policy.may_quote(ctx.db.reader, quoted, author):
        raise Forbidden("the author of this post does not allow you to quote it")
    return QuoteDraft(quoted, quoted_author, approved=True)


def _stamp(draft: QuoteDraft, post: Post) -> str | None:
    """Our stamp for a new local quote of one of our posts, approved at once."""
    return authorization_uri(draft.quoted_author, post.id) if draft.approved else None


def note_with_quote(note: dict, post: Post, author: Actor, draft: QuoteDraft | None, policy: str | None) -> dict:
    """The Note of a local post, with what it quotes and who may quote it."""
    if draft is not None:
        note = ap.with_quote(note, draft.quoted.uri, _stamp(draft, post))
    return ap.with_policy(note, quote_policy.effective(post, policy), author.uri, author.followers_uri)


async def stored_note(conn: Connection, note: dict, post: Post, author: Actor) -> dict:
    """The Note of a stored local post, with its quote (while it stands) and its policy."""
    quote = await store.find(conn, post.id)
    if quote is not None and quote.state in ("pending", "accepted"):
        note = ap.with_quote(note, quote.quoted_uri, quote.authorization_uri)
    policy = quote_policy.effective(post, await store.policy(conn, post.id, post.actor_id))
    return ap.with_policy(note, policy, author.uri, author.followers_uri)


def merged(note: dict, quoting: dict) -> dict:
    """`note` with the quote properties `stored_note` made (of an empty note)."""
    return ap.with_context(dict(note, **{k: v for k, v in quoting.items() if k not in ("@context", "tag")},
                                tag=note.get("tag", []) + quoting.get("tag", [])))


async def record(ctx: Context, conn: Connection, post: Post, author: Actor, note: dict, draft: QuoteDraft | None, policy: str | None) -> None:
    """Inside the post's own transaction: its policy, its quote, and the request for consent."""
    if policy is not None:
        await store.set_policy(conn, post.id, quote_policy.check(policy))
    if draft is None:
        return
    request_uri = None if draft.approved else ctx.urls.activity(new_id())
    state = "accepted" if draft.approved else "pending"
    quote = Quote(post.id, draft.quoted.uri, draft.quoted.id, state, False, _stamp(draft, post), request_uri)
    await store.insert(conn, quote, ctx.now_ms())
    if draft.approved:
        await notify(conn, draft.quoted.actor_id, "quote", author, post.id, ctx.now_ms())
        return
    request = ap.quote_request(request_uri, author.uri, draft.quoted.uri, note)
    inboxes = audience.for_actor(ctx.config, draft.quoted_author)
    await delivery.enqueue(conn, request, author, inboxes, is_public=False, object_uri=post.uri, now=ctx.now_ms())


# A remote post that quotes ----------------------------------------------------------------------


async def receive(ctx: Context, actor: Actor, post: Post, link: ap.QuoteLink, quoted: Post | None) -> bool:
    """A remote post (new or edited) that quotes `link.quoted_uri`, which is `quoted` when we have it."""
    state = await _state_of(ctx, actor, post, link, quoted)
    existing = await store.find(ctx.db.reader, post.id)
    async with ctx.db.transaction() as conn:
        if existing is None:
            quote = Quote(post.id, link.quoted_uri, quoted.id if quoted else None, state, link.legacy, None, None)
            await store.insert(conn, quote, ctx.now_ms())
        elif existing.state == "pending" and state == "accepted":
            await store.set_state(conn, post.id, "accepted", link.authorization_uri, ctx.now_ms())
        else:
            return False
        if state == "accepted" and quoted is not None:
            await notify(conn, quoted.actor_id, "quote", actor, post.id, ctx.now_ms())
    return True


async def _state_of(ctx: Context, actor: Actor, post: Post, link: ap.QuoteLink, quoted: Post | None) -> str:
    if quoted is not None and quoted.actor_id == actor.id:
        return "accepted"  # one's own post needs no one's consent
    if quoted is not None and quoted.is_local:
        if link.legacy:
            return "accepted" if await quote_policy.may_quote(ctx.db.reader, quoted, actor) else "rejected"
        granted = link.authorization_uri and await store.find_by_authorization(ctx.db.reader, link.authorization_uri)
        return "accepted" if granted and granted.post_id == post.id and granted.state == "accepted" else "pending"
    if link.legacy:
        return "accepted"
    if quoted is None or not link.authorization_uri:
        return "pending"
    return "accepted" if await _stamp_confirms(ctx, link.authorization_uri, post, quoted) else "pending"


async def _stamp_confirms(ctx: Context, stamp_uri: str, post: Post, quoted: Post) -> bool:
    """A remote QuoteAuthorization, fetched from the quoted author's own origin, for this quote."""
    quoted_author = await actor_store.get_actor(ctx.db.reader, quoted.actor_id)
    if as2.origin(stamp_uri) != as2.origin(quoted_author.uri):
        return False  # a third server cannot consent for the quoted author
    try:
        stamp = await ctx.resolver.fetch_object(stamp_uri)
    except RedfedError:
        return False
    return ap.confirms(stamp, quoted_author.uri, post.uri, quoted.uri)


# Consent asked of us, and given to us -----------------------------------------------------------


async def receive_request(ctx: Context, actor: Actor, request: dict, quoting: Post | None) -> bool:
    """A QuoteRequest for one of our posts: answered with an Accept carrying our stamp, or a Reject.
    A refused request notifies no one."""
    quoted_uri = as2.get_id(request.get("object"))
    quoted = await post_store.find_post_by_uri(ctx.db.reader, quoted_uri) if isinstance(quoted_uri, str) else None
    if quoted is None or not quoted.is_local:
        return False
    author = await actor_store.get_actor(ctx.db.reader, quoted.actor_id)
    allowed = quoting is not None and quoting.actor_id == actor.id and await quote_policy.may_quote(ctx.db.reader, quoted, actor)
    answer_id = ctx.urls.activity(new_id())
    async with ctx.db.transaction() as conn:
        if allowed:
            stamp = authorization_uri(author, quoting.id)
            await _grant(ctx, conn, quoting, quoted, request, stamp)
            answer = ap.accept(answer_id, author.uri, _bare(request), stamp)
            await notify(conn, quoted.actor_id, "quote", actor, quoting.id, ctx.now_ms())
        else:
            answer = ap.reject(answer_id, author.uri, _bare(request))
        inboxes = audience.for_actor(ctx.config, actor)
        await delivery.enqueue(conn, answer, author, inboxes, is_public=False, object_uri=quoted.uri, now=ctx.now_ms())
    ctx.wake_delivery()
    return True


async def _grant(ctx: Context, conn: Connection, quoting: Post, quoted: Post, request: dict, stamp: str) -> None:
    quote = Quote(quoting.id, quoted.uri, quoted.id, "accepted", False, stamp, request["id"])
    await store.insert(conn, quote, ctx.now_ms())
    await store.set_state(conn, quoting.id, "accepted", stamp, ctx.now_ms())


def _bare(request: dict) -> dict:
    """The request as our answer names it: its id, type, actor and object (not the whole Note)."""
    return {"id": request["id"], "type": "QuoteRequest", "actor": request["actor"], "object": request["object"]}


async def receive_answer(ctx: Context, actor: Actor, kind: str, activity: dict) -> bool | None:
    """Accept or Reject of a QuoteRequest we sent; None when the activity answers something else."""
    quote = await store.find_by_request(ctx.db.reader, str(as2.get_id(activity.get("object"))))
    if quote is None:
        return None
    quoted = await post_store.find_post_by_uri(ctx.db.reader, quote.quoted_uri)
    if quoted is None or quoted.actor_id != actor.id or quote.state != "pending":
        return False
    stamp = http_url(as2.get_id(activity.get("result")))
    if kind == "Accept" and not (stamp and as2.origin(stamp) == as2.origin(actor.uri)):
        return False  # only the quoted author's own server can stamp a quote of their post
    async with ctx.db.transaction() as conn:
        await store.set_state(conn, quote.post_id, "accepted" if kind == "Accept" else "rejected", stamp, ctx.now_ms())
        if kind == "Accept":
            await _announce_stamp(ctx, conn, await post_store.get_post(conn, quote.post_id), actor)
    ctx.wake_delivery()
    return True


async def _announce_stamp(ctx: Context, conn: Connection, post: Post, quoted_author: Actor) -> None:
    """Our quoting Note again, now naming its stamp, to everyone who has it (Mastodon sends the
    same Update)."""
    author = await actor_store.get_actor(conn, post.actor_id)
    mentioned = [a for a in [await actor_store.get_actor(conn, i) for i in await post_store.list_mentioned_actor_ids(conn, post.id)] if a]
    note = serialize.post_to_ap(post, author, mentioned, await post_store.list_tags(conn, post.id), ctx.urls)
    note = await stored_note(conn, note, post, author)
    inboxes = await audience.for_followers(conn, ctx.config, author, [*mentioned, quoted_author])
    activity = serialize.update_activity(note, ctx.now_ms())
    await delivery.enqueue(conn, activity, author, inboxes, is_public=False, object_uri=post.uri, now=ctx.now_ms())


# Revoking ---------------------------------------------------------------------------------------


async def revoke(ctx: Context, author: Actor, quoted: Post, quoting: Post) -> None:
    """The quoted author takes consent back; the quoting author's server is told (a Delete of the
    stamp), and the quote shows no more."""
    quote = await store.find(ctx.db.reader, quoting.id)
    if quoted.actor_id != author.id or quote is None or quote.quoted_id != quoted.id:
        raise NotFound("no such quote")
    if quote.state != "accepted":
        return
    quoting_author = await actor_store.get_actor(ctx.db.reader, quoting.actor_id)
    async with ctx.db.transaction() as conn:
        await store.set_state(conn, quoting.id, "revoked", None, ctx.now_ms())
        if quote.authorization_uri and not quoting.is_local:
            activity = ap.revoke(ctx.urls.activity(new_id()), author.uri, quote.authorization_uri, [quoting_author.uri])
            inboxes = audience.for_actor(ctx.config, quoting_author)
            await delivery.enqueue(conn, activity, author, inboxes, is_public=False, object_uri=quoting.uri, now=ctx.now_ms())
    ctx.wake_delivery()


async def receive_revoke(ctx: Context, actor: Actor, stamp_uri: str | None) -> bool:
    """A Delete of a QuoteAuthorization, by the author who gave it."""
    quote = await store.find_by_authorization(ctx.db.reader, stamp_uri) if stamp_uri else None
    if quote is None:
        return False
    quoted = await post_store.find_post_by_uri(ctx.db.reader, quote.quoted_uri)
    if quoted is None or quoted.actor_id != actor.id:
        return False
    async with ctx.db.transaction() as conn:
        await store.set_state(conn, quote.post_id, "revoked", None, ctx.now_ms())
    return True


async def set_policy(ctx: Context, author: Actor, post: Post, policy: str) -> None:
    if post.actor_id != author.id or not post.is_local:
        raise NotFound("no such post")
    async with ctx.db.transaction() as conn:
        await store.set_policy(conn, post.id, quote_policy.check(policy))


async def quotes_of(ctx: Context, author: Actor, post: Post, page: IdRange) -> list[Post]:
    """The accepted quotes of one's own post, one page (Mastodon lists them to the author only)."""
    if post.actor_id != author.id:
        raise NotFound("Record not found")
    found = await store.quoting_posts(ctx.db.reader, post.id, page)
    return [p for p in found if await can_see(ctx.db.reader, author, p)]


async def quoting_post(ctx: Context, post_id: int) -> Post:
    post = await post_store.get_post(ctx.db.reader, post_id)
    if post is None:
        raise NotFound("Record not found")
    return post


async def authorization_document(ctx: Context, author: Actor, quoting_post_id: int) -> dict:
    """Our QuoteAuthorization for a quote of one of `author`'s posts, while it stands."""
    quote = await store.find(ctx.db.reader, quoting_post_id)
    stamp = authorization_uri(author, quoting_post_id)
    if quote is None or quote.state != "accepted" or quote.authorization_uri != stamp:
        raise NotFound("no such quote authorization")
    quoting = await post_store.get_post(ctx.db.reader, quoting_post_id)
    return ap.authorization(stamp, author.uri, quoting.uri, quote.quoted_uri)


async def quoted_post_edited(ctx: Context, post: Post) -> None:
    """Tell local people whose posts quote `post` that it changed (Mastodon's quoted_update)."""
    quoting = await store.quoting_posts(ctx.db.reader, post.id, IdRange(limit=QUOTED_UPDATE_LIMIT))
    local = [p for p in quoting if p.is_local]
    if not local:
        return
    editor = await actor_store.get_actor(ctx.db.reader, post.actor_id)
    async with ctx.db.transaction() as conn:
        for quoting_post in local:
            await notify(conn, quoting_post.actor_id, "quoted_update", editor, quoting_post.id, ctx.now_ms())


async def default_policy(ctx: Context, author: Actor) -> str | None:
    return await store.default_policy(ctx.db.reader, author.id)


async def set_default_policy(ctx: Context, author: Actor, policy: str) -> None:
    async with ctx.db.transaction() as conn:
        await store.set_default_policy(conn, author.id, quote_policy.check(policy))
