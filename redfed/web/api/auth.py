"""Bearer tokens and scopes for API routes (layer 6).

`@scope("read:statuses")` requires a token that covers the scope: a missing or unknown token is
401, a token without the scope 403, both as Mastodon words them. `@optional_token` lets anonymous
callers through (public timelines, account lookups) while still reading a token if one is sent.
"""

from collections.abc import Callable
from functools import wraps

from quart import g, request

from ...errors import Forbidden, Unauthorized, Unprocessable
from ...models import User
from ...services.accounts import oauth
from ..context import runtime

INVALID_TOKEN = "The access token is invalid"
OUTSIDE_SCOPES = "This action is outside the authorized scopes"


async def _caller() -> oauth.Caller | None:
    header = request.headers.get("Authorization", "")
    scheme, _, bearer = header.partition(" ")
    if not header:
        bearer = request.args.get("access_token", "")  # streaming clients send it as a parameter
    elif scheme.lower() != "bearer":
        raise Unauthorized(INVALID_TOKEN)
    if not bearer.strip():
        return None
    caller = await oauth.authenticate_token(runtime().db, bearer.strip())
    if caller is None:
        raise Unauthorized(INVALID_TOKEN)
    return caller


def scope(required: str, *, user: bool = True) -> Callable:
    """Require a token covering `required`; with `user`, a token that acts for an account."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        async def guarded(*args, **kwargs):
            caller = await _caller()
            if caller is None:
                raise Unauthorized(INVALID_TOKEN)
            if not caller.allows(required):
                raise Forbidden(OUTSIDE_SCOPES)
            if user and caller.actor is None:
                # Mastodon's answer to an app-only token on an account endpoint.
                raise Unprocessable("This method requires an authenticated user")
            g.caller = caller
            return await view(*args, **kwargs)

        return guarded

    return decorate


def optional_token(view: Callable) -> Callable:
    @wraps(view)
    async def maybe(*args, **kwargs):
        g.caller = await _caller()
        return await view(*args, **kwargs)

    return maybe


def caller() -> oauth.Caller:
    return g.caller


def moderator() -> User:
    """The calling moderator (an admin): anyone else is refused, as Mastodon refuses them."""
    user = caller().user
    if user is None or not user.is_admin:
        raise Forbidden("This action is not allowed")
    return user


def viewer():
    """The calling account's actor, or None for anonymous and app-only callers."""
    found = g.get("caller")
    return found.actor if found else None
