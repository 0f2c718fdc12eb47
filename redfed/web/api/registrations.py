"""Registering an account through the client API (layer 6): POST /api/v1/accounts, as Mastodon
answers it (https://docs.joinmastodon.org/methods/accounts/#create).

The caller is an app token from the client_credentials grant with `write:accounts`. The answer is
a Token for the new account, with the app token's scopes; in approval mode the account is pending
and its token is refused until an admin approves it. Field problems are 422 with Mastodon's
`details`; a closed server is 403. Attempts share the web sign-up page's throttle.
"""

from quart import Blueprint, current_app, request

from ...errors import Unprocessable
from ...services.accounts import oauth, sessions
from ...services.moderation import sign_ups
from ...services.social import showcase
from .. import i18n
from ..context import runtime
from .auth import caller, scope
from .params import Params

blueprint = Blueprint("api_registrations", __name__)

THROTTLE_KEY = "redfed.sign_up_throttle"  # shared with the sign-up page
TOO_MANY = "Too many requests"
CAPS = {"username": 31, "email": 321, "password": 1025, "reason": 1001, "locale": 20, "invite_code": 65}


def _throttle() -> sessions.LoginThrottle:
    return current_app.extensions.setdefault(THROTTLE_KEY, sign_ups.new_throttle(runtime().db))


@blueprint.errorhandler(sign_ups.SignUpRefused)
async def on_refused(error: sign_ups.SignUpRefused):
    return {"error": error.message, "details": error.details()}, 422


def _field(params: Params, name: str) -> str:
    value = params.get(name)
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise Unprocessable(f"{name} must be a string")
    return str(value)[: CAPS[name]].strip() if name != "password" else str(value)[: CAPS[name]]


@blueprint.post("/api/v1/accounts")
@scope("write:accounts", user=False)
async def register():
    rt = runtime()
    now = rt.services.now_ms()
    app_caller = caller()
    if app_caller.user is not None:
        # Mastodon: a signed-in user's token cannot register more accounts.
        raise Unprocessable("This method requires an app token, not a user token")
    address = request.remote_addr or ""
    throttle = _throttle()
    if await throttle.blocked("sign-up", address, now):
        return {"error": TOO_MANY}, 429
    await throttle.failed("sign-up", address, now)
    params = await Params.read()
    form = sign_ups.SignUpForm(
        username=_field(params, "username"), email=_field(params, "email"), password=_field(params, "password"),
        agreement=params.flag("agreement", False), reason=_field(params, "reason"),
        invite_code=_field(params, "invite_code"), locale=_field(params, "locale") or "en",
    )
    registered = await sign_ups.sign_up(rt.db, rt.config, form, now)
    # `locale` picks the language of the account's pages when it is one the pages have.
    if (locale := i18n.normalise(form.locale)) and locale != i18n.DEFAULT:
        await showcase.set_locale(rt.db, registered.user, i18n.stored_value(locale))
    token, _refresh = await oauth.issue_token(rt.db, app_caller.app_id, registered.user.id, app_caller.scopes, now)
    return {
        "access_token": token, "token_type": "Bearer", "scope": " ".join(sorted(app_caller.scopes)),
        "created_at": now // 1000,
    }
