"""OAuth 2 endpoints (layer 6): the sign-in and consent pages of /oauth/authorize, /oauth/token,
/oauth/revoke and the RFC 8414 metadata document, as Mastodon serves them.

The browser session is the `sessions.SESSION_COOKIE` cookie (HttpOnly, SameSite=Lax); any face
finds its user with `sessions.lookup(db, request.cookies.get(sessions.SESSION_COOKIE), now)`.
"""

import base64
import binascii
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from quart import Blueprint, Response, current_app, render_template, request

from ...errors import RedfedError
from ...services.accounts import oauth, scopes, sessions, two_factor
from ...services.accounts.two_factor import passkeys, pending, second_step
from ..context import runtime
from .params import Params

blueprint = Blueprint("api_oauth", __name__)

SESSION_COOKIE = sessions.SESSION_COOKIE
LOGIN_CSRF_COOKIE = "redfed_login_csrf"
# Pages that hand out codes: never cached, never framed (clickjacking), never leaking the URL.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
TOKEN_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}
AWAITING_APPROVAL = "Your account is awaiting approval by an administrator. You can log in once it is approved."
TOO_MANY = "Too many failed sign-in attempts. Wait a few minutes and try again."
UNSUPPORTED_GRANT = "The authorization grant type is not supported by the authorization server."
_SCOPE_WORDS = {
    "read": "Read all your account's data",
    "write": "Change all your account's data",
    "follow": "Change your follows, blocks and mutes",
    "push": "Receive push notifications",
    "profile": "Read only your account's basic profile information",
    "admin:read": "Read all data on the server",
    "admin:write": "Change all data on the server",
}


@blueprint.errorhandler(oauth.OAuthError)
async def on_oauth_error(error: oauth.OAuthError):
    headers = dict(TOKEN_HEADERS)
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="redfed"'
    return {"error": error.error, "error_description": error.message}, error.status, headers


# --- /oauth/authorize ------------------------------------------------------------------------


@blueprint.get("/oauth/authorize")
async def authorize():
    try:
        params = await Params.read()
        auth = await _auth_request(params)
        force_login = params.flag("force_login", False)
    except RedfedError as error:
        return await _error_page(error.status, error.message)
    rt = runtime()
    session = None if force_login else await sessions.lookup(rt.db, request.cookies.get(SESSION_COOKIE), rt.services.now_ms())
    if session is None:
        return await _login_form(auth)
    return await _consent(auth, session)


@blueprint.post("/oauth/authorize")
async def authorize_decision():
    try:
        params = await Params.read()
        auth = await _auth_request(params)
        if params.text("action") == "login":
            return await _log_in(auth, params)
        if params.text("action") == "two_factor":
            return await _second_step(auth, params)
        return await _decide(auth, params)
    except RedfedError as error:
        return await _error_page(error.status, error.message)


async def _auth_request(params: Params) -> oauth.AuthRequest:
    return await oauth.check_authorization(
        runtime().db, params.text("client_id", max_length=200), params.text("redirect_uri", max_length=oauth.MAX_URI),
        params.text("response_type", max_length=50), params.text("scope", max_length=5000),
        params.text("state", max_length=2000), params.text("code_challenge", max_length=200),
        params.text("code_challenge_method", max_length=50),
    )


async def _log_in(auth: oauth.AuthRequest, params: Params) -> Response:
    rt = runtime()
    now = rt.services.now_ms()
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    if not sessions.login_csrf_valid(key, request.cookies.get(LOGIN_CSRF_COOKIE), params.text("csrf_token", max_length=200), now):
        return await _error_page(403, "This form has expired or was not sent from this site. Go back and try again.")
    login = params.text("username", "", max_length=320).strip()
    password = params.text("password", "", max_length=1024)
    address = request.remote_addr or ""
    throttle = _throttle()
    if await throttle.blocked(login, address, now):
        return await _error_page(429, TOO_MANY)
    user = await sessions.password_matches(rt.db, login, password)
    if user is None or user.disabled_at is not None:
        await throttle.failed(login, address, now)
        return await _login_form(auth, error="Invalid username, email or password.", status=401, login=login)
    await throttle.succeeded(login, address)
    if user.pending:
        return await _login_form(auth, error=AWAITING_APPROVAL, status=403, login=login)
    methods = await two_factor.methods(rt.db, user)
    if methods.any:
        return await _second_step_form(auth, user, methods)
    return await _signed_in(auth, user)


async def _second_step(auth: oauth.AuthRequest, params: Params) -> Response:
    """The code or the security key after the password, for the user the pending token names."""
    rt = runtime()
    now, nonce = rt.services.now_ms(), request.cookies.get(LOGIN_CSRF_COOKIE)
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    if not sessions.login_csrf_valid(key, nonce, params.text("csrf_token", max_length=200), now):
        return await _error_page(403, "This form has expired or was not sent from this site. Go back and try again.")
    user = await pending.redeem(rt.db, key, nonce, params.text("pending", max_length=200), now)
    if user is None:
        return await _login_form(auth, error="That sign-in took too long. Sign in again.", status=403)
    answer = params.text("credential", "", max_length=passkeys.MAX_ANSWER)
    code = params.text("code", "", max_length=100)
    outcome = await _second_steps().attempt(key, user, request.remote_addr or "", code, answer, now)
    if outcome == second_step.PASSED:
        return await _signed_in(auth, user)
    methods = await two_factor.methods(rt.db, user)
    if outcome == second_step.BLOCKED:
        return await _second_step_form(auth, user, methods, error=TOO_MANY, status=429)
    error = "That security key was not accepted." if answer else "That code is not right, or was used already."
    return await _second_step_form(auth, user, methods, error=error, status=401)


async def _second_step_form(
    auth: oauth.AuthRequest, user, methods: two_factor.Methods, *, error: str | None = None, status: int = 200,
) -> Response:
    rt = runtime()
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    now, nonce = rt.services.now_ms(), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return await _page(
        "oauth/two_factor.html", status, app=auth.app, fields=_fields(auth), methods=methods, error=error,
        csrf_token=sessions.login_csrf_token(key, nonce, now), pending=pending.issue(key, nonce, user, now),
    )


@blueprint.post("/oauth/passkey_options")
async def passkey_options():
    """WebAuthn options for the second step of the sign-in page: the pending user's keys."""
    rt = runtime()
    params = await Params.read()
    now, nonce = rt.services.now_ms(), request.cookies.get(LOGIN_CSRF_COOKIE)
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    user = None
    if sessions.login_csrf_valid(key, nonce, params.text("csrf_token", max_length=200), now):
        user = await pending.redeem(rt.db, key, nonce, params.text("pending", max_length=200), now)
    if user is None:
        return {"error": "This form has expired. Sign in again."}, 403, TOKEN_HEADERS
    options = await passkeys.authentication_options(rt.db, rt.config, user, now)
    return Response(options, 200, TOKEN_HEADERS, content_type="application/json")


async def _signed_in(auth: oauth.AuthRequest, user) -> Response:
    """A session for `user` in this browser (every step passed), and the consent page."""
    rt = runtime()
    if old := request.cookies.get(SESSION_COOKIE):
        await sessions.delete(rt.db, old)
    cookie, session = await sessions.create(rt.db, user, request.headers.get("User-Agent"), rt.services.now_ms())
    response = await _consent(auth, session)
    response.set_cookie(
        SESSION_COOKIE, cookie, max_age=sessions.SESSION_LIFETIME_MS // 1000, path="/", httponly=True,
        samesite="Lax", secure=_secure(),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/oauth")
    return response


async def _decide(auth: oauth.AuthRequest, params: Params) -> Response:
    rt = runtime()
    now = rt.services.now_ms()
    session = await sessions.lookup(rt.db, request.cookies.get(SESSION_COOKIE), now)
    if session is None:
        return await _login_form(auth)
    if not sessions.csrf_matches(session.csrf_token, params.text("csrf_token", max_length=200)):
        return await _error_page(403, "This form has expired or was not sent from this site. Go back and try again.")
    decision = params.text("decision")
    if decision == "deny":
        if auth.redirect_uri == oauth.OOB:
            return await _page("oauth/denied.html", app=auth.app)
        return _redirect(_with_query(auth.redirect_uri, error="access_denied", state=auth.state))
    if decision != "authorize":
        return await _error_page(400, "Choose Authorize or Deny.")
    code = await oauth.grant_code(rt.db, auth, session.user, now)
    if auth.redirect_uri == oauth.OOB:
        return await _page("oauth/code.html", app=auth.app, code=code)
    return _redirect(_with_query(auth.redirect_uri, code=code, state=auth.state))


async def _login_form(auth: oauth.AuthRequest, *, error: str | None = None, status: int = 200, login: str = "") -> Response:
    rt = runtime()
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    nonce, token = sessions.new_login_csrf(key, rt.services.now_ms())
    response = await _page(
        "oauth/login.html", status, app=auth.app, fields=_fields(auth), csrf_token=token, error=error, login=login
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, nonce, max_age=sessions.LOGIN_CSRF_LIFETIME_MS // 1000, path="/oauth", httponly=True,
        samesite="Lax", secure=_secure(),
    )
    return response


async def _consent(auth: oauth.AuthRequest, session: sessions.Session) -> Response:
    return await _page(
        "oauth/consent.html", app=auth.app, user=session.user, scopes=describe_scopes(auth.scopes),
        fields=_fields(auth), csrf_token=session.csrf_token,
    )


def describe_scopes(granted: frozenset[str]) -> list[str]:
    """The scopes in words, for the consent page: broad ones first."""
    words = []
    for name in sorted(granted, key=lambda s: (":" in s, s)):
        kind, _, area = name.partition(":")
        words.append(_SCOPE_WORDS.get(name) or f"{'Read' if kind == 'read' else 'Change'} your {area.replace('_', ' ')}")
    return words


def _fields(auth: oauth.AuthRequest) -> dict[str, str]:
    """The authorization request, carried through the sign-in and consent forms."""
    fields = {
        "response_type": "code", "client_id": auth.app.client_id, "redirect_uri": auth.redirect_uri,
        "scope": " ".join(sorted(auth.scopes)), "state": auth.state,
        "code_challenge": auth.code_challenge, "code_challenge_method": auth.code_challenge_method,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _with_query(uri: str, **values: str | None) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(k, v) for k, v in values.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _redirect(location: str) -> Response:
    return Response("", 302, {"Location": location, **PAGE_HEADERS})


async def _page(template: str, http_status: int = 200, **context) -> Response:
    body = await render_template(template, **context)
    return Response(body, http_status, PAGE_HEADERS, content_type="text/html; charset=utf-8")


async def _error_page(status: int, message: str) -> Response:
    return await _page("error.html", status, status=status, message=message)


def _throttle() -> sessions.LoginThrottle:
    """One throttle per app (the app object is per instance), kept beside its other extensions."""
    return current_app.extensions.setdefault("redfed.login_throttle", sessions.LoginThrottle(runtime().db))


def _second_steps() -> second_step.SecondStep:
    rt = runtime()
    return current_app.extensions.setdefault(second_step.EXTENSION, second_step.SecondStep(rt.db, rt.config))


def _secure() -> bool:
    return runtime().config.base_url.startswith("https:")


# --- /oauth/token, /oauth/revoke and the metadata --------------------------------------------


@blueprint.post("/oauth/token")
async def token():
    params = await Params.read()
    rt = runtime()
    now = rt.services.now_ms()
    grant_type = params.text("grant_type", max_length=100)
    if grant_type not in _grant_types(rt.config):
        raise oauth.OAuthError("unsupported_grant_type", UNSUPPORTED_GRANT)
    app = await oauth.authenticate_client(rt.db, *_client_credentials(params))
    scope = params.text("scope", max_length=5000)
    if grant_type == "authorization_code":
        grant = await oauth.exchange_code(
            rt.db, app, params.text("code", max_length=200), params.text("redirect_uri", max_length=oauth.MAX_URI),
            params.text("code_verifier", max_length=200), now,
        )
    elif grant_type == "client_credentials":
        grant = await oauth.client_credentials(rt.db, app, scope, now)
    elif grant_type == "refresh_token":
        grant = await oauth.refresh(rt.db, app, params.text("refresh_token", max_length=200), scope, now)
    else:
        grant = await _password_grant(app, params, scope, now)
    body = {
        "access_token": grant.access_token, "token_type": "Bearer", "scope": grant.scopes,
        "created_at": grant.created_at // 1000,
    }
    if grant.refresh_token:
        body["refresh_token"] = grant.refresh_token
    return body, 200, TOKEN_HEADERS


async def _password_grant(app, params: Params, scope: str | None, now: int) -> oauth.Grant:
    rt, throttle = runtime(), _throttle()
    login = (params.text("username", "", max_length=320) or "").strip()
    address = request.remote_addr or ""
    if await throttle.blocked(login, address, now):
        raise oauth.OAuthError("invalid_request", "Too many failed sign-in attempts; try again later.", 429)
    try:
        grant = await oauth.password_grant(rt.db, rt.config, app, login, params.text("password", max_length=1024), scope, now)
    except oauth.OAuthError as error:
        if error.error == "invalid_grant" and error.message != oauth.TWO_FACTOR_REQUIRED:
            await throttle.failed(login, address, now)
        raise
    await throttle.succeeded(login, address)
    return grant


@blueprint.post("/oauth/revoke")
async def revoke():
    params = await Params.read()
    rt = runtime()
    await oauth.revoke(rt.db, *_client_credentials(params), params.text("token", max_length=200), rt.services.now_ms())
    return {}, 200, TOKEN_HEADERS


@blueprint.get("/.well-known/oauth-authorization-server")
async def metadata():
    rt = runtime()
    base = rt.urls.base
    return {
        "issuer": f"{base}/",
        "service_documentation": "https://docs.joinmastodon.org/",
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "app_registration_endpoint": f"{base}/api/v1/apps",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "scopes_supported": sorted(scopes.ALL),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "code_challenge_methods_supported": ["S256"],
        "grant_types_supported": _grant_types(rt.config),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }, 200, {"Access-Control-Allow-Origin": "*"}


def _grant_types(config) -> list[str]:
    grants = ["authorization_code", "client_credentials", "refresh_token"]
    return grants + ["password"] if config.api.password_grant else grants


def _client_credentials(params: Params) -> tuple[str | None, str | None]:
    """client_secret_basic (RFC 6749 §2.3.1: form-encoded, then Base64) or client_secret_post."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise oauth.OAuthError("invalid_client", oauth.INVALID_CLIENT, 401) from None
        client_id, _, secret = decoded.partition(":")
        return unquote_plus(client_id), unquote_plus(secret)
    return params.text("client_id", max_length=200), params.text("client_secret", max_length=200)
