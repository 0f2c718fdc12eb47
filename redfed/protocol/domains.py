"""Domain names as moderation sees them (layer 1, pure): one canonical form, and which hosts a
domain block covers.

A block names a domain the way Mastodon's DomainBlock does: lower case, IDNA (punycode), no
trailing dot, no scheme or path. It may carry a port (`127.0.0.1:8001`, how a development server
or a test instance is addressed), and then covers that authority only; without a port it covers
the host on any port and every subdomain of it (a block on example.com covers sub.example.com),
as Mastodon's DomainBlock.rule_for walks a domain's parents.
"""

import hashlib
import ipaddress
import re
from urllib.parse import urlsplit

from ..errors import Unprocessable

MAX_DOMAIN_LENGTH = 253
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_PORT = re.compile(r"^[0-9]{1,5}$")


def normalise_domain(text: str) -> str:
    """What an admin typed (`Example.COM.`, `bücher.example`, `host:8001`) → the stored form.
    Refuses anything that is not a domain name or an IPv4 address with an optional port."""
    if not isinstance(text, str):
        raise Unprocessable("Validation failed: Domain is not a valid domain name")
    value = text.strip().lower()
    host, colon, port = value.partition(":") if value.count(":") == 1 else (value, "", "")
    host = host.rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError:
        raise Unprocessable("Validation failed: Domain is not a valid domain name") from None
    labels = host.split(".")
    if (
        not host or len(host) > MAX_DOMAIN_LENGTH or not all(_LABEL.match(label) for label in labels)
        or (colon and (not _PORT.match(port) or not 0 < int(port) < 65536))
    ):
        raise Unprocessable("Validation failed: Domain is not a valid domain name")
    return f"{host}:{int(port)}" if port else host


def authority_of(uri_or_authority: str) -> str:
    """host[:port] of a URL, lower case without a trailing dot; an authority passes through."""
    value = uri_or_authority if "//" in uri_or_authority else "//" + uri_or_authority
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    default = {"http": 80, "https": 443}.get(parts.scheme)
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" if port and port != default else host


def parents(authority: str) -> list[str]:
    """Every block domain that would cover `authority`, most specific first:
    `a.b.example:81` → a.b.example:81, a.b.example, b.example, example."""
    host, _, port = authority.rpartition(":") if authority.rpartition(":")[2].isdigit() else (authority, "", "")
    if _is_ip(host):
        names = [host]  # an address has no parent domains
    else:
        labels = host.split(".")
        names = [".".join(labels[i:]) for i in range(len(labels))]
    return ([authority] if port else []) + names


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def covers(block_domain: str, authority: str) -> bool:
    return block_domain in parents(authority)


def digest(domain: str) -> str:
    """The SHA-256 Mastodon publishes next to each block, so that an obfuscated name can be checked."""
    return hashlib.sha256(domain.encode()).hexdigest()


def obfuscate(domain: str) -> str:
    """Mastodon's DomainBlock#obfuscated_domain shape: most letters starred, the length kept."""
    if len(domain) <= 4:
        return "*" * len(domain)
    keep = max(1, len(domain) // 4)
    return domain[:keep] + "*" * (len(domain) - 2 * keep) + domain[-keep:]
