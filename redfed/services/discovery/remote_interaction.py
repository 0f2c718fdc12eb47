"""Following and interacting from another server (layer 4): a visitor names their own account,
`user@their.server`, and is sent to the page where their server lets them act on our account or
post.

Their server's WebFinger says where: a FEP-3b86 intent link (`https://w3id.org/fep/3b86/Follow`,
`.../Object`, ...) if it publishes one, else the OStatus subscribe template that Mastodon and most
servers publish (`http://ostatus.org/schema/1.0/subscribe`, `{uri}`). The lookup goes through the
federation HTTP client, so a handle whose server is on a private address is refused unless the
config allows those. We also publish both for our own accounts (web/wellknown.py).
"""

from dataclasses import dataclass

from ...errors import BadRequest, Unprocessable
from ...federation import ingest
from ...models import Actor
from ...protocol import webfinger
from ..context import Context
from ..social import relationships
from ..views import AccountView, StatusView
from . import search

AUTHORIZE_PATH = "/authorize_interaction"
# What the visitor means to do, as FEP-3b86 intents in order of preference.
INTENTS = {"follow": ("Follow", "Object"), "object": ("Object", "Like", "Announce")}
# The intents our WebFinger publishes: each opens the object on the authorize page, which offers
# what can be done with it (follow, or like, boost and reply).
PUBLISHED_INTENTS = ("Follow", "Object", "Like", "Announce")
MAX_HANDLE = 320


class BadHandle(BadRequest):
    """Not an address of the form user@server."""


class NoInteractionLink(Unprocessable):
    """Their server publishes neither an intent nor a subscribe template we can use."""


@dataclass(frozen=True)
class Handle:
    username: str
    domain: str

    def __str__(self) -> str:
        return f"{self.username}@{self.domain}"


def parse_handle(text: str) -> Handle:
    """`user@server` (a leading '@' or `acct:` is fine) → Handle, else BadHandle."""
    text = (text or "").strip()
    if not text or len(text) > MAX_HANDLE:
        raise BadHandle("enter your address as user@server")
    try:
        acct = webfinger.parse_resource("acct:" + text.removeprefix("acct:").lstrip("@"))
    except BadRequest:
        raise BadHandle("enter your address as user@server") from None
    return Handle(acct.username, acct.domain)


def published_intents(base_url: str) -> dict[str, str]:
    """FEP-3b86 templates for our WebFinger: the authorize page for each intent about an object,
    and the compose page, filled in, for Create."""
    intents = {intent: f"{base_url}{AUTHORIZE_PATH}?uri={{object}}" for intent in PUBLISHED_INTENTS}
    intents["Create"] = f"{base_url}/compose?text={{content}}&in_reply_to_uri={{inReplyTo}}"
    return intents


def subscribe_template(base_url: str) -> str:
    return f"{base_url}{AUTHORIZE_PATH}?uri={{uri}}"


async def interaction_url(ctx: Context, handle: Handle, object_uri: str, kind: str) -> str:
    """Where `handle`'s own server lets them act on `object_uri` (one of ours): `kind` is
    "follow" for an account, "object" for a post. Raises what the WebFinger lookup raises
    (FetchError, AddressRefused, NotFound, Forbidden for a blocked domain) or NoInteractionLink."""
    if handle.domain == ctx.config.domain:
        # One of our own accounts: no lookup, straight to our own page.
        return webfinger.expand_template(subscribe_template(ctx.urls.base), "uri", object_uri)
    jrd = await ctx.resolver.webfinger_document(webfinger.Acct(handle.username, handle.domain))
    found = webfinger.interaction_template(jrd, INTENTS.get(kind, INTENTS["object"]))
    if found is None:
        raise NoInteractionLink(f"{handle} publishes no way to interact from its server")
    url = webfinger.expand_template(found[0], found[1], object_uri)
    # Only a web page: never a javascript: or data: URL a hostile server may publish.
    if ingest.parse_http_url(url) is None:
        raise NoInteractionLink(f"{handle} publishes an unusable interaction link")
    return url


@dataclass(frozen=True)
class Target:
    """What an authorize_interaction URI names, as the signed-in viewer may see it."""

    account: AccountView | None = None
    relationship: relationships.Relationship | None = None  # None for the viewer's own account
    status: StatusView | None = None


async def authorize_target(ctx: Context, viewer: Actor, uri: str) -> Target | None:
    """The account or post at `uri` (a URL, or `acct:user@server`), fetched from its server when we
    do not know it yet, as a pasted URL in search is. None when there is nothing there the viewer
    may see."""
    text = uri.strip().removeprefix("acct:")
    if not text or len(text) > 2000:
        return None
    if ingest.parse_http_url(text) is None:
        try:
            text = str(parse_handle(text))
        except BadHandle:
            return None
    kinds = frozenset({"accounts", "statuses"})
    found = await search.search(ctx, viewer, search.SearchQuery(text=text, kinds=kinds, resolve=True, limit=1))
    if found.statuses:
        return Target(status=found.statuses[0])
    if found.accounts:
        account = found.accounts[0]
        own = account.actor.id == viewer.id
        relationship = None if own else (await relationships.relationships(ctx, viewer, [account.actor.id]))[0]
        return Target(account=account, relationship=relationship)
    return None
