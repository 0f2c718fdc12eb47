"""Settings: password, browser sessions and authorized apps (layer 6)."""

from quart import current_app, request

from ...errors import NotFound, RedfedError
from ...services.accounts import account_security, passwords, sessions
from ..context import runtime
from . import user_agents
from .auth import THROTTLE_KEY
from .common import _, blueprint, signed_in
from .settings import posted_form, saved, settings_page

PASSWORD_PATH = "/settings/password"
SESSIONS_PATH = "/settings/sessions"
APPS_PATH = "/settings/apps"
MAX_ROW_ID = 2**63 - 1


def login_throttle() -> sessions.LoginThrottle:
    """The sign-in pages' throttle: wrong current passwords here count with failed sign-ins."""
    return current_app.extensions.setdefault(THROTTLE_KEY, sessions.LoginThrottle(runtime().db))


def _row_id(value: str) -> int | None:
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()) or int(value) > MAX_ROW_ID:
        return None
    return int(value)


# --- password --------------------------------------------------------------------------------

@blueprint.get(PASSWORD_PATH)
async def password_settings():
    await signed_in()
    return await settings_page("settings/password.html", PASSWORD_PATH)


def _password_errors(message: str) -> dict[str, str]:
    return {
        account_security.WRONG_PASSWORD: {"current_password": _("That is not your current password.")},
        account_security.TOO_SHORT: {"new_password": _("Use at least %(num)d characters.") % {"num": passwords.MIN_LENGTH}},
        account_security.TOO_LONG: {"new_password": _("Use at most %(num)d characters.") % {"num": passwords.MAX_LENGTH}},
        account_security.MISMATCH: {"confirm_password": _("The two new passwords are not the same.")},
    }.get(message, {"new_password": message})


@blueprint.post(PASSWORD_PATH)
async def change_password():
    rt = runtime()
    current, _viewer, fields = await posted_form()
    user, now = current.session.user, rt.services.now_ms()
    # Wrong current passwords count with failed sign-ins, so a borrowed session cannot guess it.
    throttle, address = login_throttle(), request.remote_addr or ""
    if await throttle.blocked(user.username, address, now):
        return await settings_page("settings/password.html", PASSWORD_PATH, 429, errors={
            "current_password": _("Too many failed sign-in attempts. Wait a few minutes and try again.")})
    try:
        await account_security.change_password(
            rt.db, user, fields.get("current_password", ""), fields.get("new_password", ""),
            fields.get("confirm_password", ""), current.session.id_hash, now,
        )
    except RedfedError as error:
        if error.status >= 500:
            raise
        if error.message == account_security.WRONG_PASSWORD:
            await throttle.failed(user.username, address, now)
        return await settings_page("settings/password.html", PASSWORD_PATH, 422, errors=_password_errors(error.message))
    return saved(PASSWORD_PATH)


# --- sessions --------------------------------------------------------------------------------

@blueprint.get(SESSIONS_PATH)
async def session_settings():
    rt = runtime()
    current, _viewer = await signed_in()
    listed = await account_security.sessions(rt.db, current.session.user, current.session.id_hash, rt.services.now_ms())
    return await settings_page("settings/sessions.html", SESSIONS_PATH, sessions=[(s, _name(s.user_agent)) for s in listed])


def _name(user_agent: str) -> str:
    """"Firefox on Windows", or as much of it as the User-Agent tells."""
    browser, platform = user_agents.describe(user_agent)
    if browser and platform:
        return _("%(browser)s on %(platform)s") % {"browser": browser, "platform": platform}
    return browser or platform or _("Unknown browser")


@blueprint.post(f"{SESSIONS_PATH}/<session_id>/revoke")
async def end_session(session_id: str):
    rt = runtime()
    current, _viewer, _fields = await posted_form()
    found = _row_id(session_id)
    try:
        if found is None:
            raise NotFound()
        await account_security.end_session(rt.db, current.session.user, found)
    except NotFound:
        raise NotFound(_("No such session.")) from None
    return saved(SESSIONS_PATH)


# --- apps ------------------------------------------------------------------------------------

@blueprint.get(APPS_PATH)
async def app_settings():
    rt = runtime()
    current, _viewer = await signed_in()
    return await settings_page("settings/apps.html", APPS_PATH, apps=await account_security.apps(rt.db, current.session.user))


@blueprint.post(f"{APPS_PATH}/<app_id>/revoke")
async def revoke_app(app_id: str):
    rt = runtime()
    current, _viewer, _fields = await posted_form()
    found = _row_id(app_id)
    try:
        if found is None:
            raise NotFound()
        await account_security.revoke_app(rt.db, current.session.user, found, rt.services.now_ms())
    except NotFound:
        raise NotFound(_("No such app.")) from None
    return saved(APPS_PATH)
