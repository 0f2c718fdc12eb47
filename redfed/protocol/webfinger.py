"""WebFinger (RFC 7033) resources and JRD documents (layer 1, pure)."""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ..errors import BadRequest

PROFILE_PAGE_REL = "http://webfinger.net/rel/profile-page"
SUBSCRIBE_REL = "http://ostatus.org/schema/1.0/subscribe"
# FEP-3b86 Activity Intents: `rel` is this prefix plus the activity the user means to perform.
INTENT_PREFIX = "https://w3id.org/fep/3b86/"
JRD_CONTENT_TYPE = "application/jrd+json"
MAX_RESOURCE = 2_048  # characters; no actor URL or acct: of ours comes near

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
    if len(resource) > MAX_RESOURCE:
        raise BadRequest(f"resource is longer than {MAX_RESOURCE} characters")
    if resource.startswith(("http://", "https://")):
        if not _url_host(resource):
            raise BadRequest("resource URL has no valid host")
        return resource
    if resource.lower().startswith("acct:"):
        resource = resource[5:]
    username, at, domain = resource.lstrip("@").rpartition("@")
    if not at or not _USERNAME.fullmatch(username) or not _DOMAIN.fullmatch(domain):
        raise BadRequest("resource must be acct:user@domain or an actor URL")
    return Acct(username, domain.lower().rstrip("."))


def _url_host(url: str) -> str | None:
    # urlsplit refuses what only looks like a host after NFKC ("x℀" holds a "/") and bad ports.
    try:
        parts = urlsplit(url)
        parts.port
    except ValueError:
        return None
    return parts.hostname


def build_jrd(
    subject: str, actor_uri: str, profile_url: str | None, interaction_template: str | None,
    intents: dict[str, str] | None = None,
) -> dict:
    """`intents` maps FEP-3b86 activity names (Follow, Like, Object ...) to URI templates."""
    links = []
    if profile_url:
        links.append({"rel": PROFILE_PAGE_REL, "type": "text/html", "href": profile_url})
    links.append({"rel": "self", "type": "application/activity+json", "href": actor_uri})
    if interaction_template:
        links.append({"rel": SUBSCRIBE_REL, "template": interaction_template})
    for activity, template in (intents or {}).items():
        links.append({"rel": INTENT_PREFIX + activity, "template": template})
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


def interaction_template(jrd: dict, intents: tuple[str, ...]) -> tuple[str, str] | None:
    """Where the JRD's owner can act on an object from their own server: (template, parameter).
    The first FEP-3b86 intent of `intents` the JRD lists (its parameter is `object`), else the
    OStatus subscribe template (parameter `uri`), else None."""
    templates = {}
    for link in jrd.get("links") or []:
        if isinstance(link, dict) and isinstance(link.get("rel"), str) and isinstance(link.get("template"), str):
            templates.setdefault(link["rel"], link["template"])
    for intent in intents:
        if INTENT_PREFIX + intent in templates:
            return templates[INTENT_PREFIX + intent], "object"
    if SUBSCRIBE_REL in templates:
        return templates[SUBSCRIBE_REL], "uri"
    return None


_TEMPLATE_VARIABLE = re.compile(r"\{([^{}]*)\}")


def expand_template(template: str, parameter: str, value: str) -> str:
    """RFC 6570 level 1 for one variable, percent-encoded; every other variable becomes empty, as
    FEP-3b86 section 3.2 asks of remote servers."""
    return _TEMPLATE_VARIABLE.sub(lambda m: quote(value, safe="") if m[1] == parameter else "", template)
