"""Settings: password, browser sessions and authorized apps (layer 6)."""

from ...errors import NotFound, RedfedError
from ...services import account_security, passwords
from ..context import runtime
from .common import _, blueprint, signed_in
from .settings import posted_form, saved, settings_page

PASSWORD_PATH = "/settings/password"
SESSIONS_PATH = "/settings/sessions"
APPS_PATH = "/settings/apps"
MAX_ROW_ID = 2**63 - 1


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
    try:
        await account_security.change_password(
            rt.db, current.session.user, fields.get("current_password", ""), fields.get("new_password", ""),
            fields.get("confirm_password", ""), current.session.id_hash, rt.services.now_ms(),
        )
    except RedfedError as error:
        if error.status >= 500:
            raise
        return await settings_page("settings/password.html", PASSWORD_PATH, 422, errors=_password_errors(error.message))
    return saved(PASSWORD_PATH)


# --- sessions --------------------------------------------------------------------------------

@blueprint.get(SESSIONS_PATH)
async def session_settings():
    rt = runtime()
    current, _viewer = await signed_in()
    listed = await account_security.sessions(rt.db, current.session.user, current.session.id_hash, rt.services.now_ms())
    return await settings_page("settings/sessions.html", SESSIONS_PATH, sessions=listed)


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
