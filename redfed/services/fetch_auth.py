"""Who signed a GET (layer 4): authorized fetch of posts that are not public.

Mastodon serves a followers-only or direct status only to a fetch signed by someone allowed to
see it (app/controllers/concerns/signature_verification.rb, StatusPolicy#show?). The signature is
checked as on the inbox (inbox/verify.py): resolve the key, verify with both signature styles,
refetch the key once if it does not verify (the owner may have rotated it). Unlike the inbox, a
failure here is no error: the request is simply anonymous, and the caller answers 404 rather than
401 or 403, so that nothing tells a stranger the post exists (checklist 35).
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import RedfedError, SignatureError
from ..models import Actor
from ..protocol.signatures import signature_key_id, signature_style, verify_request
from .context import Context

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchRequest:
    """A GET as the service sees it: our canonical URL for it (what a signature covers, whatever a
    proxy did to scheme and host) and its headers."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)


async def signer_of(ctx: Context, request: FetchRequest) -> Actor | None:
    """The actor whose key validly signed `request`, or None: unsigned, malformed, expired, not
    verifying, an unreachable or blocked key, a suspended signer. Never raises for any of these."""
    if signature_style(request.headers) is None:
        return None
    try:
        key_id = signature_key_id(request.headers)
    except SignatureError as error:
        log.info("unusable signature on GET %s: %s", request.url, error.message)
        return None
    if ctx.domains.is_suspended(key_id):
        return None
    try:
        return await _verified_signer(ctx, request, key_id)
    except RedfedError as error:
        # Fetch failures included: a key we cannot get is a signature we cannot trust.
        log.info("GET %s signed by %s not accepted: %s", request.url, key_id, error.message)
        return None


async def _verified_signer(ctx: Context, request: FetchRequest, key_id: str) -> Actor | None:
    skew = ctx.config.federation.signature_skew_seconds
    for refresh in (False, True):
        actor, key = await ctx.resolver.public_key(key_id, refresh=refresh)
        if actor.suspended_at is not None:
            return None
        try:
            verify_request("GET", request.url, request.headers, None, key.public_pem, ctx.clock(), skew)
            return actor
        except SignatureError as error:
            # Only a signature that does not verify may mean a rotated key; an expired or
            # malformed one never will, and must not cost the signer's server a refetch.
            if refresh or error.message != "signature does not verify":
                raise
    return None
