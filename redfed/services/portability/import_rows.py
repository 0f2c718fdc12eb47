"""Applying the rows of a CSV import (layer 4): one function per type, as Mastodon's
Import::RowWorker, each row on its own so that one bad row fails alone, with the reason.

Follows go through services.social.follows, so they federate like any follow; unknown remote accounts are
resolved through WebFinger. In overwrite mode, what the account has that the file does not list
is removed first (Mastodon's BulkImportService).
"""

import logging
import re
from dataclasses import dataclass

from ...errors import BadRequest, FetchError, Forbidden, NotFound, RedfedError
from ...models import Actor, Post
from ...store import actors as actor_store
from ...store import posts as post_store
from ...store.discovery import search as search_store
from ...store.portability import imports as store
from ...store.social import lists as list_store
from ..context import Context
from ..social import account_domain_blocks, follows, interactions, lists, posts, relationships, statuses
from ..visibility import can_see

log = logging.getLogger(__name__)

UNKNOWN_ACCOUNT = "unknown account"
UNKNOWN_POST = "unknown post"
UNREACHABLE = "unreachable"
BAD_ROW = "bad row"
REFUSED = "refused"
_TAG = re.compile(r"(?=\w*[^\W\d_])\w{1,100}")


class RowFailed(Exception):
    def __init__(self, error: str, detail: str = ""):
        super().__init__(error)
        self.error, self.detail = error, detail


@dataclass(frozen=True)
class Importer:
    ctx: Context
    actor: Actor

    async def account(self, acct: str | None) -> Actor:
        """An account by address: known ones as they are, others through WebFinger."""
        text = (acct or "").strip().removeprefix("@")
        username, _, domain = text.partition("@")
        if not username or "@" in domain or len(text) > 300:
            raise RowFailed(BAD_ROW, "not an account address")
        domain = (domain or self.ctx.config.domain).lower()
        known = await actor_store.find_actor_by_handle(self.ctx.db.reader, username, domain)
        if known is None and domain != self.ctx.config.domain:
            known = await self._webfinger(f"{username}@{domain}")
        if known is None or known.suspended_at is not None or known.type == "Application":
            raise RowFailed(UNKNOWN_ACCOUNT, f"no account {username}@{domain}")
        return known

    async def _webfinger(self, handle: str) -> Actor:
        try:
            return await self.ctx.resolver.webfinger(handle)
        except NotFound as error:
            raise RowFailed(UNKNOWN_ACCOUNT, error.message) from None
        except BadRequest as error:
            raise RowFailed(BAD_ROW, error.message) from None
        except (FetchError, Forbidden) as error:
            raise RowFailed(UNREACHABLE, error.message) from None

    async def post(self, uri: str | None) -> Post:
        """A post by URI or URL: known ones, else fetched from its server; only if the account may see it."""
        text = (uri or "").strip()
        if not text.startswith(("https://", "http://")) or len(text) > 2000:
            raise RowFailed(BAD_ROW, "not a post address")
        reader = self.ctx.db.reader
        found = await post_store.find_post_by_uri(reader, text) or await search_store.find_post_by_url(reader, text)
        if found is None and not self.ctx.urls.is_local(text):
            found = await posts.fetch_post(self.ctx, text)
        if found is None or not await can_see(reader, self.actor, found):
            raise RowFailed(UNKNOWN_POST, f"no post {text} could be found")
        return found

    # One row of each type --------------------------------------------------------------------

    async def following(self, row: dict) -> None:
        target = await self.account(row.get("acct"))
        await relationships.follow_with_options(self.ctx, self.actor, target, row.get("show_reblogs"), row.get("notify"))

    async def blocks(self, row: dict) -> None:
        await interactions.block(self.ctx, self.actor, await self.account(row.get("acct")))

    async def mutes(self, row: dict) -> None:
        target = await self.account(row.get("acct"))
        hide = row.get("hide_notifications")
        await relationships.mute(self.ctx, self.actor, target, True if hide is None else hide, 0)

    async def domain_blocks(self, row: dict) -> None:
        try:
            await account_domain_blocks.block_domain(self.ctx, self.actor, row.get("domain"))
        except RedfedError as error:
            raise RowFailed(BAD_ROW, error.message) from None

    async def bookmarks(self, row: dict) -> None:
        await statuses.bookmark(self.ctx, self.actor, await self.post(row.get("uri")), True)

    async def lists(self, row: dict) -> None:
        title = (row.get("list_name") or "").strip()
        if not title:
            raise RowFailed(BAD_ROW, "no list name")
        target = await self.account(row.get("acct"))
        found = await self._list_named(title)
        # As Mastodon: a list holds followed accounts, so the account is followed first.
        if target.id != self.actor.id:
            await follows.follow(self.ctx, self.actor, target)
        async with self.ctx.db.transaction() as conn:
            await list_store.add_members(conn, found.id, [target.id])

    async def _list_named(self, title: str):
        for found in await list_store.lists_of(self.ctx.db.reader, self.actor.id):
            if found.title == title:
                return found
        return await lists.create_list(self.ctx.db, self.actor, title, None, None, self.ctx.now_ms())

    async def followed_hashtags(self, row: dict) -> None:
        name = (row.get("tag") or "").strip().lstrip("#＃").lower()
        if not _TAG.fullmatch(name):
            raise RowFailed(BAD_ROW, "not a hashtag")
        async with self.ctx.db.transaction() as conn:
            await store.follow_tag(conn, self.actor.id, name, self.ctx.now_ms())

    async def apply(self, kind: str, row: dict) -> None:
        await getattr(self, kind)(row)

    # Overwrite ---------------------------------------------------------------------------------

    def _handle(self, acct: str | None) -> str:
        text = (acct or "").strip().removeprefix("@").lower()
        return text if "@" in text else f"{text}@{self.ctx.config.domain}"

    async def prune(self, kind: str, rows: list[dict]) -> None:
        """Remove what the account has of `kind` that the file does not list."""
        ctx, me, reader = self.ctx, self.actor, self.ctx.db.reader
        if kind in ("following", "blocks", "mutes"):
            listed = {self._handle(row.get("acct")) for row in rows}
            undo = {"following": follows.unfollow, "blocks": interactions.unblock, "mutes": relationships.unmute}[kind]
            for target_id, handle in await store.related_accounts(reader, kind, me.id):
                target = await actor_store.get_actor(reader, target_id)
                if handle.lower() not in listed and target is not None:
                    await undo(ctx, me, target)
        elif kind == "domain_blocks":
            listed = set()
            for row in rows:
                try:
                    listed.add(account_domain_blocks.normalise(row.get("domain")))
                except RedfedError:
                    pass
            for domain in await account_domain_blocks.all_blocked(ctx, me):
                if domain not in listed:
                    await account_domain_blocks.unblock_domain(ctx, me, domain)
        elif kind == "bookmarks":
            listed = {(row.get("uri") or "").strip() for row in rows}
            for post_id, uri in await store.bookmarked(reader, me.id):
                if uri not in listed:
                    post = await post_store.get_post(reader, post_id)
                    if post is not None:
                        await statuses.bookmark(ctx, me, post, False)
        elif kind == "lists":
            await self._prune_lists(rows)
        elif kind == "followed_hashtags":
            listed = {(row.get("tag") or "").strip().lstrip("#＃").lower() for row in rows}
            gone = [name for name in await store.followed_tags(reader, me.id) if name not in listed]
            async with ctx.db.transaction() as conn:
                await store.unfollow_tags(conn, me.id, gone)

    async def _prune_lists(self, rows: list[dict]) -> None:
        """Lists the file does not name are deleted; members it does not list leave the others."""
        wanted: dict[str, set[str]] = {}
        for row in rows:
            wanted.setdefault((row.get("list_name") or "").strip(), set()).add(self._handle(row.get("acct")))
        memberships = await store.list_memberships(self.ctx.db.reader, self.actor.id)
        async with self.ctx.db.transaction() as conn:
            for list_id, title, member_id, handle in memberships:
                if title not in wanted:
                    await list_store.delete_list(conn, self.actor.id, list_id)
                elif member_id is not None and handle.lower() not in wanted[title]:
                    await list_store.remove_members(conn, list_id, [member_id])


def value_of(kind: str, row: dict) -> str:
    """What a report shows of a row."""
    if kind == "lists":
        return f"{row.get('list_name') or ''}, {row.get('acct') or ''}"
    key = {"domain_blocks": "domain", "bookmarks": "uri", "followed_hashtags": "tag"}.get(kind, "acct")
    return str(row.get(key) or "")


async def apply_row(importer: Importer, kind: str, row: dict) -> dict | None:
    """Apply one row; a report entry when it failed, None when it was imported."""
    try:
        await importer.apply(kind, row)
    except RowFailed as failed:
        return {"row": row.get("row"), "value": value_of(kind, row)[:300], "error": failed.error, "detail": failed.detail[:300]}
    except RedfedError as error:
        return {"row": row.get("row"), "value": value_of(kind, row)[:300], "error": REFUSED, "detail": error.message[:300]}
    return None
