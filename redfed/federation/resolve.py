"""Remote actors and keys: fetch, cache, bind keys to their owners; WebFinger lookup (layer 3).

Every fetch is a signed GET with the instance actor's key, since servers in authorized-fetch mode
(Mastodon's AUTHORIZED_FETCH, GoToSocial always) answer unsigned GETs with 401. Network calls
happen here, outside any transaction; only the final upsert writes.

Identity rules (checklist items 7, 8, 12, 17, 45):
- blocked domains are refused before any request is made;
- `actor(uri)` accepts only a document whose id is `uri` itself, as Mastodon's fetch_resource
  does when the id is known;
- a key belongs to an actor only if the actor's own document lists it;
- a key id is refetched at most once per KEY_REFETCH_SECONDS, so invalid signatures cannot make
  us hammer a remote.
"""

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from urllib.parse import urlencode

from yarl import URL

from ..config import Config
from ..db.api import Database
from ..errors import BadRequest, FetchError, Forbidden, Gone, NotFound, RedfedError, ServiceUnavailable, SignatureError
from ..models import Actor, ActorKey
from ..protocol.as2 import as_list, get_id
from ..protocol.signatures import SigningKey
from ..protocol.webfinger import Acct, parse_resource, self_link
from ..store import actors as store
from ..store.accounts import payment_links as payment_store
from ..store.accounts.payment_links import PaymentLink
from ..store.emoji import emojis as emoji_store
from ..urls import Urls
from . import ingest
from .domain_policy import SILENCE, DomainPolicy
from .emoji import ap_to_emojis
from .http import HttpClient, RemoteStatusError
from .payment_links import ap_to_links

logger = logging.getLogger(__name__)

# Mastodon refreshes a remote account it has not fetched for a day (Account#possibly_stale?).
ACTOR_TTL_SECONDS = 24 * 3600
KEY_REFETCH_SECONDS = 5 * 60
_MAX_RATE_ENTRIES = 10_000
_WEBFINGER_ACCEPT = "application/jrd+json, application/json"


class Resolver:
    def __init__(
        self, db: Database, http: HttpClient, config: Config, signer: SigningKey | None, *,
        clock: Callable[[], float] = time.time, domains: DomainPolicy | None = None,
    ):
        """`signer` is the instance actor's key; every fetch is signed with it when given.
        `domains` is the instance's domain blocks, shared with its other parts."""
        self.domains = domains or DomainPolicy(config)
        self._db = db
        self._http = http
        self._config = config
        self._urls = Urls(config)
        self._signer = signer
        self._clock = clock
        self._key_fetched_at: dict[str, float] = {}
        # Why the last fetch of a key id failed, while it is not fetched again (KEY_REFETCH_SECONDS):
        # a refusal then names the cause, not only that the key was fetched a moment ago.
        self._key_fetch_failures: dict[str, str] = {}
        self._key_locks: dict[str, asyncio.Lock] = {}

    # actors ----------------------------------------------------------------------------------

    async def actor(self, uri: str, *, refresh: bool = False) -> Actor:
        """The actor with this id: local ones from the database only, remote ones cached for a day."""
        if ingest.parse_http_url(uri) is None:
            raise BadRequest("actor id must be an http(s) URL")
        if self._is_local(uri):
            return await self._local_actor(uri)
        self._refuse_blocked(uri)
        cached = None if refresh else await store.find_actor_by_uri(self._db.reader, uri)
        if cached is not None and self._is_fresh(cached):
            return cached
        try:
            actor, keys, links, emojis = await self._fetch_actor(uri)
        except FetchError as e:
            if cached is None:
                raise
            # A remote that is down, or serving something unusable, leaves what we verified
            # before in place, as Mastodon keeps a stale account when its refresh fails. A 404
            # or 410 is not a FetchError here: those are answers, and they propagate.
            logger.warning("refresh of actor %s failed, using the stored copy: %s", uri, e.message)
            return cached
        return await self._store(actor, keys, links, emojis)

    async def _fetch_actor(self, uri: str) -> tuple[Actor, list[ActorKey], list[PaymentLink], list]:
        document = await self._fetch(uri)
        if _without_fragment(document.get("id")) != _without_fragment(uri):
            # The id is known, so it must be what we asked for: a redirect elsewhere, or a
            # document claiming another id, does not speak for `uri` (items 8, 12).
            raise FetchError(f"{uri}: the document served has another id")
        actor, keys = ingest.ap_to_remote_actor(document, fetched_from=uri, now_ms=self._now_ms())
        return actor, keys, ap_to_links(document.get("attachment")), ap_to_emojis(document)

    async def _store(self, actor: Actor, keys: list[ActorKey], links: list[PaymentLink], emojis: list) -> Actor:
        actor = self._with_domain_marks(actor)
        async with self._db.transaction() as conn:
            stored = await store.upsert_remote_actor(conn, actor, keys)
            # FEP-0ea0 payment links, kept as the actor's document has them now.
            await payment_store.replace_links(conn, stored.id, links)
            await self._keep_emojis(conn, stored, emojis)
        logger.info("stored remote actor %s with %d keys", stored.uri, len(keys))
        return stored

    async def _keep_emojis(self, conn, actor: Actor, emojis: list) -> None:
        """The custom emoji its name, bio and fields show, under its domain."""
        ids = await emoji_store.save_remote(conn, actor.domain, emojis, self._now_ms()) if emojis else []
        await emoji_store.replace_actor_emojis(conn, actor.id, ids)

    async def _local_actor(self, uri: str) -> Actor:
        actor = await store.find_actor_by_uri(self._db.reader, uri)
        if actor is None or not actor.is_local:
            raise NotFound("no such local actor")
        return actor

    # keys ------------------------------------------------------------------------------------

    async def public_key(self, key_id: str, *, refresh: bool = False) -> tuple[Actor, ActorKey]:
        """The key with this id and the actor that owns it (whose document lists the key).

        `refresh=True` is for a signature that failed with the cached key (key rotation): the
        owner's document is fetched again, but at most once per key id per KEY_REFETCH_SECONDS;
        within that window the stored key is returned as it is.
        """
        if ingest.parse_http_url(key_id) is None:
            raise SignatureError("keyId must be an http(s) URL")
        if self._is_local(key_id):
            return await self._local_key(key_id)
        self._refuse_blocked(key_id)
        lock = self._key_locks.setdefault(key_id, asyncio.Lock())
        try:
            # One fetch per key id at a time: the first delivery from a new actor often arrives
            # at several inboxes at once, and the later ones should find the stored key.
            async with lock:
                return await self._public_key(key_id, refresh)
        finally:
            if not lock.locked() and self._key_locks.get(key_id) is lock:
                del self._key_locks[key_id]

    async def _public_key(self, key_id: str, refresh: bool) -> tuple[Actor, ActorKey]:
        stored = await self._stored_key(key_id)
        if stored is not None and not refresh:
            return stored
        if not self._may_fetch_key(key_id):
            failure = self._key_fetch_failures.get(key_id)
            because = f", and that fetch failed: {failure}" if failure else ""
            logger.info("not refetching key %s: fetched less than %d s ago%s", key_id, KEY_REFETCH_SECONDS, because)
            if stored is not None:
                return stored
            raise SignatureError(f"unknown key; not fetched again so soon{because}")
        try:
            found = await self._fetch_key(key_id)
        except ServiceUnavailable:
            # Our own storage failed, not the sender: its retry may fetch the key again at once.
            self._key_fetched_at.pop(key_id, None)
            raise
        except RedfedError as error:
            self._key_fetch_failures[key_id] = error.message[:300]
            raise
        self._key_fetch_failures.pop(key_id, None)
        return found

    async def _fetch_key(self, key_id: str) -> tuple[Actor, ActorKey]:
        document = await self._fetch(key_id)
        # Mastodon's key id is the actor's id plus #main-key, so the document is the actor.
        # GoToSocial's /main-key serves a stub whose id is the actor's, which the HTTP client
        # refetches (same origin) as the full actor. Anything else is a standalone key document
        # naming its owner, whose own document must then list the key (item 7).
        if not ingest.is_actor_document(document):
            owner_uri = _key_owner(document, key_id)
            document = await self._fetch(owner_uri)
            if _without_fragment(document.get("id")) != _without_fragment(owner_uri):
                raise SignatureError(f"{owner_uri}: the document served has another id")
        owner_uri = document.get("id")
        # Also catches a key URL that redirected to an actor elsewhere.
        if not ingest.same_origin(owner_uri, key_id):
            raise SignatureError(f"key {key_id} is not on its owner's origin")
        actor, keys = ingest.ap_to_remote_actor(document, fetched_from=owner_uri, now_ms=self._now_ms())
        if not any(k.key_id == key_id for k in keys):
            raise SignatureError(f"key {key_id} is not listed by its owner {actor.uri}")
        actor = self._with_domain_marks(actor)
        # Read back in the transaction that stored it: the reader connection may still see an
        # older snapshot (a concurrent read), and would find no key (a 500 for the sender).
        async with self._db.transaction() as conn:
            stored = await store.upsert_remote_actor(conn, actor, keys)
            await payment_store.replace_links(conn, stored.id, ap_to_links(document.get("attachment")))
            await self._keep_emojis(conn, stored, ap_to_emojis(document))
            return stored, await store.find_key(conn, key_id)

    async def _local_key(self, key_id: str) -> tuple[Actor, ActorKey]:
        stored = await self._stored_key(key_id)
        if stored is None or not stored[0].is_local:
            raise NotFound("no such local key")
        return stored

    async def _stored_key(self, key_id: str) -> tuple[Actor, ActorKey] | None:
        key = await store.find_key(self._db.reader, key_id)
        if key is None:
            return None
        return await store.get_actor(self._db.reader, key.actor_id), key

    def _may_fetch_key(self, key_id: str) -> bool:
        now = self._clock()
        last = self._key_fetched_at.get(key_id)
        if last is not None and now - last < KEY_REFETCH_SECONDS:
            return False
        if len(self._key_fetched_at) >= _MAX_RATE_ENTRIES:
            self._prune_key_fetches(now)
        self._key_fetched_at.pop(key_id, None)  # re-added last, so the dict stays in time order
        self._key_fetched_at[key_id] = now
        return True

    def _prune_key_fetches(self, now: float) -> None:
        # Bounded memory under a flood of made-up key ids: expired entries go first, then the
        # oldest half (the dict is in insertion order, which is time order).
        expired = [k for k, at in self._key_fetched_at.items() if now - at >= KEY_REFETCH_SECONDS]
        for key in expired or list(self._key_fetched_at)[: _MAX_RATE_ENTRIES // 2]:
            del self._key_fetched_at[key]
            self._key_fetch_failures.pop(key, None)

    # WebFinger -------------------------------------------------------------------------------

    async def webfinger(self, handle: str) -> Actor:
        """`user@host[:port]` (a leading '@' is fine) → the actor, confirmed by its own server."""
        if not isinstance(handle, str):
            raise BadRequest("handle must be user@domain")
        acct = parse_resource("acct:" + handle.strip().lstrip("@"))  # always an Acct, or BadRequest
        if acct.domain == self._config.domain:
            return await self._local_handle(acct)
        actor = await self.actor(await self._webfinger_link(acct))
        if actor.username.lower() == acct.username.lower() and actor.domain == acct.domain:
            return actor
        if actor.is_local:
            raise FetchError(f"WebFinger of {acct.domain} points at one of our own accounts")
        # The handle's server pointed elsewhere (another name, or an actor on another host): the
        # actor's own server must agree that this is its account, as Mastodon's second lookup in
        # FetchRemoteActorService#check_webfinger! requires.
        confirmed = await self._webfinger_link(Acct(actor.username, actor.domain))
        if confirmed != actor.uri:
            raise FetchError(f"{actor.handle} is not confirmed by its own server's WebFinger")
        return actor

    async def _local_handle(self, acct: Acct) -> Actor:
        actor = await store.find_actor_by_handle(self._db.reader, acct.username, acct.domain)
        if actor is None or not actor.is_local:
            raise NotFound("no such account")
        return actor

    async def _webfinger_link(self, acct: Acct) -> str:
        jrd = await self.webfinger_document(acct)
        link = self_link(jrd) if isinstance(jrd.get("links"), list) else None
        if link is None:
            raise NotFound(f"{acct.username}@{acct.domain} has no ActivityPub actor")
        return link

    async def webfinger_document(self, acct: Acct) -> dict:
        """The JRD the account's server publishes, fetched through the HTTP client's address
        checks; its links are the caller's to validate."""
        self._refuse_blocked(f"https://{acct.domain}/")
        # Plain http only where the HTTP client would allow it anyway (development, tests).
        federation = self._config.federation
        scheme = "http" if federation.allow_http or federation.allow_private_addresses else "https"
        query = urlencode({"resource": f"acct:{acct.username}@{acct.domain}"})
        url = f"{scheme}://{acct.domain}/.well-known/webfinger?{query}"
        try:
            _, jrd = await self._http.get_json(url, accept=_WEBFINGER_ACCEPT)
        except RemoteStatusError as e:
            raise _status_error(e, f"{acct.username}@{acct.domain}") from None
        if not isinstance(jrd, dict):
            raise FetchError(f"{acct.username}@{acct.domain}: WebFinger answered something other than a JRD")
        return jrd

    # objects ---------------------------------------------------------------------------------

    async def fetch_object(self, uri: str) -> dict:
        """A remote ActivityPub object, fetched signed from its own origin."""
        if ingest.parse_http_url(uri) is None:
            raise BadRequest("object id must be an http(s) URL")
        if self._is_local(uri):
            raise BadRequest("local object")
        self._refuse_blocked(uri)
        document = await self._fetch(uri)
        if not ingest.same_origin(document.get("id"), uri):
            raise FetchError(f"{uri}: the document served is from another origin")
        return document

    async def fetch_file(self, url: str, max_bytes: int) -> bytes:
        """A remote file's bytes (a post's photo), fetched unsigned through the outbound client -
        so private addresses and blocked domains are refused as for any fetch - and cut off past
        `max_bytes`."""
        if ingest.parse_http_url(url) is None:
            raise BadRequest("file url must be an http(s) URL")
        if self._is_local(url):
            raise BadRequest("local file")
        self._refuse_blocked(url)
        response = await self._http.request("GET", url, headers={"Accept": "*/*"}, max_bytes=max_bytes)
        if not 200 <= response.status < 300:
            raise _status_error(RemoteStatusError(f"{response.url} answered {response.status}", response.status), url)
        return response.body

    async def collection_items(self, uri: str, limit: int, max_pages: int = 3) -> list:
        """Up to `limit` items of a remote (Ordered)Collection, following `first` and `next` links
        on the collection's own origin for at most `max_pages` pages."""
        items: list = []
        page = await self.fetch_object(uri)
        first = page.get("first")
        for _ in range(max_pages + 1):
            items += as_list(page.get("orderedItems") or page.get("items"))[: limit - len(items)]
            link = first if first is not None else page.get("next")
            first = None
            if len(items) >= limit or link is None:
                break
            if isinstance(link, dict) and ("orderedItems" in link or "items" in link):
                page = link  # an embedded page, as Mastodon serves `first` of followers
            else:
                next_uri = get_id(link)
                if next_uri is None or not ingest.same_origin(next_uri, uri):
                    break
                page = await self.fetch_object(next_uri)
        return items

    # shared ----------------------------------------------------------------------------------

    async def _fetch(self, url: str) -> dict:
        try:
            return await self._http.fetch_activitypub(url, key=self._signer)
        except RemoteStatusError as e:
            raise _status_error(e, url) from None

    def _is_local(self, url: str) -> bool:
        # Same host and port under another scheme still names our accounts.
        return self._urls.is_local(url) or ingest.url_domain(url) == self._config.domain

    def _refuse_blocked(self, url: str) -> None:
        """Suspended domains and their subdomains, before any request (item 17): the one check
        every fetch of ours (actor, key, WebFinger, object, collection) passes."""
        if self.domains.is_suspended(url):
            raise Forbidden("domain is blocked")

    def _with_domain_marks(self, actor: Actor) -> Actor:
        """A new account of a silenced domain is silenced as it is first stored, with the block's
        time (as Mastodon's ProcessAccountService does); a stored one keeps its own marks."""
        rule = self.domains.rule_for(actor.uri)
        if rule is not None and rule.severity == SILENCE:
            return dataclasses.replace(actor, silenced_at=rule.created_at)
        return actor

    def _is_fresh(self, actor: Actor) -> bool:
        return actor.fetched_at is not None and self._now_ms() - actor.fetched_at < ACTOR_TTL_SECONDS * 1000

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)


def _key_owner(document: dict, key_id: str) -> str:
    if _without_fragment(document.get("id")) != _without_fragment(key_id):
        raise SignatureError(f"{key_id}: the document served is not this key")
    owner = document.get("owner") or document.get("controller")
    if ingest.parse_http_url(owner) is None:
        raise SignatureError(f"{key_id}: key document names no owner")
    # Checked before fetching the owner: a key on one origin never speaks for an actor on another.
    if not ingest.same_origin(owner, key_id):
        raise SignatureError(f"key {key_id} is not on its owner's origin")
    return owner


def _status_error(error: RemoteStatusError, what: str) -> Exception:
    # A 410 is a deletion (Mastodon answers 410 for a deleted account), a 404 an unknown id;
    # both are final, unlike other statuses, which stay fetch failures the caller may retry.
    if error.remote_status == 410:
        return Gone(f"{what} is gone")
    if error.remote_status == 404:
        return NotFound(f"{what} was not found")
    return error


def _without_fragment(value) -> URL | None:
    url = ingest.parse_http_url(value)
    return url.with_fragment(None) if url is not None else None

