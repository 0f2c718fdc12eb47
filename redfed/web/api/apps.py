"""Client applications (layer 6): /api/v1/apps and /api/v1/apps/verify_credentials."""

from quart import Blueprint

from ...errors import Unauthorized
from ...services.accounts import oauth
from ..context import runtime
from .auth import INVALID_TOKEN, caller, optional_token
from .params import Params

blueprint = Blueprint("api_apps", __name__)


def application(app, *, with_secret: bool = False) -> dict:
    """Mastodon's Application entity; with the secret it is a CredentialApplication."""
    entity = {
        "id": str(app.id),
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes.split(),
        "redirect_uri": "\n".join(app.redirect_uris),
        "redirect_uris": list(app.redirect_uris),
        # The instance's Web Push key: apps subscribe with it (web.api.push).
        "vapid_key": runtime().services.vapid.public_key,
    }
    if with_secret:
        entity.update(client_id=app.client_id, client_secret=app.client_secret, client_secret_expires_at=0)
    return entity


@blueprint.post("/api/v1/apps")
async def create_app():
    params = await Params.read()
    rt = runtime()
    app = await oauth.create_app(
        rt.db, params.text("client_name", max_length=1000), params.get("redirect_uris"),
        params.text("scopes", max_length=5000), params.text("website", max_length=5000), rt.services.now_ms(),
    )
    return application(app, with_secret=True)


@blueprint.get("/api/v1/apps/verify_credentials")
@optional_token
async def verify_credentials():
    """Any valid token, app-only or a user's, since Mastodon 4.3."""
    found = caller()
    app = await oauth.app_of(runtime().db, found) if found else None
    if app is None:
        raise Unauthorized(INVALID_TOKEN)
    return application(app)
