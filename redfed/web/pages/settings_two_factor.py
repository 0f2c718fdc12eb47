"""Settings: two-factor sign-in, with an authenticator app and with passkeys or security keys
(layer 6). Turning the app's codes off and removing a key need the password; wrong passwords
count with failed sign-ins, as on the password page."""

import base64
import io

import qrcode
import qrcode.image.svg
from quart import Response, request

from ...errors import NotFound, RedfedError, Unprocessable
from ...services.accounts import sessions
from ...services.accounts.two_factor import passkeys, totp
from ..context import runtime
from .common import _, blueprint, see_other, signed_in
from .settings import posted_form, saved, settings_page
from .settings_security import login_throttle

PATH = "/settings/two_factor"
TEMPLATE = "settings/two_factor.html"


def qr_image(uri: str) -> str:
    """The otpauth URI as a QR code, an SVG data URI an <img> shows under the pages' CSP."""
    svg = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(svg)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()


def _account_name(user) -> str:
    """How the authenticator app lists the account."""
    return f"{user.username}@{runtime().config.domain}"


async def _page(status: int = 200, **context) -> Response:
    rt = runtime()
    current, viewer = await signed_in()
    user = current.session.user
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    setup = await totp.pending_setup(rt.db, key, user, _account_name(user), rt.config.instance.name)
    return await settings_page(
        TEMPLATE, PATH, status, totp_on=await totp.is_on(rt.db, user), setup=setup,
        qr=qr_image(setup.uri) if setup else None, codes_left=await totp.recovery_codes_left(rt.db, user),
        keys=await passkeys.credentials(rt.db, user), **context,
    )


@blueprint.get(PATH)
async def two_factor_settings():
    return await _page()


@blueprint.post(f"{PATH}/totp/setup")
async def set_up_totp():
    rt = runtime()
    current, _viewer, _fields = await posted_form()
    user = current.session.user
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    try:
        await totp.begin(rt.db, key, user, _account_name(user), rt.config.instance.name, rt.services.now_ms())
    except Unprocessable:
        pass  # on already (a second tab): the page says so
    return see_other(PATH)


@blueprint.post(f"{PATH}/totp/confirm")
async def confirm_totp():
    rt = runtime()
    current, _viewer, fields = await posted_form()
    key = await sessions.load_secret_key(rt.config.secret_key_path)
    try:
        codes = await totp.confirm(rt.db, key, current.session.user, fields.get("code", "")[:100], rt.services.now_ms())
    except RedfedError as error:
        if error.status >= 500:
            raise
        return await _page(422, errors={"code": _("That code is not right. Check the time on your phone and try a new one.")})
    return await _page(recovery_codes=codes)


async def _password_checked(action) -> Response | None:
    """Run `action(user, password)`; the page again with the password's error when it was wrong."""
    rt = runtime()
    current, _viewer, fields = await posted_form()
    user, now, address = current.session.user, rt.services.now_ms(), request.remote_addr or ""
    throttle = login_throttle()
    if await throttle.blocked(user.username, address, now):
        return await _page(429, errors={"password": _("Too many failed sign-in attempts. Wait a few minutes and try again.")})
    try:
        await action(user, fields.get("password", ""))
    except RedfedError as error:
        if error.status >= 500 or isinstance(error, NotFound):
            raise
        await throttle.failed(user.username, address, now)
        return await _page(422, errors={"password": _("That is not your current password.")})
    return saved(PATH)


@blueprint.post(f"{PATH}/totp/off")
async def turn_off_totp():
    return await _password_checked(lambda user, password: totp.turn_off(runtime().db, user, password))


@blueprint.post(f"{PATH}/passkeys/options")
async def passkey_registration_options():
    rt = runtime()
    current, _viewer, _fields = await posted_form()
    options = await passkeys.registration_options(rt.db, rt.config, current.session.user, rt.services.now_ms())
    return Response(options, 200, content_type="application/json", headers={"Cache-Control": "no-store"})


@blueprint.post(f"{PATH}/passkeys")
async def add_passkey():
    rt = runtime()
    current, _viewer, fields = await posted_form()
    try:
        await passkeys.register(
            rt.db, rt.config, current.session.user, fields.get("credential", "")[: passkeys.MAX_ANSWER],
            fields.get("name", "") or _("Security key"), rt.services.now_ms(),
        )
    except RedfedError as error:
        if error.status >= 500:
            raise
        return await _page(422, errors={"name": _("That security key was not accepted.")})
    return saved(PATH)


@blueprint.post(f"{PATH}/passkeys/<credential_id>/remove")
async def remove_passkey(credential_id: str):
    try:
        return await _password_checked(
            lambda user, password: passkeys.remove(runtime().db, user, credential_id, password)
        )
    except NotFound:
        raise NotFound(_("No such security key.")) from None
