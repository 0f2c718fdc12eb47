"""Account aliases: the other accounts a local account says it also is (`alsoKnownAs`), which a
move to or from them requires (layer 4).

An alias is given as a handle (`user@host`) or an actor URI and resolved before it is stored, so
only accounts that exist are listed, by their canonical URI. Every change federates as an Update
of the actor, as Mastodon's aliases do.
"""

from dataclasses import replace

from ...errors import BadRequest, FetchError, Forbidden, Gone, NotFound, Unprocessable
from ...federation import ingest
from ...models import Actor
from ..accounts.profiles import save_profile
from ..context import Context

class ChangeRefused(Unprocessable):
    """A refused alias or move (422). `reason` names the rule, for faces that word it themselves
    (the pages translate it); `values` fill that wording."""

    def __init__(self, reason: str, message: str, **values):
        super().__init__(message)
        self.reason = reason
        self.values = values


# Mastodon does not cap aliases; a handful is all a person needs, and the document stays small.
MAX_ALIASES = 10
MAX_INPUT = 2000


async def resolve_account(ctx: Context, given: str, *, fresh: bool = True) -> Actor:
    """The account a handle or actor URI names, fetched from its server (`fresh`) rather than from
    our cache: an alias or a move must see what the account says now."""
    text = given.strip() if isinstance(given, str) else ""
    if not text or len(text) > MAX_INPUT:
        raise ChangeRefused("bad_account", "give the account as user@host or as its actor URL")
    try:
        if text.startswith(("http://", "https://")):
            return await ctx.resolver.actor(text, refresh=fresh)
        if "@" not in text.lstrip("@"):
            raise ChangeRefused("bad_account", "give the account as user@host or as its actor URL")
        found = await ctx.resolver.webfinger(text)
        # WebFinger may answer from the cache of actors; a fresh look reads the document again.
        return await ctx.resolver.actor(found.uri, refresh=True) if fresh and not found.is_local else found
    except (NotFound, Gone, BadRequest) as error:
        raise ChangeRefused("not_found", f"could not find the account {text}: {error.message}") from None
    except (FetchError, Forbidden) as error:
        raise ChangeRefused("unreachable", f"could not reach the account {text}: {error.message}") from None


async def add_alias(ctx: Context, actor: Actor, given: str) -> Actor:
    """List the account `given` names among `actor`'s aliases; returns the changed actor."""
    alias = await resolve_account(ctx, given)
    if alias.uri == actor.uri:
        raise ChangeRefused("alias_self", "an account cannot be an alias of itself")
    if alias.uri in actor.also_known_as:
        raise ChangeRefused("alias_exists", f"{alias.handle} is already an alias")
    if len(actor.also_known_as) >= MAX_ALIASES:
        raise ChangeRefused("too_many_aliases", f"at most {MAX_ALIASES} aliases", num=MAX_ALIASES)
    return await save_profile(ctx, replace(actor, also_known_as=(*actor.also_known_as, alias.uri)))


async def remove_alias(ctx: Context, actor: Actor, given: str) -> Actor:
    """Take an alias off, named by its URI or by its handle (resolved only when no URI matches)."""
    text = given.strip() if isinstance(given, str) else ""
    uri = text if text in actor.also_known_as else None
    if uri is None and text and ingest.parse_http_url(text) is None:
        uri = (await resolve_account(ctx, text, fresh=False)).uri
    if uri is None or uri not in actor.also_known_as:
        raise NotFound(f"{text or 'that account'} is not an alias of this account")
    return await save_profile(ctx, replace(actor, also_known_as=tuple(a for a in actor.also_known_as if a != uri)))
