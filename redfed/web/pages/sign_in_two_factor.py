"""Signing in with a second factor, and with a passkey alone (layer 6).

After the password, auth.py shows the second step with a signed pending token; the form posted
here carries it, and a code or a security key's answer. The passkey script asks
/auth/passkey_options for the WebAuthn options first: for the pending user's keys, or, on the
sign-in page itself, for any passkey the browser holds for this site.
"""

from quart import Response, current_app, request

from ...errors import Unprocessable
from ...services import rate_limits
from ...services.accounts import sessions, two_factor
from ...services.accounts.two_factor import passkeys, pending, second_step
from ..context import runtime
from .auth import LOGIN_CSRF_COOKIE, second_step_form, sign_in_form, start_session
from .common import EXPIRED_FORM, _, blueprint, form, safe_next, visit

MAX_ANSWER = passkeys.MAX_ANSWER
OPTIONS_PER_ADDRESS = 30
OPTIONS_WINDOW_MS = passkeys.CHALLENGE_LIFETIME_MS


def _second_steps() -> second_step.SecondStep:
    rt = runtime()
    return current_app.extensions.setdefault(second_step.EXTENSION, second_step.SecondStep(rt.db, rt.config))


def _options_window() -> rate_limits.Window:
    window = rate_limits.Window(runtime().db, "passkey_options", OPTIONS_WINDOW_MS)
    return current_app.extensions.setdefault("redfed.passkey_options", window)


async def _checked_form() -> tuple[dict, bytes, int] | None:
    """(fields, secret key, now) of a sign-in form whose token is good, else None."""
    rt = runtime()
    await visit()
    now, fields = rt.services.now_ms(), await form()
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    if not sessions.login_csrf_valid(key, request.cookies.get(LOGIN_CSRF_COOKIE), fields.get("csrf_token"), now):
        return None
    return fields, key, now


async def _pending_user(fields: dict, key: bytes, now: int):
    return await pending.redeem(runtime().db, key, request.cookies.get(LOGIN_CSRF_COOKIE), fields.get("pending"), now)


@blueprint.post("/auth/sign_in/two_factor")
async def sign_in_second_step():
    rt = runtime()
    checked = await _checked_form()
    if checked is None:
        return await sign_in_form("/home", error=_(EXPIRED_FORM), status=403)
    fields, key, now = checked
    next_path = safe_next(fields.get("next"), "/home")
    user = await _pending_user(fields, key, now)
    if user is None:
        return await sign_in_form(next_path, error=_("That sign-in took too long. Log in again."), status=403)
    code, answer = fields.get("code", ""), fields.get("credential", "")[:MAX_ANSWER]
    outcome = await _second_steps().attempt(key, user, request.remote_addr or "", code, answer, now)
    if outcome == second_step.PASSED:
        return await start_session(user, next_path)
    methods = await two_factor.methods(rt.db, user)
    if outcome == second_step.BLOCKED:
        return await second_step_form(user, methods, next_path, status=429, error=_(
            "Too many failed sign-in attempts. Wait a few minutes and try again."))
    message = _("That security key was not accepted.") if answer else _("That code is not right, or was used already.")
    return await second_step_form(user, methods, next_path, status=401, error=message)


@blueprint.post("/auth/passkey_options")
async def passkey_options():
    """WebAuthn options as JSON: for the pending user's keys, or for a sign-in without a password."""
    rt = runtime()
    checked = await _checked_form()
    if checked is None:
        return {"error": _(EXPIRED_FORM)}, 403
    fields, key, now = checked
    # Each answer stores a challenge for five minutes: a stranger may not fill the table.
    if await _options_window().add(request.remote_addr or "", now) > OPTIONS_PER_ADDRESS:
        return {"error": "too many sign-ins from this address: wait a few minutes"}, 429  # read by the script only
    user = None
    if fields.get("pending"):
        if (user := await _pending_user(fields, key, now)) is None:
            return {"error": _("That sign-in took too long. Log in again.")}, 403
    options = await passkeys.authentication_options(rt.db, rt.config, user, now)
    return Response(options, 200, content_type="application/json", headers={"Cache-Control": "no-store"})


@blueprint.post("/auth/sign_in/passkey")
async def sign_in_with_passkey():
    """A passkey alone: it verified its holder (PIN or biometrics) and says whose it is."""
    rt = runtime()
    checked = await _checked_form()
    if checked is None:
        return await sign_in_form("/home", error=_(EXPIRED_FORM), status=403)
    fields, _key, now = checked
    next_path = safe_next(fields.get("next"), "/home")
    try:
        user = await passkeys.authenticate(rt.db, rt.config, None, fields.get("credential", "")[:MAX_ANSWER], now)
    except Unprocessable:
        return await sign_in_form(next_path, error=_("That passkey was not accepted."), status=401)
    return await start_session(user, next_path)
