"""Resolving remote actors, keys and handles against hostile loopback servers.

Each remote is a small aiohttp server on 127.0.0.1 that serves ActivityPub documents only to GETs
signed by our instance actor (as an authorized-fetch server does), verifying the signature with
redfed's own verifier, and counts every request. Checklist items 7, 8, 12, 13, 16, 17, 45.
"""

import asyncio
import dataclasses
import functools
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from redfed.errors import BadRequest, FetchError, Forbidden, Gone, NotFound, SignatureError
from redfed.federation import resolve
from redfed.federation.http import HttpClient
from redfed.federation.resolve import Resolver
from redfed.models import Actor
from redfed.protocol import keys
from redfed.protocol.signatures import SigningKey, verify_request
from redfed.services.accounts import accounts
from redfed.store import actors as store

from ..support.instance import make_config

AP_TYPE = "application/activity+json"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BASE_URL = "http://127.0.0.1:8000"


# --- a hostile remote on loopback ---------------------------------------------------------------


@dataclass
class Seen:
    path: str
    query: str
    key_id: str | None  # the verified signer, or None when unsigned or invalid


@dataclass
class Remote:
    signer_public_pem: str
    base: str = ""
    routes: dict = field(default_factory=dict)
    webfinger: dict = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    @property
    def domain(self) -> str:
        return self.base.removeprefix("http://")

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, doc: dict, *, status: int = 200, content_type: str = AP_TYPE) -> None:
        self.routes[path] = (status, json.dumps(doc).encode(), {"Content-Type": content_type})

    def fail(self, path: str, status: int) -> None:
        self.routes[path] = (status, b"no", {"Content-Type": "text/plain"})

    def redirect(self, path: str, location: str) -> None:
        self.routes[path] = (302, b"", {"Location": location})

    def serve_webfinger(self, username: str, actor_url: str | None) -> None:
        links = [{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": self.base}]
        if actor_url:
            links.append({"rel": "self", "type": AP_TYPE, "href": actor_url})
        subject = f"acct:{username}@{self.domain}"
        self.webfinger[subject.lower()] = {"subject": subject, "links": links}

    def hits(self, path: str) -> int:
        return sum(1 for s in self.seen if s.path == path)


def build_app(remote: Remote) -> web.Application:
    async def handle(request: web.Request) -> web.Response:
        remote.seen.append(Seen(request.path, request.query_string, verified_signer(request, remote)))
        if request.path == "/.well-known/webfinger":
            jrd = remote.webfinger.get(request.query.get("resource", "").lower())
            if jrd is None:
                return web.Response(status=404)
            return web.json_response(jrd, content_type="application/jrd+json")
        if request.path not in remote.routes:
            return web.Response(status=404)
        if remote.seen[-1].key_id is None:
            return web.Response(status=401, text="signature required")  # authorized fetch
        status, body, headers = remote.routes[request.path]
        return web.Response(status=status, body=body, headers=headers)

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    return app


def verified_signer(request: web.Request, remote: Remote) -> str | None:
    if "Signature" not in request.headers:
        return None
    try:
        verified = verify_request(
            "GET", str(request.url), request.headers, None, remote.signer_public_pem, time.time()
        )
    except SignatureError:
        return None
    return verified.key_id


def person(remote: Remote, username: str, pem: str, **extra) -> dict:
    uri = remote.url(f"/users/{username}")
    doc = {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": uri, "type": "Person", "preferredUsername": username, "name": username.title(),
        "inbox": f"{uri}/inbox", "outbox": f"{uri}/outbox", "followers": f"{uri}/followers",
        "endpoints": {"sharedInbox": remote.url("/inbox")},
        "publicKey": {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": pem},
    }
    return doc | extra


def fixture_on(remote: Remote, name: str, original_base: str) -> dict:
    """A captured-style fixture document moved onto the loopback remote."""
    return json.loads((FIXTURES / name).read_text().replace(original_base, remote.base))


_generate_rsa_keypair = keys.generate_rsa_keypair
_PEMS = []
_pem_counter = itertools.count()


def new_pem() -> str:
    """A public key different from the last few handed out (a small pool: generating costs ~50 ms)."""
    if not _PEMS:
        _PEMS.extend(_generate_rsa_keypair()[1] for _ in range(8))
    return _PEMS[next(_pem_counter) % len(_PEMS)]


class FakeClock:
    def __init__(self):
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# --- fixtures -----------------------------------------------------------------------------------


@functools.cache
def _cached_rsa_keypair() -> tuple[str, str]:
    return _generate_rsa_keypair()


@pytest.fixture
async def signer(db, config, monkeypatch) -> tuple[SigningKey, str]:
    """The instance actor's signing key and its public PEM."""
    # One key pair for every test's local actors: generating and loading one costs ~100 ms.
    monkeypatch.setattr(keys, "generate_rsa_keypair", _cached_rsa_keypair)
    actor = await accounts.ensure_instance_actor(db, config)
    [key] = [k for k in await store.list_keys(db.reader, actor.id) if k.kind == "rsa"]
    return SigningKey(key.key_id, key.private_pem), key.public_pem


@pytest.fixture
async def start_remote(signer):
    runners = []

    async def start() -> Remote:
        remote = Remote(signer_public_pem=signer[1])
        runner = web.AppRunner(build_app(remote), shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
        remote.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        return remote

    yield start
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def remote(start_remote) -> Remote:
    return await start_remote()


@pytest.fixture
async def http(config):
    async with HttpClient(config) as client:
        yield client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def resolver(db, http, config, signer, clock) -> Resolver:
    return Resolver(db, http, config, signer[0], clock=clock)


# --- actors -------------------------------------------------------------------------------------


async def test_actor__fetched_signed_stored_and_returned(resolver, remote, signer, db):
    pem = new_pem()
    remote.serve("/users/alice", person(remote, "alice", pem))
    actor = await resolver.actor(remote.url("/users/alice"))
    assert (actor.uri, actor.username, actor.domain) == (remote.url("/users/alice"), "alice", remote.domain)
    assert actor.id > 0 and not actor.is_local and actor.fetched_at is not None
    assert actor.shared_inbox_uri == remote.url("/inbox")
    [key] = await store.list_keys(db.reader, actor.id)
    assert key.key_id == remote.url("/users/alice#main-key") and key.kind == "rsa"
    # The GET carried a valid signature by the instance actor's key.
    assert [(s.path, s.key_id) for s in remote.seen] == [("/users/alice", signer[0].key_id)]


async def test_actor__cached_for_a_day_then_refetched(resolver, remote, clock):
    remote.serve("/users/alice", person(remote, "alice", new_pem()))
    uri = remote.url("/users/alice")
    first = await resolver.actor(uri)
    assert await resolver.actor(uri) == first
    clock.advance(23 * 3600)
    await resolver.actor(uri)
    assert remote.hits("/users/alice") == 1
    remote.serve("/users/alice", person(remote, "alice", new_pem(), name="Alice Renamed"))
    clock.advance(2 * 3600)
    refreshed = await resolver.actor(uri)
    assert remote.hits("/users/alice") == 2
    assert refreshed.id == first.id and refreshed.display_name == "Alice Renamed"


async def test_actor__stale_copy_is_kept_when_the_refresh_fails(resolver, remote, clock):
    remote.serve("/users/alice", person(remote, "alice", new_pem()))
    stored = await resolver.actor(remote.url("/users/alice"))
    clock.advance(25 * 3600)
    remote.fail("/users/alice", 503)
    assert await resolver.actor(remote.url("/users/alice")) == stored
    with pytest.raises(FetchError):  # an explicit refresh reports the failure
        await resolver.actor(remote.url("/users/alice"), refresh=True)
    remote.fail("/users/alice", 410)  # a deletion is an answer, not a failure
    with pytest.raises(Gone):
        await resolver.actor(remote.url("/users/alice"))


async def test_actor__refresh_fetches_even_when_fresh(resolver, remote):
    remote.serve("/users/alice", person(remote, "alice", new_pem()))
    await resolver.actor(remote.url("/users/alice"))
    await resolver.actor(remote.url("/users/alice"), refresh=True)
    assert remote.hits("/users/alice") == 2


async def test_actor__local_uris_come_from_the_database_only(resolver, db, config):
    instance = await accounts.ensure_instance_actor(db, config)
    assert await resolver.actor(instance.uri) == instance
    new = await accounts.create_user(db, config, "carol", "carol@example.com", "correct horse battery")
    assert (await resolver.actor(f"{BASE_URL}/users/carol")).id == new.actor.id
    # Nothing listens on port 8000: a fetch would be a FetchError, not NotFound.
    for uri in (f"{BASE_URL}/users/nobody", "https://127.0.0.1:8000/users/nobody"):
        with pytest.raises(NotFound):
            await resolver.actor(uri)


@pytest.mark.parametrize("uri", ["ftp://a.example/u", "/users/x", "javascript:alert(1)", 42, None])
async def test_actor__unusable_uris_are_bad_requests(resolver, uri):
    with pytest.raises(BadRequest):
        await resolver.actor(uri)


async def test_blocked_domains_and_their_subdomains_are_refused_before_any_request(
    db, http, signer, tmp_path, remote
):
    config = make_config(tmp_path, BASE_URL, federation={"blocked_domains": ["127.0.0.1", "Blocked.Example"]})
    resolver = Resolver(db, http, config, signer[0])
    remote.serve("/users/alice", person(remote, "alice", new_pem()))
    calls = [
        resolver.actor(remote.url("/users/alice")),
        resolver.actor("https://evil.blocked.example/users/x"),
        resolver.actor("https://BLOCKED.example./users/x"),
        resolver.public_key(remote.url("/users/alice#main-key")),
        resolver.fetch_object(remote.url("/notes/1")),
        resolver.webfinger(f"alice@{remote.domain}"),
        resolver.webfinger("@bob@sub.blocked.example"),
    ]
    for call in calls:
        with pytest.raises(Forbidden, match="domain is blocked"):
            await call
    assert remote.seen == []
    # A suffix that is not a whole label is another domain.
    resolver._refuse_blocked("https://notblocked.example/u")


@pytest.mark.parametrize(
    ("status", "error"), [(410, Gone), (404, NotFound), (500, FetchError), (401, FetchError)]
)
async def test_actor__remote_statuses(resolver, remote, db, status, error):
    remote.fail("/users/gone", status)
    with pytest.raises(error):
        await resolver.actor(remote.url("/users/gone"))
    assert await store.find_actor_by_uri(db.reader, remote.url("/users/gone")) is None


@pytest.mark.parametrize("content_type", ["application/json", "text/html", "application/ld+json"])
async def test_actor__wrong_content_type_is_refused(resolver, remote, db, content_type):
    remote.serve("/users/alice", person(remote, "alice", new_pem()), content_type=content_type)
    with pytest.raises(FetchError, match="not ActivityPub"):
        await resolver.actor(remote.url("/users/alice"))
    assert await store.find_actor_by_uri(db.reader, remote.url("/users/alice")) is None


async def test_actor__document_with_an_id_on_another_origin_is_refused(resolver, start_remote, db):
    evil, victim = await start_remote(), await start_remote()
    # Served directly under a foreign id, and reached through a redirect to a foreign actor.
    evil.serve("/users/alice", person(victim, "alice", new_pem()))
    victim.serve("/users/bob", person(victim, "bob", new_pem()))
    evil.redirect("/users/bob", victim.url("/users/bob"))
    for path in ("/users/alice", "/users/bob"):
        with pytest.raises(FetchError, match="id"):
            await resolver.actor(evil.url(path))
    for uri in (evil.url("/users/alice"), victim.url("/users/alice"), victim.url("/users/bob")):
        assert await store.find_actor_by_uri(db.reader, uri) is None


async def test_actor__same_origin_document_with_another_id_is_refused(resolver, remote, db):
    # The HTTP client refetches the claimed id on the same origin; it is still not what we asked for.
    remote.serve("/users/alias", person(remote, "real", new_pem()))
    remote.serve("/users/real", person(remote, "real", new_pem()))
    with pytest.raises(FetchError, match="another id"):
        await resolver.actor(remote.url("/users/alias"))
    assert await store.find_actor_by_uri(db.reader, remote.url("/users/real")) is None


async def test_actor__invalid_document_is_a_bad_request_and_stores_nothing(resolver, remote, db):
    remote.serve("/users/alice", person(remote, "alice", new_pem(), preferredUsername="a@b"))
    with pytest.raises(BadRequest, match="preferredUsername"):
        await resolver.actor(remote.url("/users/alice"))
    assert await store.find_actor_by_uri(db.reader, remote.url("/users/alice")) is None


# --- keys ---------------------------------------------------------------------------------------


async def test_public_key__mastodon_key_is_a_fragment_of_the_actor(resolver, remote):
    doc = fixture_on(remote, "mastodon.social/users/Gargron.json", "https://mastodon.social")
    remote.serve("/users/Gargron", doc)
    actor, key = await resolver.public_key(remote.url("/users/Gargron#main-key"))
    assert (actor.username, actor.display_name) == ("Gargron", "Eugen Rochko")
    assert key.key_id == remote.url("/users/Gargron#main-key") and key.actor_id == actor.id
    assert await resolver.public_key(remote.url("/users/Gargron#main-key")) == (actor, key)
    assert remote.hits("/users/Gargron") == 1


async def test_public_key__gotosocial_main_key_stub_leads_to_the_full_actor(resolver, remote):
    base = "https://gts.example.org"
    remote.serve("/users/tobi", fixture_on(remote, "gts.example.org/users/tobi.json", base))
    remote.serve("/users/tobi/main-key", fixture_on(remote, "gts.example.org/users/tobi/main-key.json", base))
    actor, key = await resolver.public_key(remote.url("/users/tobi/main-key"))
    assert (actor.uri, actor.username, actor.inbox_uri) == (
        remote.url("/users/tobi"), "tobi", remote.url("/users/tobi/inbox"))
    assert key.key_id == remote.url("/users/tobi/main-key")
    assert [s.path for s in remote.seen] == ["/users/tobi/main-key", "/users/tobi"]


async def test_public_key__standalone_key_document_confirmed_by_its_owner(resolver, remote):
    pem = new_pem()
    key_url = remote.url("/keys/1")
    doc = person(remote, "alice", pem)
    doc["publicKey"] = {"id": key_url, "owner": doc["id"], "publicKeyPem": pem}
    remote.serve("/users/alice", doc)
    remote.serve("/keys/1", {"id": key_url, "type": "Key", "owner": doc["id"], "publicKeyPem": pem})
    actor, key = await resolver.public_key(key_url)
    assert actor.uri == doc["id"] and key.key_id == key_url
    assert keys.load_public_key(key.public_pem).public_numbers() == keys.load_public_key(pem).public_numbers()


async def test_public_key__key_claiming_an_owner_who_does_not_list_it_is_refused(resolver, remote, db):
    # Checklist item 7: the key document says owner: victim; the victim's document disagrees.
    remote.serve("/users/victim", person(remote, "victim", new_pem()))
    remote.serve("/keys/evil", {"id": remote.url("/keys/evil"), "type": "Key",
                                "owner": remote.url("/users/victim"), "publicKeyPem": new_pem()})
    with pytest.raises(SignatureError, match="not listed"):
        await resolver.public_key(remote.url("/keys/evil"))
    assert await store.find_key(db.reader, remote.url("/keys/evil")) is None
    assert await store.find_actor_by_uri(db.reader, remote.url("/users/victim")) is None


async def test_public_key__owner_on_another_origin_is_refused_without_fetching_it(resolver, start_remote, db):
    evil, victim = await start_remote(), await start_remote()
    victim.serve("/users/alice", person(victim, "alice", new_pem()))
    key_doc = {"id": evil.url("/keys/1"), "owner": victim.url("/users/alice"), "publicKeyPem": new_pem()}
    evil.serve("/keys/1", key_doc)
    with pytest.raises(SignatureError, match="origin"):
        await resolver.public_key(evil.url("/keys/1"))
    assert victim.seen == []


async def test_public_key__actor_that_does_not_list_the_key_is_refused(resolver, remote, db):
    remote.serve("/users/alice", person(remote, "alice", new_pem()))
    with pytest.raises(SignatureError, match="not listed"):
        await resolver.public_key(remote.url("/users/alice#other-key"))
    assert await store.find_actor_by_uri(db.reader, remote.url("/users/alice")) is None


async def test_public_key__key_url_redirecting_to_another_origin_is_refused(resolver, start_remote):
    evil, victim = await start_remote(), await start_remote()
    victim.serve("/users/alice", person(victim, "alice", new_pem()))
    evil.redirect("/users/alice", victim.url("/users/alice"))
    with pytest.raises(SignatureError, match="origin"):
        await resolver.public_key(evil.url("/users/alice#main-key"))


async def test_public_key__local_keys_come_from_the_database(resolver, db, config, signer):
    actor, key = await resolver.public_key(signer[0].key_id)
    assert actor.is_local and key.key_id == signer[0].key_id
    with pytest.raises(NotFound):
        await resolver.public_key(f"{BASE_URL}/users/nobody#main-key")


@pytest.mark.parametrize("key_id", ["", "not a url", "ftp://a.example/k", None, ["https://a.example/k"]])
async def test_public_key__unusable_key_ids_are_signature_errors(resolver, key_id):
    with pytest.raises(SignatureError):
        await resolver.public_key(key_id)


async def test_public_key__rotation_refetches_at_most_once_per_five_minutes(resolver, remote, clock):
    uri, key_id = remote.url("/users/alice"), remote.url("/users/alice#main-key")
    old_pem, new_pem_ = new_pem(), new_pem()
    remote.serve("/users/alice", person(remote, "alice", old_pem))
    _, cached = await resolver.public_key(key_id)
    remote.serve("/users/alice", person(remote, "alice", new_pem_))  # the remote rotated its key
    # A failed signature right after the first fetch does not refetch yet (item 45).
    clock.advance(60)
    assert (await resolver.public_key(key_id, refresh=True))[1] == cached
    assert remote.hits("/users/alice") == 1
    clock.advance(5 * 60)
    actor, rotated = await resolver.public_key(key_id, refresh=True)
    assert remote.hits("/users/alice") == 2
    assert rotated.key_id == key_id and _same_public_key(rotated.public_pem, new_pem_)
    assert actor.uri == uri
    for _ in range(20):  # a stream of invalid signatures
        assert (await resolver.public_key(key_id, refresh=True))[1] == rotated
    assert remote.hits("/users/alice") == 2


async def test_public_key__unknown_key_that_failed_is_not_refetched_at_once(resolver, remote, clock):
    with pytest.raises(NotFound):
        await resolver.public_key(remote.url("/users/ghost#main-key"))
    with pytest.raises(SignatureError, match="not fetched again"):
        await resolver.public_key(remote.url("/users/ghost#main-key"))
    assert remote.hits("/users/ghost") == 1
    clock.advance(5 * 60 + 1)
    with pytest.raises(NotFound):
        await resolver.public_key(remote.url("/users/ghost#main-key"))
    assert remote.hits("/users/ghost") == 2


async def test_public_key__410_is_gone(resolver, remote):
    remote.fail("/users/deleted", 410)
    with pytest.raises(Gone):
        await resolver.public_key(remote.url("/users/deleted#main-key"))


async def test_public_key__concurrent_first_lookups_share_one_fetch(resolver, remote):
    remote.serve("/users/alice", person(remote, "alice", new_pem()))
    key_id = remote.url("/users/alice#main-key")
    results = await asyncio.gather(*(resolver.public_key(key_id) for _ in range(5)))
    assert len({key.id for _, key in results}) == 1
    assert remote.hits("/users/alice") == 1


async def test_public_key__rate_limit_memory_stays_bounded(resolver, clock, monkeypatch):
    monkeypatch.setattr(resolve, "_MAX_RATE_ENTRIES", 8)
    for i in range(100):
        assert resolver._may_fetch_key(f"https://a.example/k{i}")
    assert len(resolver._key_fetched_at) <= 8
    assert not resolver._may_fetch_key("https://a.example/k99")


async def test_rotation_to_a_new_key_id_drops_the_old_key(resolver, remote, db):
    remote.serve("/users/alice", person(remote, "alice", new_pem()))
    actor = await resolver.actor(remote.url("/users/alice"))
    doc = person(remote, "alice", new_pem())
    doc["publicKey"]["id"] = remote.url("/users/alice#key-2")
    remote.serve("/users/alice", doc)
    await resolver.actor(remote.url("/users/alice"), refresh=True)
    stored = await store.list_keys(db.reader, actor.id)
    assert [k.key_id for k in stored] == [remote.url("/users/alice#key-2")]
    assert await store.find_key(db.reader, remote.url("/users/alice#main-key")) is None


def _same_public_key(pem_a: str, pem_b: str) -> bool:
    return keys.load_public_key(pem_a).public_numbers() == keys.load_public_key(pem_b).public_numbers()


# --- handles: a recreated account takes over its handle --------------------------------------------


async def test_recreated_account_takes_the_handle_and_the_old_row_is_parked(resolver, remote, db):
    remote.serve("/users/old", person(remote, "old", new_pem(), preferredUsername="bob"))
    remote.serve("/users/new", person(remote, "new", new_pem(), preferredUsername="Bob"))
    old = await resolver.actor(remote.url("/users/old"))
    new = await resolver.actor(remote.url("/users/new"))
    assert new.username == "Bob" and new.id != old.id
    parked = await store.get_actor(db.reader, old.id)
    assert parked.uri == old.uri and parked.username == f"bob~{old.id}"
    assert (await store.find_actor_by_handle(db.reader, "bob", remote.domain)).id == new.id
    # Should the old document come back, the newest fetch wins again.
    await resolver.actor(remote.url("/users/old"), refresh=True)
    assert (await store.find_actor_by_handle(db.reader, "BOB", remote.domain)).id == old.id
    assert (await store.get_actor(db.reader, new.id)).username == f"Bob~{new.id}"


async def test_upsert_never_overwrites_a_local_actor(db, config):
    instance = await accounts.ensure_instance_actor(db, config)
    impostor = _remote_copy(instance, uri=instance.uri)
    same_handle = _remote_copy(instance, uri="https://elsewhere.example/actor")
    for actor in (instance, impostor, same_handle):
        with pytest.raises(Forbidden):
            async with db.transaction() as conn:
                await store.upsert_remote_actor(conn, actor, [])
    assert await store.get_actor(db.reader, instance.id) == instance


def _remote_copy(actor: Actor, uri: str) -> Actor:
    return dataclasses.replace(actor, id=0, uri=uri, is_local=False)


async def test_find_actors_by_uris(resolver, remote, db):
    remote.serve("/users/alice", person(remote, "alice", new_pem()))
    alice = await resolver.actor(remote.url("/users/alice"))
    found = await store.find_actors_by_uris(db.reader, [alice.uri, remote.url("/users/none")] * 600)
    assert [a.id for a in found] == [alice.id]


# --- WebFinger ------------------------------------------------------------------------------------


async def test_webfinger__handle_to_actor(resolver, remote):
    remote.serve("/users/alice", person(remote, "alice", new_pem()))
    remote.serve_webfinger("alice", remote.url("/users/alice"))
    for handle in (f"alice@{remote.domain}", f"@ALICE@{remote.domain}", f" alice@{remote.domain} "):
        actor = await resolver.webfinger(handle)
        assert actor.uri == remote.url("/users/alice") and actor.handle == f"alice@{remote.domain}"
    assert remote.hits("/users/alice") == 1  # cached after the first lookup


async def test_webfinger__local_handles_never_leave_the_database(resolver, db, config):
    await accounts.create_user(db, config, "carol", "carol@example.com", "correct horse battery")
    assert (await resolver.webfinger("carol@127.0.0.1:8000")).username == "carol"
    with pytest.raises(NotFound):
        await resolver.webfinger("nobody@127.0.0.1:8000")


@pytest.mark.parametrize("handle", ["alice", "@alice", "alice@", "https://a.example/users/alice",
                                    "alice@host/path", "a b@host", "alice@evil.example@good.example", 42])
async def test_webfinger__malformed_handles(resolver, handle):
    with pytest.raises(BadRequest):
        await resolver.webfinger(handle)


async def test_webfinger__unknown_or_linkless_accounts(resolver, remote):
    remote.serve_webfinger("nolink", None)
    with pytest.raises(NotFound):
        await resolver.webfinger(f"nobody@{remote.domain}")
    with pytest.raises(NotFound, match="no ActivityPub actor"):
        await resolver.webfinger(f"nolink@{remote.domain}")


async def test_webfinger__remote_cannot_claim_a_local_account(resolver, remote, db, config):
    instance = await accounts.ensure_instance_actor(db, config)
    remote.serve_webfinger("alice", instance.uri)
    with pytest.raises(FetchError, match="our own"):
        await resolver.webfinger(f"alice@{remote.domain}")


async def test_webfinger__jrd_with_links_of_the_wrong_type(resolver, remote):
    remote.webfinger[f"acct:alice@{remote.domain}"] = {"subject": f"acct:alice@{remote.domain}", "links": 5}
    with pytest.raises(NotFound):
        await resolver.webfinger(f"alice@{remote.domain}")


async def test_webfinger__self_link_is_validated_like_a_first_hop(resolver, remote):
    remote.webfinger[f"acct:alice@{remote.domain}"] = {
        "subject": f"acct:alice@{remote.domain}",
        "links": [{"rel": "self", "type": AP_TYPE, "href": "file:///etc/passwd"}],
    }
    with pytest.raises(BadRequest):
        await resolver.webfinger(f"alice@{remote.domain}")


async def test_webfinger__actor_on_another_host_confirmed_by_that_host(resolver, start_remote):
    # alice@A points at an actor on B; B's own WebFinger must say the account is B's (Mastodon's
    # second lookup in FetchRemoteActorService#check_webfinger!).
    a, b = await start_remote(), await start_remote()
    b.serve("/users/alice", person(b, "alice", new_pem()))
    a.serve_webfinger("alice", b.url("/users/alice"))
    b.serve_webfinger("alice", b.url("/users/alice"))
    actor = await resolver.webfinger(f"alice@{a.domain}")
    assert actor.uri == b.url("/users/alice") and actor.domain == b.domain
    assert b.hits("/.well-known/webfinger") == 1


async def test_webfinger__actor_on_another_host_that_does_not_confirm_is_refused(resolver, start_remote):
    a, b = await start_remote(), await start_remote()
    b.serve("/users/alice", person(b, "alice", new_pem()))
    b.serve("/users/other", person(b, "other", new_pem()))
    a.serve_webfinger("alice", b.url("/users/alice"))
    with pytest.raises(NotFound):  # B has no such account
        await resolver.webfinger(f"alice@{a.domain}")
    b.serve_webfinger("alice", b.url("/users/other"))  # B says alice@B is someone else
    with pytest.raises(FetchError, match="not confirmed"):
        await resolver.webfinger(f"alice@{a.domain}")


async def test_webfinger__another_username_on_the_same_host_must_be_confirmed(resolver, remote):
    remote.serve("/users/mallory", person(remote, "mallory", new_pem()))
    remote.serve("/users/alice", person(remote, "alice", new_pem()))
    remote.serve_webfinger("alice", remote.url("/users/mallory"))
    remote.serve_webfinger("mallory", remote.url("/users/alice"))
    with pytest.raises(FetchError, match="not confirmed"):
        await resolver.webfinger(f"alice@{remote.domain}")
    remote.serve_webfinger("mallory", remote.url("/users/mallory"))  # an alias the server stands by
    assert (await resolver.webfinger(f"alice@{remote.domain}")).username == "mallory"


# --- objects --------------------------------------------------------------------------------------


async def test_fetch_object__signed_fetch_of_a_remote_object(resolver, remote, signer):
    note = {"id": remote.url("/notes/1"), "type": "Note", "content": "<p>hi</p>"}
    remote.serve("/notes/1", note)
    assert await resolver.fetch_object(remote.url("/notes/1")) == note
    assert remote.seen[-1].key_id == signer[0].key_id


async def test_fetch_object__refusals(resolver, start_remote):
    evil, victim = await start_remote(), await start_remote()
    victim.serve("/notes/1", {"id": victim.url("/notes/1"), "type": "Note"})
    evil.redirect("/notes/1", victim.url("/notes/1"))
    evil.fail("/notes/2", 410)
    with pytest.raises(FetchError, match="origin"):
        await resolver.fetch_object(evil.url("/notes/1"))
    with pytest.raises(Gone):
        await resolver.fetch_object(evil.url("/notes/2"))
    with pytest.raises(BadRequest, match="local object"):
        await resolver.fetch_object(f"{BASE_URL}/notes/1")
    with pytest.raises(BadRequest):
        await resolver.fetch_object("gopher://a.example/1")
