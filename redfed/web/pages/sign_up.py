"""The sign-up page (layer 6), in the instance's registration mode: open, approval (with a
reason), invite (with a code, also from `?invite=CODE` links) or closed.

Like the sign-in form, it is protected before any session exists by the signed double-submit
pair of services.accounts.sessions, and attempts from one address are throttled.
"""

from quart import Response, current_app, request

from ...services.accounts import sessions
from ...services.moderation import instance_settings, sign_ups
from ...services.social import showcase
from .. import i18n
from ..context import runtime
from .common import EXPIRED_FORM, N_, _, blueprint, form, page, secure_cookies, see_other, visit

CSRF_COOKIE = "redfed_page_sign_up_csrf"
CSRF_PATH = "/auth/sign_up"
THROTTLE_KEY = "redfed.sign_up_throttle"  # shared with POST /api/v1/accounts
# Longest value kept from each field: one more than its limit, so "too long" is still reported.
FIELD_CAPS = {"username": 31, "email": 321, "password": 1025, "password_confirmation": 1025, "reason": 1001,
              "invite_code": 65}

FIELD_MESSAGES = {
    ("username", "ERR_BLANK"): N_("Choose a username."),
    ("username", "ERR_TOO_LONG"): N_("A username has at most 30 characters."),
    ("username", "ERR_INVALID"): N_("Use only letters, digits and underscores."),
    ("username", "ERR_RESERVED"): N_("This username is reserved."),
    ("username", "ERR_TAKEN"): N_("This username is already taken."),
    ("email", "ERR_BLANK"): N_("Enter your email address."),
    ("email", "ERR_INVALID"): N_("This is not an email address."),
    ("email", "ERR_TOO_LONG"): N_("This is not an email address."),
    ("email", "ERR_TAKEN"): N_("This email address is already registered."),
    ("password", "ERR_BLANK"): N_("Choose a password."),
    ("password", "ERR_TOO_SHORT"): N_("Use at least 8 characters."),
    ("password", "ERR_TOO_LONG"): N_("Use at most 1024 characters."),
    ("password", "ERR_INVALID"): N_("This password is too easy to guess."),
    ("password_confirmation", "ERR_INVALID"): N_("The two passwords are not the same."),
    ("agreement", "ERR_ACCEPTED"): N_("Agree to the rules to sign up."),
    ("reason", "ERR_TOO_LONG"): N_("Write at most 1000 characters."),
    ("invite_code", "ERR_BLANK"): N_("Enter your invite code."),
    ("invite_code", "ERR_INVALID"): N_("This invite code is invalid, used up or expired."),
}


def _throttle() -> sessions.LoginThrottle:
    return current_app.extensions.setdefault(THROTTLE_KEY, sign_ups.new_throttle(runtime().db))


async def _settings() -> instance_settings.InstanceSettings:
    rt = runtime()
    return await instance_settings.current(rt.db, rt.config)


async def _form_page(settings, *, status: int = 200, values: dict | None = None, errors: dict | None = None,
                     error: str | None = None) -> Response:
    rt = runtime()
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    nonce, token = sessions.new_login_csrf(key, rt.services.now_ms())
    response = await page(
        "sign_up.html", status, settings=settings, state="form", sign_up_csrf=token, domain=rt.config.domain, values=values or {},
        errors=errors or {}, error=error,
    )
    response.set_cookie(
        CSRF_COOKIE, nonce, max_age=sessions.LOGIN_CSRF_LIFETIME_MS // 1000, path=CSRF_PATH, httponly=True,
        samesite="Lax", secure=secure_cookies(),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def _closed_page(settings, status: int = 200) -> Response:
    return await page("sign_up.html", status, settings=settings, state="closed")


@blueprint.get("/auth/sign_up")
async def sign_up_page():
    current = await visit()
    if current.viewer is not None:
        return see_other("/home")
    settings = await _settings()
    if settings.registration_mode == "closed":
        return await _closed_page(settings)
    code = request.args.get("invite", "")[:FIELD_CAPS["invite_code"]]
    return await _form_page(settings, values={"invite_code": code})


@blueprint.post("/auth/sign_up")
async def sign_up():
    rt = runtime()
    current = await visit()
    now = rt.services.now_ms()
    settings = await _settings()
    if settings.registration_mode == "closed":
        return await _closed_page(settings, 403)
    fields = await form()
    values = {name: fields.get(name, "")[:cap] for name, cap in FIELD_CAPS.items()}
    values["username"] = values["username"].strip()
    values["email"] = values["email"].strip()
    values["invite_code"] = values["invite_code"].strip()
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    if not sessions.login_csrf_valid(key, request.cookies.get(CSRF_COOKIE), fields.get("csrf_token"), now):
        return await _form_page(settings, status=403, values=values, error=_(EXPIRED_FORM))
    address = request.remote_addr or ""
    throttle = _throttle()
    if await throttle.blocked("sign-up", address, now):
        return await _form_page(
            settings, status=429, values=values, error=_("Too many sign-up attempts. Wait a while and try again.")
        )
    await throttle.failed("sign-up", address, now)  # every attempt counts, successful or not
    request_form = sign_ups.SignUpForm(
        username=values["username"], email=values["email"], password=values["password"],
        password_confirmation=values["password_confirmation"], agreement=fields.get("agreement") == "1",
        reason=values["reason"], invite_code=values["invite_code"], locale=current.locale,
    )
    try:
        registered = await sign_ups.sign_up(rt.db, rt.config, request_form, now)
    except sign_ups.SignUpRefused as refused:
        errors = {
            field: [_(FIELD_MESSAGES.get((field, code), description)) for code, description in found]
            for field, found in refused.problems.items()
        }
        values.pop("password"), values.pop("password_confirmation")
        values["agreement"] = request_form.agreement
        return await _form_page(
            settings, status=422, values=values, errors=errors, error=_("Please correct the fields marked below.")
        )
    except sign_ups.RegistrationsClosed:
        return await _closed_page(await _settings(), 403)
    if current.locale != i18n.DEFAULT:
        await showcase.set_locale(rt.db, registered.user, i18n.stored_value(current.locale))
    if registered.pending:
        response = await page("sign_up.html", settings=settings, state="pending", username=registered.actor.username)
        response.delete_cookie(CSRF_COOKIE, path=CSRF_PATH)
        return response
    if old := request.cookies.get(sessions.SESSION_COOKIE):
        await sessions.delete(rt.db, old)  # whoever was signed in on this browser is signed out
    cookie, _session = await sessions.create(rt.db, registered.user, request.headers.get("User-Agent"), now)
    response = see_other("/home")
    response.set_cookie(
        sessions.SESSION_COOKIE, cookie, max_age=sessions.SESSION_LIFETIME_MS // 1000, path="/", httponly=True,
        samesite="Lax", secure=secure_cookies(),
    )
    response.delete_cookie(CSRF_COOKIE, path=CSRF_PATH)
    return response
