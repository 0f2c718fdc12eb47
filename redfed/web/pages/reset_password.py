"""The one-time password reset page (layer 6): `redfed user reset-password NAME` prints its link.

The form is protected by the signed double-submit pair of services.accounts.sessions, as the sign-in form
is; the token itself travels in the form, never in a cookie.
"""

from quart import Response, request

from ...errors import NotFound, Unprocessable
from ...services.accounts import password_resets, sessions
from ..context import runtime
from .common import EXPIRED_FORM, _, blueprint, form, page, secure_cookies, visit

CSRF_COOKIE = "redfed_page_reset_csrf"
PATH = password_resets.PATH


async def _form_page(token: str, *, status: int = 200, error: str | None = None, username: str = "") -> Response:
    rt = runtime()
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    nonce, csrf = sessions.new_login_csrf(key, rt.services.now_ms())
    response = await page("reset_password.html", status, state="form", token=token, reset_csrf=csrf, error=error,
                          username=username)
    response.set_cookie(
        CSRF_COOKIE, nonce, max_age=sessions.LOGIN_CSRF_LIFETIME_MS // 1000, path=PATH, httponly=True,
        samesite="Lax", secure=secure_cookies(),
    )
    return _private(response)


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    return response


async def _dead_link() -> Response:
    return _private(await page("reset_password.html", 404, state="invalid"))


@blueprint.get(PATH)
async def reset_password_page():
    rt = runtime()
    await visit()
    token = request.args.get("token", "")
    user = await password_resets.token_user(rt.db, token, rt.services.now_ms())
    if user is None:
        return await _dead_link()
    return await _form_page(token, username=user.username)


@blueprint.post(PATH)
async def reset_password():
    rt = runtime()
    await visit()
    now = rt.services.now_ms()
    fields = await form()
    token = fields.get("token", "")[:password_resets.MAX_TOKEN + 1]
    user = await password_resets.token_user(rt.db, token, now)
    if user is None:
        return await _dead_link()
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    if not sessions.login_csrf_valid(key, request.cookies.get(CSRF_COOKIE), fields.get("csrf_token"), now):
        return await _form_page(token, status=403, error=_(EXPIRED_FORM), username=user.username)
    password = fields.get("password", "")[:1025]
    if password != fields.get("password_confirmation", "")[:1025]:
        return await _form_page(token, status=422, error=_("The two passwords are not the same."), username=user.username)
    try:
        await password_resets.reset(rt.db, token, password, now)
    except Unprocessable:
        return await _form_page(
            token, status=422, error=_("Use at least 8 and at most 1024 characters."), username=user.username
        )
    except NotFound:
        return await _dead_link()
    response = _private(await page("reset_password.html", state="done", username=user.username))
    response.delete_cookie(CSRF_COOKIE, path=PATH)
    response.delete_cookie(sessions.SESSION_COOKIE, path="/")
    return response
