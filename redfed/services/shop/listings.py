"""Product listings (layer 4): create, edit, change status, delete and find them; receive remote ones.

A listing IS a post: the Note that carries it is stored, shown and federated like any post, and
the `listings` row beside it holds title, price, stock and the rest. The post, the listing, the
Create/Update and its delivery rows are written in one transaction, as posts.py does for posts.
Deletion is posts.delete_local_post: the listing row goes with its post (ON DELETE CASCADE).

Received listings arrive as a Note carrying a Proposal (redfed) or as a bare Proposal (Mitra and
other FEP-0837 servers); either way they are stored as ONE post plus its listing row.
"""

import json
import logging
import re
from dataclasses import replace
from urllib.parse import urlsplit

from ...clock import new_id
from ...errors import BadRequest, Gone, NotFound, Unprocessable
from ...federation import listings as ap
from ...federation import audience, delivery, disclosures, imported, serialize
from ...models import Actor, Listing, Media, Post
from ...store import deliveries as delivery_store
from ...store import posts as post_store
from ...store import views as view_store
from ...store import post_origins
from ...store.id_pages import IdRange
from ...store.media import media as media_store
from ...store.shop import listings as store
from ...store.shop.listings import ListingQuery
from ..accounts import accounts
from ..context import Context
from ..languages.detection import language_of
from ..social import posts
from ..visibility import can_see

log = logging.getLogger(__name__)

MAX_DESCRIPTION = 2_000
MAX_PHOTOS = 20
MAX_QUANTITY = 1_000_000
VISIBILITIES = ("public", "unlisted")
# What a seller may set; `changes` passed to create and edit use these keys.
FIELDS = (
    "title", "price_kind", "price_amount", "price_currency", "quantity", "availability", "condition",
    "category", "regions", "checkout_url",
)


# Local listings -------------------------------------------------------------------------------


async def create_listing(
    ctx: Context, seller: Actor, changes: dict, description: str, *, media: list[Media] = (),
    visibility: str = "public", language: str | None = None, app_id: int | None = None, paid_partnership: bool = False,
) -> tuple[Listing, Post]:
    """A new listing and its carrying post. `media` are uploads already claimed for a new post."""
    posts.check_can_post(seller)
    if visibility not in VISIBILITIES:
        raise Unprocessable("a listing is public or unlisted")
    _check_photos(media)
    now, post_id = ctx.now_ms(), new_id(ctx.now_ms())
    blank = Listing(
        post_id=post_id, proposal_uri=ap.proposal_uri(seller.uri, post_id), actor_id=seller.id, title="",
        price_kind="", price_amount=None, price_currency=None, quantity=None, availability="in_stock",
        condition=None, category=None, regions=(), checkout_url=None, status="open", created_at=now, updated_at=now,
    )
    listing = apply_changes(blank, changes, creating=True)
    rendered, mentioned = await posts.render_text(ctx, _check_description(description))
    language = language or await language_of(ctx.config, listing.title, description)
    post = Post(
        id=post_id, uri=ctx.urls.post(seller.uri, post_id), url=ctx.urls.post_page(seller.username, post_id),
        actor_id=seller.id, is_local=True, type="Note", visibility=visibility, content="", source=description,
        summary="", sensitive=False, language=language, in_reply_to_uri=None, in_reply_to_id=None,
        reblog_of_id=None, conversation=None, audience=(),
        attachments=tuple(serialize.media_to_ap(m, ctx.urls) for m in media), poll=None,
        published_at=now, edited_at=None, created_at=now, paid_partnership=paid_partnership,
    )
    post, note = _documents(ctx, seller, post, listing, rendered, mentioned)
    async with ctx.db.transaction() as conn:
        await post_store.insert_post(conn, post)
        await media_store.attach(conn, post.id, [m.id for m in media])
        if app_id is not None:
            await post_store.set_app(conn, post.id, app_id)
        await store.insert_listing(conn, listing)
        await posts.link_and_fan_out(
            ctx, conn, post, seller, rendered, mentioned, None, serialize.create_activity(note), is_public=True
        )
    ctx.wake_delivery()
    return listing, post


async def edit_listing(
    ctx: Context, seller: Actor, listing_id: int, changes: dict, *, description: str | None = None,
    media: list[Media] | None = None, status: str | None = None, paid_partnership: bool | None = None,
) -> tuple[Listing, Post]:
    """Change fields, text, photos (None keeps them), the paid-partnership disclosure (None keeps
    it) or status; federated as an Update of the Note."""
    listing, post = await own_listing(ctx, seller, listing_id)
    if media is not None:
        _check_photos(media)
    if status is not None and status not in ap.STATUSES:
        raise Unprocessable(f"status must be one of {', '.join(ap.STATUSES)}")
    edited = replace(apply_changes(listing, changes), status=status or listing.status, updated_at=ctx.now_ms())
    if description is not None:
        rendered, mentioned = await posts.render_text(ctx, _check_description(description))
    else:
        # Unchanged text: its mentions are the ones stored, so no account is looked up again.
        rendered, mentioned = await posts.render_text(ctx, post.source or "", await posts.mentioned_in(ctx, post))
    # Update ids carry the edit time: two edits in one millisecond must still get two ids.
    edited_at = max(ctx.now_ms(), (post.edited_at or 0) + 1)
    updated = replace(post, source=post.source if description is None else description, edited_at=edited_at,
                      paid_partnership=post.paid_partnership if paid_partnership is None else paid_partnership)
    if media is not None:
        updated = replace(updated, attachments=tuple(serialize.media_to_ap(m, ctx.urls) for m in media))
    updated, note = _documents(ctx, seller, updated, edited, rendered, mentioned)
    async with ctx.db.transaction() as conn:
        await post_store.insert_edit(conn, post, ctx.now_ms())
        await post_store.update_post(conn, updated)
        if media is not None:
            await media_store.detach_all(conn, post.id)
            await media_store.attach(conn, post.id, [m.id for m in media])
            # The web form may change the alt text of photos it keeps; the API passes them as stored.
            await media_store.set_descriptions(conn, post.id, {m.id: m.description for m in media})
        await store.update_listing(conn, edited)
        note = imported.mark(note, await post_origins.origin_of(conn, post.id))
        update = serialize.update_activity(note, updated.edited_at)
        await posts.link_and_fan_out(ctx, conn, updated, seller, rendered, mentioned, None, update, is_public=False)
        create = serialize.create_activity(note)
        await delivery_store.republish_activity(conn, create["id"], json.dumps(create, ensure_ascii=False))
    ctx.wake_delivery()
    return edited, updated


async def publish_stock(ctx: Context, conn, seller: Actor, listing: Listing) -> None:
    """Inside the caller's transaction (an accepted deal): `listing`'s new stock, stored and sent to
    followers as an Update of its Note. A count alone is no edit: the post keeps its text, its
    edit time and its history, so no reader sees an "edited" mark and no booster an edit notice
    (Mastodon records an edit only for significant changes too). Selling out changes the headline,
    and that is an edit like any other."""
    post = await post_store.get_post(conn, listing.post_id)
    rendered, mentioned = await posts.render_text(ctx, post.source or "", await posts.mentioned_in(ctx, post))
    now = ctx.now_ms()
    updated, note = _documents(ctx, seller, post, listing, rendered, mentioned)
    stamp = new_id(now)
    if updated.content != post.content:
        updated, note = _documents(ctx, seller, replace(post, edited_at=max(now, (post.edited_at or 0) + 1)), listing,
                                   rendered, mentioned)
        await post_store.insert_edit(conn, post, now)
        stamp = updated.edited_at
    await post_store.update_post(conn, updated)
    await store.update_listing(conn, listing)
    note = imported.mark(note, await post_origins.origin_of(conn, post.id))
    inboxes = await audience.for_followers(conn, ctx.config, seller, mentioned)
    await delivery.enqueue(conn, serialize.update_activity(note, stamp), seller, inboxes, is_public=False,
                           object_uri=post.uri, now=now)
    create = serialize.create_activity(note)
    await delivery_store.republish_activity(conn, create["id"], json.dumps(create, ensure_ascii=False))


async def is_listing(ctx: Context, post_id: int) -> bool:
    return await store.get_listing(ctx.db.reader, post_id) is not None


async def edit_listing_status(
    ctx: Context, seller: Actor, listing_id: int, text: str, spoiler_text: str, *, media: list[Media] | None = None,
    paid_partnership: bool | None = None,
) -> tuple[Listing, Post]:
    """An edit of a listing's post through the Mastodon API (PUT /api/v1/statuses/:id): the text
    is the description, as /source gave it; the title, price and link lines are kept, since they
    are the listing's, not the text's. A content warning has no place on a listing: refused."""
    if spoiler_text.strip():
        raise Unprocessable("a listing has no content warning; change its title or description instead")
    return await edit_listing(ctx, seller, listing_id, {}, description=text, media=media, paid_partnership=paid_partnership)


async def set_status(ctx: Context, seller: Actor, listing_id: int, status: str) -> tuple[Listing, Post]:
    """Pause, mark sold, close or reopen: an Update with the new status."""
    return await edit_listing(ctx, seller, listing_id, {}, status=status)


async def delete_listing(ctx: Context, seller: Actor, listing_id: int) -> tuple[Listing, Post]:
    listing, post = await own_listing(ctx, seller, listing_id)
    await posts.delete_local_post(ctx, seller, post)
    return listing, post


def apply_changes(listing: Listing, changes: dict, *, creating: bool = False) -> Listing:
    """`listing` with the seller's `changes` checked and applied; Unprocessable names the problem."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise Unprocessable(f"unknown listing field {sorted(unknown)[0]}")
    if creating or any(k in changes for k in ("price_kind", "price_amount", "price_currency")):
        kind = changes.get("price_kind") or (None if "price_amount" in changes or creating else listing.price_kind)
        price = ap.check_price(
            kind, changes.get("price_amount", listing.price_amount), changes.get("price_currency", listing.price_currency)
        )
        listing = replace(listing, price_kind=price[0], price_amount=price[1], price_currency=price[2])
    if creating or "title" in changes:
        listing = replace(listing, title=_title(changes.get("title")))
    if "quantity" in changes:
        listing = replace(listing, quantity=_quantity(changes["quantity"]))
    if "availability" in changes:
        listing = replace(listing, availability=_choice("availability", changes["availability"], ap.AVAILABILITIES))
    if "condition" in changes:
        listing = replace(listing, condition=_choice("condition", changes["condition"], ap.CONDITIONS, optional=True))
    if "category" in changes:
        listing = replace(listing, category=_short("category", changes["category"], 100, lower=True))
    if "regions" in changes:
        listing = replace(listing, regions=_regions(changes["regions"]))
    if "checkout_url" in changes:
        listing = replace(listing, checkout_url=_checkout_url(changes["checkout_url"]))
    return listing


def _title(value) -> str:
    title = str(value or "").strip()
    if not title:
        raise Unprocessable("a listing needs a title")
    if len(title) > ap.MAX_TITLE:
        raise Unprocessable(f"title is longer than {ap.MAX_TITLE} characters")
    return title


def _quantity(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not re.fullmatch(r"\d{1,7}", str(value).strip()) or int(value) > MAX_QUANTITY:
        raise Unprocessable(f"quantity must be a whole number from 0 to {MAX_QUANTITY}")
    return int(value)


def _choice(name: str, value, allowed: tuple[str, ...], optional: bool = False) -> str | None:
    if optional and value in (None, ""):
        return None
    if value not in allowed:
        raise Unprocessable(f"{name} must be one of {', '.join(allowed)}")
    return value


def _short(name: str, value, limit: int, lower: bool = False) -> str | None:
    text = str(value or "").strip()
    if len(text) > limit:
        raise Unprocessable(f"{name} is longer than {limit} characters")
    return (text.lower() if lower else text) or None


def _regions(value) -> tuple[str, ...]:
    items = value if isinstance(value, (list, tuple)) else [value] if value else []
    if len(items) > ap.MAX_REGIONS:
        raise Unprocessable(f"at most {ap.MAX_REGIONS} regions")
    return tuple(dict.fromkeys(r for r in (_short("region", item, 100) for item in items) if r))


def _checkout_url(value) -> str | None:
    url = str(value or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2048 or re.search(r"[\s<>\"]", url):
        raise Unprocessable("checkout_url must be an http or https link")
    return url


def _check_description(text: str) -> str:
    if len(text) > MAX_DESCRIPTION:
        raise Unprocessable(f"description is longer than {MAX_DESCRIPTION} characters")
    return text


def _check_photos(media: list[Media]) -> None:
    if len(media) > MAX_PHOTOS:
        raise Unprocessable(f"a listing has at most {MAX_PHOTOS} photos")
    if any(m.type != "image" for m in media):
        raise Unprocessable("a listing's media must be photos")


def _documents(ctx: Context, seller: Actor, post: Post, listing: Listing, rendered, mentioned) -> tuple[Post, dict]:
    """The post with its content (headline, description, link) and audience, and its Note
    carrying the Proposal."""
    first, last = ap.headline_html(listing, listing.proposal_uri)
    post = replace(post, content=disclosures.with_line(first + rendered.html + last, post.paid_partnership))
    note = serialize.post_to_ap(post, seller, mentioned, list(rendered.hashtags), ctx.urls)
    proposal = ap.listing_to_proposal(listing, seller.uri, note["to"], note["cc"], rendered.html, note["published"])
    return replace(post, audience=tuple(note["to"] + note["cc"])), ap.note_with_proposal(note, proposal)


def carrying_documents(ctx: Context, seller: Actor, post: Post, listing: Listing, rendered, mentioned) -> tuple[Post, dict]:
    """The post with its listing content, and its Note carrying the Proposal (for a listing that
    moved here: services/portability/listing_import.py)."""
    return _documents(ctx, seller, post, listing, rendered, mentioned)


# Finding listings -----------------------------------------------------------------------------


async def own_listing(ctx: Context, seller: Actor, listing_id: int) -> tuple[Listing, Post]:
    """A local listing of `seller`; anyone else's is "not found", never "forbidden"."""
    listing = await store.get_listing(ctx.db.reader, listing_id)
    post = await post_store.get_post(ctx.db.reader, listing_id) if listing else None
    if listing is None or post is None or listing.actor_id != seller.id or not post.is_local:
        raise NotFound("Record not found")
    return listing, post


async def visible_listing(ctx: Context, listing_id: int, viewer: Actor | None) -> tuple[Listing, Post]:
    listing = await store.get_listing(ctx.db.reader, listing_id)
    post = await post_store.get_post(ctx.db.reader, listing_id) if listing else None
    if listing is None or post is None or not await can_see(ctx.db.reader, viewer, post):
        raise NotFound("Record not found")
    return listing, post


async def seller_listings(ctx: Context, seller: Actor, viewer: Actor | None, page: IdRange) -> list[tuple[Listing, Post]]:
    found = await store.list_by_seller(ctx.db.reader, seller.id, viewer.id if viewer else None, page)
    return await _with_posts(ctx, found)


async def search(ctx: Context, query: ListingQuery, viewer: Actor | None, page: IdRange) -> list[tuple[Listing, Post]]:
    """Open and paused listings by text (title, category), hashtag, category and price range."""
    currency = query.currency.strip().upper() if query.currency else None
    if currency and currency not in ap.CURRENCY_MINOR_UNITS:
        raise Unprocessable(f"unknown currency {query.currency[:10]!r}: use an ISO 4217 code such as EUR or USD")
    bounds = [query.min_price, query.max_price]
    if any(b not in (None, "") for b in bounds) and not currency:
        raise Unprocessable("min_price and max_price need a currency")
    low, high = (str(ap.check_amount(str(b))) if b not in (None, "") else None for b in bounds)
    checked = ListingQuery(
        text=(query.text or "").strip()[:200] or None, tag=(query.tag or "").strip().lstrip("#").lower()[:100] or None,
        category=(query.category or "").strip().lower()[:100] or None, currency=currency, min_price=low, max_price=high,
    )
    found = await store.search(ctx.db.reader, checked, viewer.id if viewer else None, page)
    return await _with_posts(ctx, found)


async def _with_posts(ctx: Context, found: list[Listing]) -> list[tuple[Listing, Post]]:
    by_id = await view_store.posts_by_ids(ctx.db.reader, [listing.post_id for listing in found])
    return [(listing, by_id[listing.post_id]) for listing in found if listing.post_id in by_id]


async def proposal_document(ctx: Context, username: str, listing_id: int) -> tuple[dict, Post]:
    """The Proposal served at its own id (public and unlisted listings only; 410 once deleted)."""
    seller = await accounts.find_local_actor(ctx.db, ctx.config, username)
    listing = await store.get_listing(ctx.db.reader, listing_id)
    post = await post_store.get_post(ctx.db.reader, listing_id) if listing else None
    if listing is None or post is None or listing.actor_id != seller.id or not post.is_local:
        if await post_store.find_tombstone(ctx.db.reader, ctx.urls.post(seller.uri, listing_id)) is not None:
            raise Gone("this listing was deleted")
        raise NotFound("no such listing")
    if post.visibility not in VISIBILITIES:
        raise NotFound("no such listing")
    note = await carrying_note(ctx, seller, post, listing)
    return ap.proposal_document(note["proposal"], post.url, list(note.get("attachment", []))), post


async def carrying_note(ctx: Context, seller: Actor, post: Post, listing: Listing) -> dict:
    """A local listing's Note as it stands, carrying its Proposal: what its Create carried, and
    what a fetch of the post's id is served."""
    rendered, mentioned = await posts.render_text(ctx, post.source or "", await posts.mentioned_in(ctx, post))
    return _documents(ctx, seller, post, listing, rendered, mentioned)[1]


# Remote listings ------------------------------------------------------------------------------


def carries_listing(obj) -> bool:
    """Whether an inbound object is a listing: a bare Proposal, or a Note carrying one."""
    return ap.is_proposal(obj) or ap.embedded_proposal(obj) is not None


async def receive_create(ctx: Context, actor: Actor, obj: dict) -> Post | None:
    """One post plus its listing row, whichever shape the listing came in."""
    remote = _read(actor, obj, ctx.now_ms())
    if remote is None:
        return await posts.receive_create(ctx, actor, obj)  # the Note is still worth keeping
    post = await posts.receive_create(ctx, actor, _note_of(actor, obj, remote))
    if post is not None:
        await _keep(ctx, post, remote.listing)
    return post


async def receive_update(ctx: Context, actor: Actor, obj: dict) -> Post | None:
    remote = _read(actor, obj, ctx.now_ms())
    if remote is None:
        return await posts.receive_update(ctx, actor, obj)
    post = await posts.receive_update(ctx, actor, _note_of(actor, obj, remote))
    if post is not None:
        await _keep(ctx, post, remote.listing)
    return post


async def receive_delete(ctx: Context, actor: Actor, uri: str | None) -> bool:
    """A Delete naming a listing's Proposal rather than its Note removes the post (and listing)."""
    listing = await store.find_listing_by_proposal(ctx.db.reader, uri) if uri else None
    post = await post_store.get_post(ctx.db.reader, listing.post_id) if listing else None
    if post is None or post.uri == uri or listing.actor_id != actor.id:
        return False
    return await posts.receive_delete(ctx, actor, post.uri)


def _read(actor: Actor, obj: dict, now_ms: int) -> ap.RemoteListing | None:
    """The listing a received object carries; None (the Note kept as a plain post) if malformed.
    A bare Proposal has no Note to fall back on, so its refusal stands."""
    proposal = obj if ap.is_proposal(obj) else ap.embedded_proposal(obj)
    try:
        return ap.ap_to_listing(proposal, actor.id, actor.uri, now_ms)
    except BadRequest as error:
        if ap.is_proposal(obj):
            raise
        log.info("listing in %s from %s dropped: %s", obj.get("id"), actor.uri, error.message)
        return None


def _note_of(actor: Actor, obj: dict, remote: ap.RemoteListing) -> dict:
    return ap.synthesized_note(obj, remote, actor.uri) if ap.is_proposal(obj) else obj


async def _keep(ctx: Context, post: Post, listing: Listing) -> None:
    """Insert or update the listing row of a received post (idempotent: a replay changes nothing)."""
    async with ctx.db.transaction() as conn:
        existing = await store.get_listing(conn, post.id)
        owner = await store.find_listing_by_proposal(conn, listing.proposal_uri)
        if owner is not None and owner.post_id != post.id:
            log.info("proposal %s already carried by post %s", listing.proposal_uri, owner.post_id)
            return
        if existing is None:
            await store.insert_listing(conn, replace(listing, post_id=post.id, actor_id=post.actor_id))
        elif existing.proposal_uri == listing.proposal_uri:
            await store.update_listing(conn, replace(listing, post_id=post.id, created_at=existing.created_at))
