"""Signing in and out, and the language switch (layer 6).

The sign-in form is protected before any session exists by the signed double-submit pair of
services.accounts.sessions (a nonce cookie and its HMAC in the form), as the OAuth sign-in page is; failed
sign-ins go through the same per-app throttle, so guesses on either page count together.
"""

from quart import Response, current_app, request

from ...services.accounts import sessions, two_factor
from ...services.accounts.two_factor import pending
from ...services.social import showcase
from .. import i18n
from ..context import runtime
from .common import (
    EXPIRED_FORM, N_, _, blueprint, check_csrf, form, page, safe_next, secure_cookies, see_other, signed_in, visit,
)

LOGIN_CSRF_COOKIE = "redfed_page_login_csrf"
THROTTLE_KEY = "redfed.login_throttle"  # shared with the OAuth sign-in page
LANG_COOKIE_AGE = 365 * 24 * 3600
AWAITING_APPROVAL = N_(
    "Your account is awaiting approval by an administrator. You can log in once it is approved."
)


def _throttle() -> sessions.LoginThrottle:
    return current_app.extensions.setdefault(THROTTLE_KEY, sessions.LoginThrottle(runtime().db))


async def sign_in_form(next_path: str, *, error: str | None = None, status: int = 200, login: str = "") -> Response:
    rt = runtime()
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    nonce, token = sessions.new_login_csrf(key, rt.services.now_ms())
    response = await page("sign_in.html", status, login_csrf=token, next_path=next_path, error=error, login=login)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, nonce, max_age=sessions.LOGIN_CSRF_LIFETIME_MS // 1000, path="/auth", httponly=True,
        samesite="Lax", secure=secure_cookies(),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/auth/sign_in")
async def sign_in_page():
    current = await visit()
    next_path = safe_next(request.args.get("next"), "/home")
    if current.viewer is not None:
        return see_other(next_path)
    return await sign_in_form(next_path)


@blueprint.post("/auth/sign_in")
async def sign_in():
    rt = runtime()
    await visit()
    now = rt.services.now_ms()
    fields = await form()
    next_path = safe_next(fields.get("next"), "/home")
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    if not sessions.login_csrf_valid(key, request.cookies.get(LOGIN_CSRF_COOKIE), fields.get("csrf_token"), now):
        return await sign_in_form(next_path, error=_(EXPIRED_FORM), status=403)
    login = fields.get("username", "").strip()[:320]
    password = fields.get("password", "")[:1024]
    address = request.remote_addr or ""
    throttle = _throttle()
    if await throttle.blocked(login, address, now):
        return await sign_in_form(
            next_path, error=_("Too many failed sign-in attempts. Wait a few minutes and try again."), status=429,
            login=login,
        )
    user = await sessions.password_matches(rt.db, login, password)
    if user is None or user.disabled_at is not None:
        await throttle.failed(login, address, now)
        return await sign_in_form(next_path, error=_("Invalid username, email or password."), status=401, login=login)
    await throttle.succeeded(login, address)
    if user.pending:
        return await sign_in_form(next_path, error=_(AWAITING_APPROVAL), status=403, login=login)
    methods = await two_factor.methods(rt.db, user)
    if methods.any:
        return await second_step_form(user, methods, next_path)
    return await start_session(user, next_path)


async def start_session(user, next_path: str) -> Response:
    """Sign `user` in on this browser (after every step they need), and go on to `next_path`."""
    rt = runtime()
    if old := request.cookies.get(sessions.SESSION_COOKIE):
        await sessions.delete(rt.db, old)
    # A language chosen with the switch just before signing in is the person's choice: keep it.
    if (chosen := i18n.normalise(request.cookies.get(i18n.LANG_COOKIE))) and i18n.normalise(user.locale) != chosen:
        await showcase.set_locale(rt.db, user, i18n.stored_value(chosen))
    cookie, _session = await sessions.create(rt.db, user, request.headers.get("User-Agent"), rt.services.now_ms())
    response = see_other(next_path)
    response.set_cookie(
        sessions.SESSION_COOKIE, cookie, max_age=sessions.SESSION_LIFETIME_MS // 1000, path="/", httponly=True,
        samesite="Lax", secure=secure_cookies(),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/auth")
    return response


async def second_step_form(
    user, methods: two_factor.Methods, next_path: str, *, error: str | None = None, status: int = 200,
) -> Response:
    """The page asking for a code or a security key, carrying the signed pending state (bound to
    this browser's sign-in nonce cookie, which the password step has just checked)."""
    rt = runtime()
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    now, nonce = rt.services.now_ms(), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    response = await page(
        "sign_in_two_factor.html", status, login_csrf=sessions.login_csrf_token(key, nonce, now),
        pending=pending.issue(key, nonce, user, now), methods=methods, next_path=next_path, error=error,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/auth/sign_out")
async def sign_out():
    rt = runtime()
    current, _viewer = await signed_in()
    check_csrf(current, (await form()).get("csrf_token"))
    await sessions.delete(rt.db, request.cookies.get(sessions.SESSION_COOKIE, ""))
    response = see_other("/")
    response.delete_cookie(sessions.SESSION_COOKIE, path="/")
    return response


@blueprint.post("/language")
async def choose_language():
    """The switch on every page: a cookie for everyone, and the user's setting when signed in."""
    current = await visit()
    fields = await form()
    locale = i18n.normalise(fields.get("lang")) or i18n.DEFAULT
    if current.session is not None:
        check_csrf(current, fields.get("csrf_token"))
        await showcase.set_locale(runtime().db, current.session.user, i18n.stored_value(locale))
    response = see_other(safe_next(fields.get("next")))
    response.set_cookie(
        i18n.LANG_COOKIE, locale, max_age=LANG_COOKIE_AGE, path="/", samesite="Lax", secure=secure_cookies()
    )
    return response
