"""URLs taken from remote documents (layer 1, pure): one strict reading, used for every one.

A URL in a remote document becomes an id we compare, a host we connect to and a link we render. The
libraries downstream each refuse something different, and each refusal used to surface as a crash:
`urlsplit` raises on `http://[`, the socket's IDNA codec on a 64-character label, yarl's `host` on
a `xn--` label that is not punycode, and yarl quietly drops control characters, so two different
strings named one URL (issue 25). `parse_http_url` accepts only what all of them accept:

- a string of at most MAX_URL characters, without whitespace, control characters (C0, DEL, C1) or
  unpaired surrogates anywhere in it;
- the scheme http or https, written out, and a host; no user name or password;
- a port, when one is given, between 1 and 65535;
- the host an IPv4 address, a bracketed IPv6 address (no zone), or a DNS name that after IDNA
  (UTS 46, as yarl maps it) has at most 253 characters, in labels of 1-63 characters that are
  letters, digits, '-' or '_', every `xn--` label valid punycode, the last label not all digits
  (`127.1` is an address to some resolvers); one trailing dot is allowed.

Anything else is None: the caller refuses the activity when the URL is required, or drops the field
when it is optional (FEDERATION.md, "Normalising remote documents").
"""

import ipaddress
import re

from yarl import URL

MAX_URL = 2048
MAX_HOST = 253
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Whitespace and controls (C0, space, DEL, C1) and surrogates; yarl would strip or choke on them.
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\ud800-\udfff]")
_SCHEME = re.compile(r"https?://", re.IGNORECASE)
_LABEL = re.compile(r"[a-z0-9_-]{1,63}")

Origin = tuple[str, str, int]


def parse_http_url(value, *, max_length: int = MAX_URL) -> URL | None:
    """`value` as a yarl URL when it is an absolute http(s) URL by the rules above, else None.
    `max_length` is for what the HTTP client is asked to fetch, whose query may be longer than any
    id a document may hold."""
    if not isinstance(value, str) or len(value) > max_length or _FORBIDDEN.search(value):
        return None
    if not _SCHEME.match(value):
        return None
    try:
        url = URL(value)
        port = url.port  # yarl raises on an out-of-range port only when asked
        url.host  # decodes punycode: raises on a `xn--` label that is not
    except (ValueError, TypeError):  # UnicodeError is a ValueError
        return None
    if not url.raw_host or port is None or not 0 < port < 65536:
        return None
    if url.user is not None or url.password is not None or not _valid_host(url.raw_host):
        return None
    return url


def http_url(value) -> str | None:
    """`value` itself when it is a valid http(s) URL, else None: ids are kept as the remote wrote them."""
    return value if parse_http_url(value) is not None else None


def url_origin(value) -> Origin | None:
    """(scheme, host, port) of an http(s) URL, the host lower-case, IDNA-encoded, no trailing dot."""
    url = parse_http_url(value)
    if url is None:
        return None
    return url.scheme, url.raw_host.lower().rstrip("."), url.port


def url_domain(value) -> str | None:
    """host[:port] as in acct: handles: the canonical host, the port only when not the default."""
    origin = url_origin(value)
    if origin is None:
        return None
    scheme, host, port = origin
    host = f"[{host}]" if ":" in host else host
    return host if port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"


def same_origin(a, b) -> bool:
    origin = url_origin(a)
    return origin is not None and origin == url_origin(b)


def _valid_host(host: str) -> bool:
    if ":" in host:  # yarl has checked the brackets' content is an IPv6 address; no zone ids
        return "%" not in host
    try:
        ipaddress.IPv4Address(host)
        return True
    except ValueError:
        pass
    name = host.lower().removesuffix(".")
    if not name.isascii() or len(name) > MAX_HOST:
        return False
    labels = name.split(".")
    return all(_LABEL.fullmatch(label) for label in labels) and not labels[-1].isdigit()
