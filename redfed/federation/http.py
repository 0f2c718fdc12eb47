"""The only outbound HTTP client in redfed (layer 3: config, errors, protocol, aiohttp, stdlib).

Owns every request redfed makes to another server: the address policy (no private or loopback
targets unless `federation.allow_private_addresses`, like Fedify's `allowPrivateAddress`),
redirects (followed here, one validated hop at a time), signing each hop at send time, the total
deadline, the decoded body cap and the ActivityPub fetch rules (checklist items 12, 13, 24-28).
"""

import asyncio
import ipaddress
import logging
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from ..config import Config
from ..errors import AddressRefused, BadRequest, FetchError
from ..protocol.documents import is_activitypub_content_type, parse_json_object
from ..protocol.http_urls import parse_http_url
from ..protocol.signatures import SigningKey, sign_request, sign_request_rfc9421

logger = logging.getLogger(__name__)

AP_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
AP_CONTENT_TYPE = "application/activity+json"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# NAT64 (RFC 6052) embeds an IPv4 address in its low 32 bits; is_global says nothing about it.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_CHUNK_BYTES = 64 * 1024
_CONNECTIONS_PER_HOST = 8
# What most servers take in a request line; ids in documents are held to MAX_URL (2048) on arrival.
_MAX_REQUEST_URL = 8192


class RemoteStatusError(FetchError):
    """The remote answered with a non-2xx status, kept in `remote_status`.

    Not named `status`: `RedfedError.status` is what our own face answers (502 here), and a
    remote's 401 or 404 must not become ours.
    """

    def __init__(self, message: str, remote_status: int):
        super().__init__(message)
        self.remote_status = remote_status


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]  # case-insensitive
    body: bytes
    url: str  # after redirects, without fragment


def is_public_address(ip: IPAddress) -> bool:
    """True when `ip` is globally routable unicast, looking through IPv4-in-IPv6 encodings."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped if ip.ipv4_mapped is not None else ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
        if int(ip) >> 32 == 0:  # ::/96, the deprecated IPv4-compatible form, and :: itself
            return False
    # Python 3.11 reports IPv4 multicast as global.
    return ip.is_global and not ip.is_multicast


class PublicAddressResolver(AbstractResolver):
    """Wraps a DNS resolver and drops every answer that fails the address policy.

    aiohttp connects only to the addresses this returns, so the address checked is the address
    used: a name that answers public, then private, cannot slip through (DNS rebinding, item 25).
    """

    def __init__(self, inner: AbstractResolver, is_allowed: Callable[[IPAddress], bool] = is_public_address):
        self._inner = inner
        self._is_allowed = is_allowed

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        allowed = [a for a in answers if self._permits(a["host"])]
        if not allowed:
            logger.info("refused %s: it resolves only to non-public addresses", host)
            raise AddressRefused(f"{host} resolves only to non-public addresses")
        if len(allowed) < len(answers):
            logger.warning("dropped non-public addresses of %s", host)
        return allowed

    async def close(self) -> None:
        await self._inner.close()

    def _permits(self, address: str) -> bool:
        try:
            return self._is_allowed(ipaddress.ip_address(address))
        except ValueError:
            return False


class HttpClient:
    def __init__(
        self,
        config: Config,
        *,
        clock: Callable[[], float] = time.time,
        address_policy: Callable[[IPAddress], bool] = is_public_address,
    ):
        """`address_policy` exists for tests that need a loopback server to play a public host."""
        self._config = config
        self._federation = config.federation
        self._clock = clock
        self._allowed = (lambda ip: True) if self._federation.allow_private_addresses else address_policy
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        resolver = aiohttp.DefaultResolver()
        if not self._federation.allow_private_addresses:
            resolver = PublicAddressResolver(resolver, self._allowed)
        # No DNS cache: every new connection is resolved, and so filtered, again.
        connector = aiohttp.TCPConnector(
            resolver=resolver, use_dns_cache=False, limit_per_host=_CONNECTIONS_PER_HOST
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=True,
            timeout=aiohttp.ClientTimeout(total=self._federation.fetch_timeout_seconds),
        )

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def __aenter__(self) -> "HttpClient":
        await self.start()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        key: SigningKey | None = None,
        rfc9421: bool = False,
        max_bytes: int | None = None,
    ) -> HttpResponse:
        """Send one request, following redirects for GET; HTTP error statuses are returned, not raised.
        `max_bytes` replaces the response cap (federation.max_response_bytes) for a file's bytes."""
        if self._session is None:
            raise RuntimeError("HttpClient used before start()")
        seconds = self._federation.fetch_timeout_seconds
        try:
            # One deadline for every hop and every body byte: a remote trickling a byte at a time
            # never resets it (item 28).
            async with asyncio.timeout(seconds):
                return await self._follow(method.upper(), url, headers or {}, body, key, rfc9421, max_bytes)
        except TimeoutError:
            raise FetchError(f"{url}: no complete answer within {seconds:g} s") from None

    async def _follow(self, method, url, headers, body, key, rfc9421, max_bytes=None) -> HttpResponse:
        target = self._checked_url(url)
        seen = {target}
        for _ in range(self._federation.max_redirects + 1):
            response = await self._send(method, target, headers, body, key, rfc9421, max_bytes)
            location = response.headers.get("Location")
            if method != "GET" or response.status not in _REDIRECT_STATUSES or not location:
                return response
            target = self._checked_url(_join(target, location))
            if target in seen:
                raise FetchError(f"{url}: redirect loop at {target}")
            seen.add(target)
        raise FetchError(f"{url}: more than {self._federation.max_redirects} redirects")

    async def _send(self, method, target: URL, headers, body, key, rfc9421, max_bytes=None) -> HttpResponse:
        hop_headers = CIMultiDict(headers)
        hop_headers["User-Agent"] = self._config.user_agent
        if key is not None:
            # Signed per hop and at send time: a signature covers one URL and one Date. The signer
            # returns the whole header set, Host included, so that aiohttp sends what was signed.
            sign = sign_request_rfc9421 if rfc9421 else sign_request
            hop_headers = CIMultiDict(sign(method, str(target), hop_headers, body, key, self._clock()))
        try:
            async with self._session.request(
                method, target, headers=hop_headers, data=body, allow_redirects=False
            ) as response:
                content = await self._read_capped(response, target, max_bytes)
                logger.debug("%s %s answered %s", method, target, response.status)
                return HttpResponse(
                    status=response.status,
                    headers=CIMultiDictProxy(CIMultiDict(response.headers)),
                    body=content,
                    url=str(target),
                )
        except TimeoutError:
            raise  # becomes the deadline error in request()
        except (aiohttp.ClientError, OSError, UnicodeError) as e:
            # UnicodeError: the resolver's IDNA codec, should a host the parser passed still fail it.
            raise FetchError(f"{target}: connection failed ({type(e).__name__})") from e

    async def _read_capped(self, response: aiohttp.ClientResponse, target: URL, max_bytes: int | None = None) -> bytes:
        # Count decoded bytes: aiohttp inflates gzip as we read, so a small bomb stops at the cap.
        limit = max_bytes or self._federation.max_response_bytes
        chunks, size = [], 0
        async for chunk in response.content.iter_chunked(_CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                raise FetchError(f"{target}: response too large (over {limit} bytes)")
            chunks.append(chunk)
        return b"".join(chunks)

    def _checked_url(self, url: str | URL) -> URL:
        """Parse and vet one hop: scheme, no credentials, and IP literals against the policy."""
        try:
            target = URL(url).with_fragment(None)  # never sent; ids are compared without it
        except (ValueError, TypeError):
            raise FetchError(f"not a usable URL: {str(url)[:200]!r}") from None
        plain_ok = self._federation.allow_http or self._federation.allow_private_addresses
        if target.scheme != "https" and not (target.scheme == "http" and plain_ok):
            raise FetchError(f"{target}: scheme {target.scheme or 'missing'!r} is not allowed")
        if target.user is not None or target.password is not None:
            raise FetchError(f"{target}: URLs with credentials are not fetched")
        # aiohttp never asks the resolver about an IP literal, so literals are checked here.
        literal = _ip_literal(target.raw_host or "")
        if literal is not None and not self._allowed(literal):
            raise AddressRefused(f"{target}: {literal} is not a public address")
        # The strict parser of remote URLs as well, on the text as given (yarl drops control
        # characters): a 64-character label or a bad `xn--` one used to escape from the socket's
        # IDNA codec as a UnicodeError (issue 25, cause 2).
        if parse_http_url(str(url), max_length=_MAX_REQUEST_URL) is None:
            raise FetchError(f"not a usable URL: {str(url)[:200]!r}")
        return target

    async def get_json(
        self, url: str, *, key: SigningKey | None = None, accept: str = AP_ACCEPT
    ) -> tuple[str, dict]:
        """GET a JSON object; returns (final URL, document)."""
        response, document = await self._get_document(url, key, accept)
        return response.url, document

    async def fetch_activitypub(self, url: str, *, key: SigningKey | None = None) -> dict:
        """GET an ActivityPub document whose `id` is the URL it was served from (item 12)."""
        response, document = await self._get_activitypub(url, key)
        claimed = _document_id(document, response.url)
        if claimed == URL(response.url):
            return document
        if claimed.origin() != URL(response.url).origin():
            raise FetchError(f"{response.url}: document id {claimed} is on another origin")
        # Same origin, different id: the id is authoritative there, so fetch it, once.
        logger.info("refetching %s as its id %s", response.url, claimed)
        response, document = await self._get_activitypub(str(claimed), key)
        if _document_id(document, response.url) != URL(response.url):
            raise FetchError(f"{response.url}: document id does not match its URL")
        return document

    async def post(
        self, url: str, body: bytes, *, key: SigningKey, content_type: str = AP_CONTENT_TYPE, rfc9421=False
    ) -> HttpResponse:
        headers = {"Content-Type": content_type}
        return await self.request("POST", url, headers=headers, body=body, key=key, rfc9421=rfc9421)

    async def _get_activitypub(self, url: str, key: SigningKey | None) -> tuple[HttpResponse, dict]:
        response, document = await self._get_document(url, key, AP_ACCEPT)
        content_type = response.headers.get("Content-Type", "")
        if not is_activitypub_content_type(content_type):
            raise FetchError(f"{response.url}: served as {content_type[:100]!r}, not ActivityPub")
        return response, document

    async def _get_document(self, url: str, key: SigningKey | None, accept: str) -> tuple[HttpResponse, dict]:
        response = await self.request("GET", url, headers={"Accept": accept}, key=key)
        if not 200 <= response.status < 300:
            raise RemoteStatusError(f"{response.url} answered {response.status}", response.status)
        try:
            return response, parse_json_object(response.body)
        except BadRequest as e:
            # The remote's document is bad, not our caller's request: a fetch failure, 502.
            raise FetchError(f"{response.url}: {e.message}") from None


def _join(base: URL, location: str) -> URL | str:
    try:
        return base.join(URL(location))
    except (ValueError, TypeError):
        return location  # _checked_url reports it


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    # 2130706433, 127.1 or 0x7f.1 are IPv4 to inet_aton though not to ipaddress: refuse rather
    # than guess (no DNS name ends in an all-numeric label).
    last_label = host.rstrip(".").rpartition(".")[2].lower()
    if last_label.isdigit() or last_label.startswith("0x"):
        raise AddressRefused(f"{host} is not a canonical IP address")
    return None


def _document_id(document: dict, url: str) -> URL:
    # An id of `//1` is absolute to yarl but has no scheme, and its origin() raised a ValueError
    # out of the inbox while the signer's key was fetched (issue 25, cause 20).
    claimed = parse_http_url(document.get("id"))
    if claimed is None:
        raise FetchError(f"{url}: document has no usable id")
    return claimed.with_fragment(None)
