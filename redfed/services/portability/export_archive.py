"""The export formats (layer 4): Mastodon's account archive and CSVs, and redfed's own additions.

The archive follows what Mastodon's BackupService writes (actor.json, outbox.json of Create
activities with attachment urls rewritten to paths inside the zip, likes.json, bookmarks.json and
the media files), adds redfed's `listings.json` and the CSVs, and describes every file in a
FEP-6fcd manifest (https://codeberg.org/fediverse/fep/src/branch/main/fep/6fcd/fep-6fcd.md), in
JSON rather than YAML so that a reader needs nothing beyond a JSON parser.

The CSVs are byte for byte what Mastodon's `app/models/export.rb` writes: booleans as `true` and
`false`, "\n" line ends, a header only on following and mutes. Followers and followed hashtags
have no Mastodon export; they take the shape of its one-column account and domain lists.
"""

import asyncio
import csv
import dataclasses
import io
import json
import os
import secrets
import zipfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from ...clock import now_ms
from ...config import Config
from ...db.api import Database
from ...federation import serialize
from ...models import Actor
from ...objectstore.base import ObjectStore
from ...protocol import as2
from ...store import actors as actor_store
from ...store import posts as post_store
from ...store import views as view_store
from ...store.portability import exports as store
from ...store.responses import boards as board_store
from ...store.social import account_domain_blocks as domain_block_store
from ...store.supporters import grants as grant_store
from ...store.supporters import tiers as tier_store
from ...urls import Urls
from ..media import media_files

Progress = Callable[[int], Awaitable[None]]

MEDIA_FOLDER = "media_attachments/files"
MASTODON_MOVING = "https://docs.joinmastodon.org/user/moving/#export"
FEP_6FCD = "https://codeberg.org/fediverse/fep/src/branch/main/fep/6fcd/fep-6fcd.md#manifest-file"

FOLLOWING_HEADER = ("Account address", "Show boosts", "Notify on new posts", "Languages")
MUTES_HEADER = ("Account address", "Hide notifications")
# kind → (file name inside the archive, what it is)
CSV_FILES = {
    "following": ("following_accounts.csv", "accounts followed"),
    "followers": ("followers.csv", "followers"),
    "blocks": ("blocked_accounts.csv", "blocked accounts"),
    "mutes": ("muted_accounts.csv", "muted accounts"),
    "domain_blocks": ("blocked_domains.csv", "blocked domains"),
    "bookmarks": ("bookmarks.csv", "bookmarked posts"),
    "lists": ("lists.csv", "lists and their members"),
    "followed_hashtags": ("followed_hashtags.csv", "followed hashtags"),
}


BOARD_POSTS = 10_000  # all a board holds (services/responses/boards.py)


def _csv(rows, header: tuple[str, ...] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(header)
    for row in rows:
        writer.writerow(["true" if v is True else "false" if v is False else v for v in row])
    return buffer.getvalue()


async def csv_text(db: Database, actor: Actor, kind: str, now: int) -> str:
    """One of the CSV_FILES kinds, for `actor`, in Mastodon's format."""
    conn = db.reader
    if kind == "following":
        return _csv([(h, r, n, None) for h, r, n in await store.following(conn, actor.id)], FOLLOWING_HEADER)
    if kind == "mutes":
        return _csv(await store.muted(conn, actor.id, now), MUTES_HEADER)
    if kind == "lists":
        return _csv(await store.list_members(conn, actor.id))
    if kind == "domain_blocks":
        return _csv([(domain,) for domain in await domain_block_store.domains(conn, actor.id)])
    column = {
        "followers": store.followers, "blocks": store.blocked, "bookmarks": store.bookmarked_uris,
        "followed_hashtags": store.followed_tags,
    }[kind]
    return _csv([(value,) for value in await column(conn, actor.id)])


def _collection(name: str, items: list) -> dict:
    return {"@context": as2.AS_CONTEXT, "id": name, "type": "OrderedCollection", "totalItems": len(items), "orderedItems": items}


def _dump(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


class _Writer:
    """One zip being written; remembers each member for the manifest."""

    def __init__(self, zf: zipfile.ZipFile, media: ObjectStore, urls: Urls):
        self.zf, self.media, self.urls = zf, media, urls
        self.entries: dict[str, dict] = {}
        self._media_prefix = urls.media("")

    def add(self, name: str, data: bytes, url: str, what: str) -> None:
        self.zf.writestr(name, data)
        self.entries[name] = {"url": url, "description": what}

    def local_key(self, url: str | None) -> str | None:
        """The key of one of our uploads, if `url` names one."""
        if not url or not url.startswith(self._media_prefix):
            return None
        key = url[len(self._media_prefix):]
        return key if media_files.content_type_of(key) else None

    async def add_file(self, key: str, name: str, what: str) -> str | None:
        """Copy a stored upload into the zip as `name`; None when its file is gone."""
        if name not in self.entries:
            opened = await self.media.open(key)
            if opened is None:
                return None
            out = await asyncio.to_thread(self.zf.open, name, "w")
            try:
                async for chunk in opened.chunks:
                    await asyncio.to_thread(out.write, chunk)
            finally:
                await asyncio.to_thread(out.close)
            self.entries[name] = {"url": "https://www.w3.org/TR/activitystreams-vocabulary/#dfn-attachment", "description": what}
        return name


async def _actor_doc(db: Database, writer: _Writer, actor: Actor) -> dict:
    doc = serialize.actor_to_ap(actor, await actor_store.list_keys(db.reader, actor.id))
    for prop, stem in (("icon", "avatar"), ("image", "header")):
        key = writer.local_key((doc.get(prop) or {}).get("url"))
        name = key and await writer.add_file(key, f"{stem}.{key.rpartition('.')[2]}", stem)
        if name:
            doc[prop] = {**doc[prop], "url": name}
    return doc


async def _create(db: Database, writer: _Writer, actor: Actor, post) -> dict:
    conn = db.reader
    mentioned = [a for a in [await actor_store.get_actor(conn, i) for i in await post_store.list_mentioned_actor_ids(conn, post.id)] if a]
    note = serialize.post_to_ap(post, actor, mentioned, await post_store.list_tags(conn, post.id), writer.urls)
    attachments = []
    for attachment in note.get("attachment", []):
        key = writer.local_key(attachment.get("url"))
        name = key and await writer.add_file(key, f"{MEDIA_FOLDER}/{key}", "a post's attachment")
        if name:
            attachment = {**attachment, "url": name}
        attachments.append(attachment)
    note["attachment"] = attachments
    return serialize.create_activity(note)


def _announce(actor: Actor, reblog, boosted_uri: str) -> dict:
    return as2.activity(
        "Announce", reblog.uri, actor.uri, boosted_uri, to=[as2.PUBLIC], cc=[actor.followers_uri],
        published=as2.iso_time(reblog.published_at),
    )


def manifest(actor: Actor, entries: dict[str, dict], now: int, base_url: str) -> dict:
    """FEP-6fcd's manifest: files nested by folder under `contents`."""
    contents: dict = {"manifest.json": {"url": FEP_6FCD, "description": "this file"}}
    for path, info in entries.items():
        node = contents
        *folders, name = path.split("/")
        for folder in folders:
            node = node.setdefault(folder, {"contents": {}})["contents"]
        node[name] = info
    return {
        "ubc-version": "0.1",
        "meta": {"created": as2.iso_time(now), "createdBy": {"controller": actor.uri, "client": {"name": "redfed", "url": base_url}}},
        "contents": contents,
    }


async def _write(
    db: Database, config: Config, urls: Urls, media: ObjectStore, actor: Actor, zf: zipfile.ZipFile, progress: Progress,
) -> None:
    writer = _Writer(zf, media, urls)
    writer.add("actor.json", _dump(await _actor_doc(db, writer, actor)), "https://www.w3.org/TR/activitypub/#actor-objects", "the account's actor")
    # Posts and boosts in the order they were made, as Mastodon's outbox.json has them.
    entries = [(post.id, post, None) for post in await store.original_posts(db.reader, actor.id)]
    entries += [(reblog.id, reblog, uri) for reblog, uri in await store.boosts(db.reader, actor.id)]
    entries.sort(key=lambda entry: entry[0])
    items, shown = [], -1
    for done, (_id, post, boosted_uri) in enumerate(entries, start=1):
        items.append(_announce(actor, post, boosted_uri) if boosted_uri else await _create(db, writer, actor, post))
        percent = 90 * done // len(entries)
        if percent != shown:
            shown = percent
            await progress(percent)
    writer.add("outbox.json", _dump(_collection("outbox.json", items)), "https://www.w3.org/TR/activitystreams-core/#collections", "every post as a Create activity, every boost as an Announce")
    for name, uris in (("likes.json", await store.liked_uris(db.reader, actor.id)), ("bookmarks.json", await store.bookmarked_uris(db.reader, actor.id))):
        writer.add(name, _dump(_collection(name, uris)), "https://www.w3.org/TR/activitystreams-core/#collections", f"{name[:-5]}: post URIs")
    writer.add("boards.json", _dump(_collection("boards.json", await _boards(db, actor))), f"{config.base_url}/", "redfed boards: saved posts' URIs by board, oldest saved first")
    writer.add("supporters.json", _dump(await _supporters(db, actor, now_ms())), f"{config.base_url}/", "redfed support tiers and who supports the account")
    listings = [
        {"post": uri, **{k: v for k, v in dataclasses.asdict(listing).items() if k not in ("post_id", "actor_id")}}
        for listing, uri in await store.listings_of(db.reader, actor.id)
    ]
    writer.add("listings.json", _dump(_collection("listings.json", listings)), f"{config.base_url}/", "redfed product listings")
    now = now_ms()
    for kind, (name, what) in CSV_FILES.items():
        writer.add(name, (await csv_text(db, actor, kind, now)).encode("utf-8"), MASTODON_MOVING, what)
    await progress(95)
    zf.writestr("manifest.json", _dump(manifest(actor, writer.entries, now, config.base_url)))


async def _boards(db: Database, actor: Actor) -> list[dict]:
    found = []
    for board in await board_store.list_for(db.reader, actor.id, public_only=False):
        saved = await board_store.posts_of(db.reader, board.id, BOARD_POSTS)
        found.append({"type": "OrderedCollection", "name": board.name, "summary": board.description,
                      "public": board.is_public, "orderedItems": [post.uri for post in reversed(saved)]})
    return found


async def _supporters(db: Database, actor: Actor, now: int) -> dict:
    """The account's tiers, and its supporters by actor id (private: the archive is the owner's)."""
    tiers = await tier_store.list_tiers(db.reader, actor.id)
    names = {tier.id: tier.name for tier in tiers}
    grants = await grant_store.list_grants(db.reader, actor.id)
    actors = await view_store.actors_by_ids(db.reader, [g.supporter_id for g in grants])
    return {
        "tiers": [{"name": t.name, "description": t.description, "price": t.price, "url": t.url} for t in tiers],
        "supporters": [
            {"actor": actors[g.supporter_id].uri, "tier": names.get(g.tier_id), "source": g.source,
             "granted": as2.iso_time(g.created_at), "expires": as2.iso_time(g.expires_at) if g.expires_at else None,
             "active": g.expires_at is None or g.expires_at > now}
            for g in grants if g.supporter_id in actors
        ],
    }


async def write_archive(
    db: Database, config: Config, urls: Urls, media: ObjectStore, actor: Actor, target: Path, progress: Progress,
) -> int:
    """Write `actor`'s archive to `target`, with its files from `media`, and return its size. The
    zip is written under a temporary name beside it and renamed when complete, so `target` is
    never a half zip."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{secrets.token_hex(8)}.part")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            await _write(db, config, urls, media, actor, zf, progress)
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size
