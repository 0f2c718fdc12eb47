"""The outbound HTTP client against loopback servers that play a hostile remote.

Checklist items 12, 13 and 24-28: address refusal (also after DNS and on every redirect hop),
redirect limits, the decoded size cap, the total deadline, the ActivityPub fetch rules, and real
signatures checked on the receiving side.
"""

import asyncio
import gzip
import ipaddress
import json
import socket
import time
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from multidict import CIMultiDict
from yarl import URL

from redfed.protocol import signatures as signature_module
from redfed.config import config_from_dict
from redfed.errors import AddressRefused, FetchError, SignatureError
from redfed.federation.http import (
    AP_ACCEPT,
    HttpClient,
    PublicAddressResolver,
    RemoteStatusError,
    is_public_address,
)

AP_TYPE = "application/activity+json"
MAX_REDIRECTS = 3


# --- a hostile remote on loopback ---------------------------------------------------------------


@dataclass
class Seen:
    method: str
    url: str
    headers: CIMultiDict
    body: bytes


@dataclass
class Remote:
    base: str
    seen: list[Seen] = field(default_factory=list)

    def url(self, path: str, **query: str) -> str:
        url = URL(self.base + path)
        return str(url.with_query(query) if query else url)


def as_doc(request: web.Request, document: dict, content_type: str = AP_TYPE) -> web.Response:
    return web.Response(body=json.dumps(document).encode(), headers={"Content-Type": content_type})


def self_url(request: web.Request) -> str:
    return str(request.url)


def build_remote_app(remote: Remote, bomb: bytes) -> web.Application:
    async def record(request: web.Request, handler):
        body = await request.read()
        remote.seen.append(Seen(request.method, str(request.url), CIMultiDict(request.headers), body))
        return await handler(request)

    async def document(request):
        return as_doc(request, {"id": self_url(request), "type": "Note"})

    async def typed(request):
        return as_doc(request, {"id": self_url(request)}, content_type=request.query["ct"])

    async def claims(request):
        # Serves a document whose id is the `id` query parameter, resolved against this URL.
        return as_doc(request, {"id": str(request.url.join(URL(request.query["id"])))})

    async def redirect_chain(request):
        left = int(request.match_info["left"])
        raise web.HTTPFound(f"/redirect/{left - 1}" if left > 0 else "/doc")

    async def redirect_to(request):
        raise web.HTTPFound(request.query["location"])

    async def loop(request):
        raise web.HTTPFound("/loop/b" if request.match_info["name"] == "a" else "/loop/a")

    async def status(request):
        return web.Response(status=int(request.match_info["code"]), text="no")

    async def sized(request):
        return web.Response(body=b"x" * int(request.query["bytes"]), content_type="application/octet-stream")

    async def gzip_bomb(request):
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip", "Content-Type": AP_TYPE})

    async def trickle(request):
        response = web.StreamResponse(headers={"Content-Type": AP_TYPE})
        await response.prepare(request)
        try:
            for _ in range(20):
                await response.write(b" ")
                await asyncio.sleep(0.5)
        except ConnectionError:
            pass  # the client gave up, as it should
        return response

    async def raw(request):
        return web.Response(body=request.query["body"].encode(), headers={"Content-Type": AP_TYPE})

    async def inbox(request):
        return web.Response(status=202)

    async def post_redirect(request):
        raise web.HTTPTemporaryRedirect("/inbox")

    app = web.Application(middlewares=[web.middleware(record)])
    app.router.add_get("/doc", document)
    app.router.add_get("/typed", typed)
    app.router.add_get("/claims", claims)
    app.router.add_get("/redirect/{left}", redirect_chain)
    app.router.add_get("/to", redirect_to)
    app.router.add_get("/loop/{name}", loop)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/sized", sized)
    app.router.add_get("/bomb", gzip_bomb)
    app.router.add_get("/trickle", trickle)
    app.router.add_get("/raw", raw)
    app.router.add_post("/inbox", inbox)
    app.router.add_post("/post-redirect", post_redirect)
    return app


@pytest.fixture(scope="module")
def bomb() -> bytes:
    # 16 MiB of zeros in about 16 KiB: far past the 1 MiB cap once inflated.
    return gzip.compress(b"\0" * (16 * 1024 * 1024), compresslevel=9)


@pytest.fixture
async def start_remote(bomb):
    runners = []

    async def start(host: str = "127.0.0.1") -> Remote:
        remote = Remote(base="")
        runner = web.AppRunner(build_remote_app(remote, bomb), shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, host, 0)
        await site.start()
        runners.append(runner)
        remote.base = f"http://{host}:{runner.addresses[0][1]}"
        return remote

    yield start
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def remote(start_remote) -> Remote:
    return await start_remote()


@pytest.fixture
async def listener():
    """A bare TCP listener on 127.0.0.1 that counts connections and never answers."""
    connections = []

    async def hold(reader, writer):
        connections.append(writer)
        await reader.read()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1], connections
    for writer in connections:
        writer.close()
    server.close()
    await server.wait_closed()


@pytest.fixture
async def make_client():
    clients = []

    async def make(*, clock=time.time, address_policy=None, **federation) -> HttpClient:
        config = config_from_dict({"federation": federation})
        extra = {} if address_policy is None else {"address_policy": address_policy}
        client = HttpClient(config, clock=clock, **extra)
        await client.start()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
async def client(make_client) -> HttpClient:
    return await make_client(allow_private_addresses=True, max_redirects=MAX_REDIRECTS)


@pytest.fixture
async def strict_client(make_client) -> HttpClient:
    """The production default: no private addresses (plain http allowed so only the address matters)."""
    return await make_client(allow_private_addresses=False, allow_http=True)


# --- address policy (items 24, 25) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/",
        "http://localhost:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://0.0.0.0:{port}/",
        "https://127.0.0.1:{port}/",
        "http://2130706433:{port}/",
        "http://127.1:{port}/",
        "http://0x7f.0.0.1:{port}/",
    ],
)
async def test_request__refuses_loopback_without_connecting(strict_client, listener, url):
    port, connections = listener
    with pytest.raises(AddressRefused):
        await strict_client.request("GET", url.format(port=port))
    await asyncio.sleep(0.05)  # a connection, had one been made, would have been accepted by now
    assert connections == []


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1]/",
        "http://[::]/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://198.18.0.1/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://[fc00::1]/",
        "http://[fe80::1]/",
        "http://[ff02::1]/",
        "http://[64:ff9b::a00:1]/",
        "http://[::ffff:10.0.0.1]/",
    ],
)
async def test_request__refuses_private_and_reserved_addresses(strict_client, url):
    with pytest.raises(AddressRefused):
        await strict_client.request("GET", url)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("::ffff:93.184.216.34", True),
        ("64:ff9b::5db8:d822", True),  # NAT64 of a public address
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.31.255.255", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("198.19.0.1", False),
        ("224.0.0.251", False),
        ("255.255.255.255", False),
        ("::", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:192.168.0.1", False),
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("::7f00:1", False),  # IPv4-compatible 127.0.0.1
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("fc00::1", False),
        ("fd12:3456::1", False),
        ("fe80::1", False),
        ("ff0e::1", False),
    ],
)
def test_is_public_address(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public


class FakeDns(AbstractResolver):
    """Stands in for the system resolver: each call returns the next answer in the script."""

    def __init__(self, *answers: list[str]):
        self.answers = list(answers)
        self.closed = False

    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for address in self.answers.pop(0)
        ]

    async def close(self):
        self.closed = True


async def test_resolver__keeps_only_the_public_answers():
    dns = FakeDns(["127.0.0.1", "93.184.216.34", "10.0.0.8", "2606:4700::1111", "::1", "fe80::1%1"])
    answers = await PublicAddressResolver(dns).resolve("mixed.example", 443)
    assert [a["host"] for a in answers] == ["93.184.216.34", "2606:4700::1111"]


async def test_resolver__refuses_a_name_with_only_private_answers():
    dns = FakeDns(["127.0.0.1", "::1", "192.168.1.10"])
    with pytest.raises(AddressRefused, match="internal.example"):
        await PublicAddressResolver(dns).resolve("internal.example", 443)


async def test_resolver__rebinding_to_private_on_the_next_lookup_is_refused():
    # Each new connection resolves again (no DNS cache), and each answer is filtered again.
    resolver = PublicAddressResolver(FakeDns(["93.184.216.34"], ["127.0.0.1"]))
    assert [a["host"] for a in await resolver.resolve("rebind.example", 80)] == ["93.184.216.34"]
    with pytest.raises(AddressRefused):
        await resolver.resolve("rebind.example", 80)


async def test_resolver__treats_an_unparsable_answer_as_refused():
    with pytest.raises(AddressRefused):
        await PublicAddressResolver(FakeDns(["not-an-address"])).resolve("odd.example", 80)


async def test_resolver__closes_the_wrapped_resolver():
    dns = FakeDns()
    await PublicAddressResolver(dns).close()
    assert dns.closed


async def test_request__connects_only_to_the_addresses_the_policy_allows(make_client, remote):
    # localhost resolves to 127.0.0.1 (and ::1 where configured); a policy that calls only
    # 127.0.0.1 public shows the resolver's filtered answer is the one aiohttp connects to.
    client = await make_client(allow_http=True, address_policy=lambda ip: str(ip) == "127.0.0.1")
    port = remote.base.rsplit(":", 1)[1]
    response = await client.request("GET", f"http://localhost:{port}/doc")
    assert response.status == 200


# --- schemes and URLs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "data:application/json,{}", "gopher://127.0.0.1:70/", "ftp://127.0.0.1/", "/doc"],
)
async def test_request__refuses_schemes_other_than_http_and_https(client, url):
    with pytest.raises(FetchError, match="scheme"):
        await client.request("GET", url)


async def test_request__refuses_plain_http_unless_allowed(make_client):
    client = await make_client(allow_private_addresses=False, allow_http=False)
    with pytest.raises(FetchError, match="scheme 'http'"):
        await client.request("GET", "http://example.com/")


async def test_request__refuses_urls_carrying_credentials(client, remote):
    with pytest.raises(FetchError, match="credentials"):
        await client.request("GET", remote.url("/doc").replace("http://", "http://user:pw@"))
    assert remote.seen == []


# --- allowed requests ----------------------------------------------------------------------------


async def test_get_json__works_on_loopback_when_private_addresses_are_allowed(client, remote):
    final_url, document = await client.get_json(remote.url("/doc"))
    assert final_url == remote.url("/doc")
    assert document == {"id": remote.url("/doc"), "type": "Note"}
    [seen] = remote.seen
    assert seen.headers["User-Agent"] == "redfed (+http://127.0.0.1:8000)"
    assert seen.headers["Accept"] == AP_ACCEPT


async def test_request__sends_the_configured_user_agent(remote):
    config = config_from_dict({"federation": {"allow_private_addresses": True, "user_agent": "redfed-test/1.0"}})
    async with HttpClient(config) as client:
        await client.request("GET", remote.url("/doc"))
    assert remote.seen[0].headers["User-Agent"] == "redfed-test/1.0"


async def test_request__returns_error_statuses_instead_of_raising(client, remote):
    response = await client.request("GET", remote.url("/status/500"))
    assert (response.status, response.body) == (500, b"no")
    assert response.headers["content-type"].startswith("text/plain")


async def test_get_json__non_2xx_is_a_fetch_error_carrying_the_remote_status(client, remote):
    with pytest.raises(RemoteStatusError, match="answered 404") as raised:
        await client.get_json(remote.url("/status/404"))
    assert raised.value.remote_status == 404
    assert raised.value.status == 502  # what our own face answers


async def test_request__connection_refused_is_a_fetch_error(client):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="connection failed"):
        await client.request("GET", f"http://127.0.0.1:{closed_port}/")


# --- redirects (items 26, 27) --------------------------------------------------------------------


async def test_redirects__are_followed_up_to_the_limit(client, remote):
    final_url, document = await client.get_json(remote.url(f"/redirect/{MAX_REDIRECTS - 1}"))
    assert final_url == remote.url("/doc")
    assert document["id"] == remote.url("/doc")
    assert len(remote.seen) == MAX_REDIRECTS + 1


async def test_redirects__more_than_the_limit_is_a_fetch_error(client, remote):
    with pytest.raises(FetchError, match=f"more than {MAX_REDIRECTS} redirects"):
        await client.request("GET", remote.url(f"/redirect/{MAX_REDIRECTS}"))
    assert len(remote.seen) == MAX_REDIRECTS + 1


async def test_redirects__a_loop_is_a_fetch_error(client, remote):
    with pytest.raises(FetchError, match="redirect loop"):
        await client.request("GET", remote.url("/loop/a"))
    assert [s.url for s in remote.seen] == [remote.url("/loop/a"), remote.url("/loop/b")]


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "data:text/plain,hi", "gopher://127.0.0.1:70/_GET", "ftp://127.0.0.1/"]
)
async def test_redirects__to_a_non_http_scheme_is_a_fetch_error(client, remote, location):
    with pytest.raises(FetchError, match="scheme"):
        await client.request("GET", remote.url("/to", location=location))


@pytest.mark.parametrize("target", ["http://127.0.0.2:{port}/doc", "http://10.0.0.1/", "http://[::1]:{port}/"])
async def test_redirects__from_a_public_host_to_a_private_one_is_refused(make_client, start_remote, target):
    # With the switch off a loopback server can only be reached if something calls it public, so
    # the client gets a policy under which exactly 127.0.0.1 counts as public: the first server
    # (on 127.0.0.1) plays the public remote. The policy is otherwise the real one, so the hop to
    # 127.0.0.2, where a second server is listening, or to 10.0.0.1 or ::1, must be refused.
    public = await start_remote("127.0.0.1")
    private = await start_remote("127.0.0.2")
    client = await make_client(
        allow_http=True, address_policy=lambda ip: str(ip) == "127.0.0.1" or is_public_address(ip)
    )
    location = target.format(port=private.base.rsplit(":", 1)[1])
    with pytest.raises(AddressRefused):
        await client.request("GET", public.url("/to", location=location))
    assert len(public.seen) == 1
    assert private.seen == []


async def test_redirects__are_not_followed_for_post(client, remote):
    response = await client.request("POST", remote.url("/post-redirect"), body=b"{}")
    assert response.status == 307
    assert [s.url for s in remote.seen] == [remote.url("/post-redirect")]


# --- size cap and deadline (item 28) -------------------------------------------------------------

# Far below the 30 s a missing deadline would take, far above what a loaded 2-core machine needs:
# these check that the deadline holds, not how fast anything is.
LIVENESS_SECONDS = 10


async def test_size_cap__a_2_mib_body_is_a_fetch_error(client, remote):
    with pytest.raises(FetchError, match="response too large"):
        await client.request("GET", remote.url("/sized", bytes=str(2 * 1024 * 1024)))


async def test_size_cap__a_gzip_bomb_stops_at_the_decoded_cap(client, remote, bomb):
    assert len(bomb) < 64 * 1024
    started = time.perf_counter()
    with pytest.raises(FetchError, match="response too large"):
        await client.request("GET", remote.url("/bomb"))
    assert time.perf_counter() - started < LIVENESS_SECONDS


async def test_size_cap__a_body_of_exactly_the_cap_is_accepted(client, remote):
    cap = 1024 * 1024
    response = await client.request("GET", remote.url("/sized", bytes=str(cap)))
    assert len(response.body) == cap
    with pytest.raises(FetchError, match="response too large"):
        await client.request("GET", remote.url("/sized", bytes=str(cap + 1)))


async def test_size_cap__follows_the_configuration(make_client, remote):
    client = await make_client(allow_private_addresses=True, max_response_bytes=100)
    assert len((await client.request("GET", remote.url("/sized", bytes="100"))).body) == 100
    with pytest.raises(FetchError, match="over 100 bytes"):
        await client.request("GET", remote.url("/sized", bytes="101"))


async def test_deadline__a_remote_trickling_one_byte_each_half_second_is_cut_off(make_client, remote):
    client = await make_client(allow_private_addresses=True, fetch_timeout_seconds=1.5)
    started = time.perf_counter()
    with pytest.raises(FetchError, match="within 1.5 s"):
        await client.request("GET", remote.url("/trickle"))
    assert 1.4 < time.perf_counter() - started < LIVENESS_SECONDS


async def test_deadline__a_remote_that_never_answers_is_cut_off(make_client, listener):
    port, connections = listener
    client = await make_client(allow_private_addresses=True, fetch_timeout_seconds=0.5)
    started = time.perf_counter()
    with pytest.raises(FetchError, match="within 0.5 s"):
        await client.request("GET", f"http://127.0.0.1:{port}/")
    assert time.perf_counter() - started < LIVENESS_SECONDS
    assert len(connections) == 1


# --- fetch_activitypub (items 12, 13) ------------------------------------------------------------


async def test_fetch_activitypub__returns_a_document_served_from_its_id(client, remote):
    assert await client.fetch_activitypub(remote.url("/doc")) == {"id": remote.url("/doc"), "type": "Note"}


async def test_fetch_activitypub__accepts_ld_json_with_the_activitystreams_profile(client, remote):
    content_type = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    url = remote.url("/typed", ct=content_type)
    assert await client.fetch_activitypub(url) == {"id": url}


@pytest.mark.parametrize(
    "content_type", ["text/html; charset=utf-8", "application/json", "application/ld+json", "text/plain"]
)
async def test_fetch_activitypub__refuses_a_document_not_served_as_activitypub(client, remote, content_type):
    with pytest.raises(FetchError, match="not ActivityPub"):
        await client.fetch_activitypub(remote.url("/typed", ct=content_type))


async def test_fetch_activitypub__refuses_a_document_whose_id_is_on_another_origin(client, start_remote):
    remote = await start_remote()
    other = await start_remote()
    with pytest.raises(FetchError, match="another origin"):
        await client.fetch_activitypub(remote.url("/claims", id=other.url("/doc")))
    assert other.seen == []
    with pytest.raises(FetchError, match="another origin"):
        await client.fetch_activitypub(remote.url("/claims", id="https://victim.example/users/alice"))


async def test_fetch_activitypub__refetches_a_same_origin_id_once_and_returns_that_document(client, remote):
    document = await client.fetch_activitypub(remote.url("/claims", id="/doc"))
    assert document == {"id": remote.url("/doc"), "type": "Note"}
    assert [s.url for s in remote.seen] == [remote.url("/claims", id="/doc"), remote.url("/doc")]


async def test_fetch_activitypub__does_not_refetch_a_second_time(client, remote):
    # /claims?id=X serves id X; X itself claims yet another URL on the same origin.
    with pytest.raises(FetchError, match="does not match"):
        await client.fetch_activitypub(remote.url("/claims", id=remote.url("/claims", id="/doc")))
    assert len(remote.seen) == 2


async def test_fetch_activitypub__accepts_an_id_equal_to_the_url_after_redirects(client, remote):
    document = await client.fetch_activitypub(remote.url("/to", location="/doc"))
    assert document["id"] == remote.url("/doc")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('["an", "array"]', "must be an object"),
        ('{"id": "x", "id": "y"}', "duplicate key"),
        ('{"n": NaN}', "NaN"),
        ('{"type": "Note"}', "no usable id"),
        ('{"id": 42}', "no usable id"),
    ],
)
async def test_fetch_activitypub__refuses_an_unusable_document(client, remote, body, reason):
    with pytest.raises(FetchError, match=reason) as raised:
        await client.fetch_activitypub(remote.url("/raw", body=body))
    assert raised.value.status == 502


async def test_fetch_activitypub__a_deeply_nested_document_is_refused(client, remote):
    with pytest.raises(FetchError, match="nested deeper"):
        await client.fetch_activitypub(remote.url("/raw", body='{"a":' * 500 + "1" + "}" * 500))


# --- signed requests -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_pair() -> tuple[str, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


@pytest.fixture
def signatures():
    return signature_module


@pytest.fixture
def signing_key(signatures, rsa_pair):
    return signatures.SigningKey(key_id="http://127.0.0.1:8000/users/alice#main-key", private_pem=rsa_pair[0])


@pytest.fixture
def verify(signatures, rsa_pair):
    """Verify as the receiving side would, with the real public key; raises SignatureError."""

    def verify(seen: Seen, *, url: str | None = None, body: bytes | None = None):
        url, body = url or seen.url, seen.body if body is None else body
        return signatures.verify_request(seen.method, url, seen.headers, body, rsa_pair[1], time.time())

    return verify


@pytest.mark.parametrize("rfc9421", [False, True], ids=["cavage", "rfc9421"])
async def test_signed_get__verifies_at_the_remote(client, remote, signing_key, verify, rfc9421):
    response = await client.request("GET", remote.url("/doc"), key=signing_key, rfc9421=rfc9421)
    assert response.status == 200
    [seen] = remote.seen
    assert verify(seen).style == ("rfc9421" if rfc9421 else "cavage")


@pytest.mark.parametrize("rfc9421", [False, True], ids=["cavage", "rfc9421"])
async def test_signed_post__verifies_at_the_remote(client, remote, signing_key, verify, rfc9421):
    body = json.dumps({"type": "Follow", "actor": "http://127.0.0.1:8000/users/alice"}).encode()
    response = await client.post(remote.url("/inbox"), body, key=signing_key, rfc9421=rfc9421)
    assert response.status == 202
    [seen] = remote.seen
    assert seen.body == body
    assert seen.headers["Content-Type"] == "application/activity+json"
    assert verify(seen).key_id == signing_key.key_id


@pytest.mark.parametrize("rfc9421", [False, True], ids=["cavage", "rfc9421"])
async def test_signed_post__a_changed_body_would_not_verify(client, remote, signing_key, verify, rfc9421):
    await client.post(remote.url("/inbox"), b'{"type": "Like"}', key=signing_key, rfc9421=rfc9421)
    [seen] = remote.seen
    with pytest.raises(SignatureError):
        verify(seen, body=b'{"type": "Undo"}')


@pytest.mark.parametrize("rfc9421", [False, True], ids=["cavage", "rfc9421"])
async def test_signed_redirect__each_hop_is_signed_for_its_own_url_at_send_time(
    make_client, start_remote, signing_key, verify, rfc9421
):
    ticks = iter(range(100))
    client = await make_client(allow_private_addresses=True, clock=lambda: time.time() + next(ticks))
    first, second = await start_remote(), await start_remote()
    start = first.url("/to", location=second.url("/doc"))
    await client.request("GET", start, key=signing_key, rfc9421=rfc9421)
    [hop1], [hop2] = first.seen, second.seen
    assert verify(hop1).created < verify(hop2).created  # a fresh Date / created per hop
    assert hop1.headers["Host"] != hop2.headers["Host"]
    with pytest.raises(SignatureError):  # hop 1's signature does not cover hop 2's URL
        verify(hop1, url=hop2.url)
