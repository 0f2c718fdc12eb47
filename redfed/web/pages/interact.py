"""Following and interacting across servers (layer 6).

Outgoing: the form on profiles and posts where a visitor names their account elsewhere; we look
it up (services/discovery/remote_interaction.py) and send them on to their server's page for our account or
post. The form works without a session, so it carries a signed double-submit pair (a nonce cookie
and its HMAC in the form, as the sign-in form does): no link and no other site can make a browser
post it, so none can turn this site into a redirector.

Incoming: `/authorize_interaction?uri=...`, the page our WebFinger advertises (OStatus subscribe
template and FEP-3b86 intents). A signed-in person sees the account with a follow button, or the
post with like, boost and reply; anyone else signs in first and comes back.
"""

from quart import after_this_request, g, request

from ...errors import BadRequest, FetchError, Forbidden, Gone, NotFound
from ...services.accounts import sessions
from ...services.discovery import remote_interaction
from ...services.social import follows, relationships
from ..context import runtime
from .cards import card
from .common import (
    EXPIRED_FORM, N_, _, blueprint, check_csrf, form, page, safe_next, secure_cookies, see_other, signed_in, visit,
)

REMOTE_CSRF_COOKIE = "redfed_remote_csrf"
REMOTE_PATH = "/remote_interaction"
MAX_URI = 2000
MAX_ROW_ID = 2**63 - 1

NOT_FOUND_HERE = N_("We could not find that account or post.")
KINDS = ("follow", "object")


async def _remote_csrf_token() -> str:
    """The form token for this page, from the browser's nonce cookie (set now if missing)."""
    token = g.get("redfed_remote_token")
    if token is not None:
        return token
    rt = runtime()
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    now = rt.services.now_ms()
    nonce = request.cookies.get(REMOTE_CSRF_COOKIE, "")
    if not (16 <= len(nonce) <= 64 and nonce.isascii()):
        nonce, token = sessions.new_login_csrf(key, now)
    else:
        token = sessions.login_csrf_token(key, nonce, now)

    @after_this_request
    async def keep_nonce(response):
        response.set_cookie(
            REMOTE_CSRF_COOKIE, nonce, max_age=sessions.LOGIN_CSRF_LIFETIME_MS // 1000, path=REMOTE_PATH,
            httponly=True, samesite="Lax", secure=secure_cookies(),
        )
        # A page carrying someone's cookie is never kept in a shared cache.
        response.headers["Cache-Control"] = "private, no-store"
        return response

    g.redfed_remote_token = token
    return token


@blueprint.app_context_processor
async def remote_form_context() -> dict:
    # Called by _remote.html only when a page shows the form, so other pages set no cookie.
    return {"remote_csrf_token": _remote_csrf_token}


def _local_uri(value: str | None) -> str:
    uri = (value or "").strip()
    if not uri or len(uri) > MAX_URI or not runtime().urls.is_local(uri):
        raise BadRequest(_("Only accounts and posts of this server can be followed from here."))
    return uri


async def _remote_page(uri: str, kind: str, *, error: str | None = None, status: int = 200, handle: str = ""):
    return await page("remote_interaction.html", status, uri=uri, kind=kind, error=error, handle=handle)


@blueprint.get(REMOTE_PATH)
async def remote_interaction_page():
    await visit()
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else "object"
    return await _remote_page(_local_uri(request.args.get("uri")), kind)


@blueprint.post(REMOTE_PATH)
async def remote_interaction_post():
    rt = runtime()
    await visit()
    fields = await form()
    kind = fields.get("kind") if fields.get("kind") in KINDS else "object"
    uri = _local_uri(fields.get("uri"))
    entered = fields.get("handle", "")[:400]
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    now = rt.services.now_ms()
    if not sessions.login_csrf_valid(key, request.cookies.get(REMOTE_CSRF_COOKIE), fields.get("csrf_token"), now):
        return await _remote_page(uri, kind, error=_(EXPIRED_FORM), status=403, handle=entered)
    try:
        handle = remote_interaction.parse_handle(entered)
    except remote_interaction.BadHandle:
        error = _("Enter your address as user@server, for example alice@mastodon.social.")
        return await _remote_page(uri, kind, error=error, status=400, handle=entered)
    target, error, status = await _their_page(handle, uri, kind)
    if target is None:
        return await _remote_page(uri, kind, error=error, status=status, handle=entered)
    # Not a 303: the page's CSP (form-action 'self') rightly stops a form's redirect to another
    # site. A page that names the destination and moves on by itself (no script) does it, which
    # is also what FEP-3b86 (section 6.2) asks before sending anyone off the site.
    return await page("remote_redirect.html", target=target, server=handle.domain)


async def _their_page(handle, uri: str, kind: str) -> tuple[str | None, str | None, int]:
    """(where to send the visitor, or None with an error message and status)."""
    try:
        return await remote_interaction.interaction_url(runtime().services, handle, uri, kind), None, 200
    except remote_interaction.NoInteractionLink:
        error = _(
            "Your server %(server)s does not say where to follow or interact from it. "
            "Search for this address there instead."
        )
        return None, error % {"server": handle.domain}, 422
    except (FetchError, NotFound, Gone, Forbidden, BadRequest):
        error = _("We could not look up %(handle)s. Check the address, or try again later.")
        return None, error % {"handle": str(handle)}, 502


@blueprint.get(remote_interaction.AUTHORIZE_PATH)
async def authorize_interaction():
    rt = runtime()
    _current, viewer = await signed_in()
    uri = (request.args.get("uri") or "").strip()
    target = await remote_interaction.authorize_target(rt.services, viewer, uri)
    if target is None:
        error = _(NOT_FOUND_HERE)
        return await page("authorize_interaction.html", 404, target=None, post=None, uri=uri[:MAX_URI], error=error)
    post = card(target.status, rt.urls) if target.status else None
    return await page("authorize_interaction.html", target=target, post=post, uri=uri[:MAX_URI], error=None)


@blueprint.post(f"/accounts/<int(max={MAX_ROW_ID}):account_id>/<any(follow, unfollow):action>")
async def follow_account(account_id: int, action: str):
    """Follow or unfollow any account we know, local or remote (the authorize page's button)."""
    rt = runtime()
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    target = await relationships.account(rt.services, account_id)
    if action == "follow":
        await follows.follow(rt.services, viewer, target)
    else:
        await follows.unfollow(rt.services, viewer, target)
    return see_other(safe_next(fields.get("next"), "/home"))
