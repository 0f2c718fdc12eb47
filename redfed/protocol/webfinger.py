"""WebFinger (RFC 7033) resources and JRD documents (layer 1, pure)."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import BadRequest

PROFILE_PAGE_REL = "http://webfinger.net/rel/profile-page"
SUBSCRIBE_REL = "http://ostatus.org/schema/1.0/subscribe"
JRD_CONTENT_TYPE = "application/jrd+json"

# Remote software allows dots and dashes in usernames, and an instance actor is named after its
# host:port, as on Mastodon; nothing else is allowed, so no second '@' or path can hide in a name.
_USERNAME = re.compile(r"[A-Za-z0-9_.:\-]+")
_DOMAIN = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


@dataclass(frozen=True)
class Acct:
    username: str
    domain: str  # lower-cased host[:port]


def parse_resource(resource: str | None) -> Acct | str:
    """`acct:user@host[:port]` (or bare `user@host`, which Mastodon accepts) → Acct; an http(s) URL
    is returned as it is. Anything else is a BadRequest."""
    resource = (resource or "").strip()
    if not resource:
        raise BadRequest("the resource parameter is required")
    if resource.startswith(("http://", "https://")):
        if not urlsplit(resource).hostname:
            raise BadRequest("resource URL has no host")
        return resource
    if resource.lower().startswith("acct:"):
        resource = resource[5:]
    username, at, domain = resource.lstrip("@").rpartition("@")
    if not at or not _USERNAME.fullmatch(username) or not _DOMAIN.fullmatch(domain):
        raise BadRequest("resource must be acct:user@domain or an actor URL")
    return Acct(username, domain.lower().rstrip("."))


def build_jrd(subject: str, actor_uri: str, profile_url: str | None, interaction_template: str | None) -> dict:
    links = []
    if profile_url:
        links.append({"rel": PROFILE_PAGE_REL, "type": "text/html", "href": profile_url})
    links.append({"rel": "self", "type": "application/activity+json", "href": actor_uri})
    if interaction_template:
        links.append({"rel": SUBSCRIBE_REL, "template": interaction_template})
    aliases = [actor_uri] + ([profile_url] if profile_url else [])
    return {"subject": subject, "aliases": aliases, "links": links}


def self_link(jrd: dict) -> str | None:
    """The ActivityPub actor URL a JRD points at, if any."""
    for link in jrd.get("links") or []:
        if not isinstance(link, dict) or link.get("rel") != "self":
            continue
        media_type = str(link.get("type", "")).split(";")[0].strip()
        if media_type in ("application/activity+json", "application/ld+json") and isinstance(link.get("href"), str):
            return link["href"]
    return None
