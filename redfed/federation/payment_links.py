"""Payment links ↔ ActivityStreams (layer 3, pure): FEP-0ea0 `Link` objects with `rel: payment` in
an actor's `attachment`, beside Mastodon's PropertyValue profile fields.
https://codeberg.org/fediverse/fep/src/branch/main/fep/0ea0/fep-0ea0.md

Received links are read as our own are checked: http(s) only, at most MAX_LINKS, a name of at
most MAX_NAME characters; anything else in a remote document is skipped, never an error.
"""

import re

from ..protocol import as2
from ..protocol.http_urls import http_url
from ..store.accounts.payment_links import PaymentLink

MAX_LINKS = 10
MAX_NAME = 100
MAX_HREF = 2048
_UNSAFE = re.compile(r"[\s<>\"\x00-\x1f]")


def is_payment_url(href) -> bool:
    """An absolute http(s) URL by the strict parser (urlsplit raised on `http://[`, out of an actor
    fetch), short enough and without characters that break out."""
    if not isinstance(href, str) or len(href) > MAX_HREF or _UNSAFE.search(href):
        return False
    return http_url(href) is not None


def links_to_ap(links) -> list[dict]:
    return [
        {"type": "Link", "href": link.href, "rel": ["payment"], **({"name": link.name} if link.name else {})}
        for link in links
    ]


def ap_to_links(attachment) -> list[PaymentLink]:
    """The payment links of a received actor's `attachment` (the first MAX_LINKS usable ones)."""
    found = []
    for item in as2.as_list(attachment)[:100]:
        if not isinstance(item, dict) or item.get("type") != "Link" or "payment" not in as2.as_list(item.get("rel")):
            continue
        if not is_payment_url(item.get("href")):
            continue
        name = item.get("name") if isinstance(item.get("name"), str) else ""
        found.append(PaymentLink(item["href"], re.sub(r"<[^>]*>", "", name).strip()[:MAX_NAME]))
        if len(found) == MAX_LINKS:
            break
    return found
