"""Settings pages, the part every one of them shares (layer 6): the sub-navigation, rendering a
settings page with its per-field errors, and reading a posted form whose token is checked first.

Each form posts back to its own page; on success it redirects there with `?saved=1`, on an error
it shows the page again with the values typed and a message beside each wrong field, having stored
nothing.
"""

from quart import current_app, request
from werkzeug.exceptions import HTTPException

from .common import N_, _, blueprint, check_csrf, form, page, see_other, signed_in

# (path, label). Sections other engineers add (import, aliases, moving) show once their page exists.
SECTIONS = (
    ("/settings/profile", N_("Profile")),
    ("/settings/preferences", N_("Preferences")),
    ("/settings/password", N_("Password")),
    ("/settings/two_factor", N_("Two-factor sign-in")),
    ("/settings/sessions", N_("Sessions")),
    ("/settings/apps", N_("Authorized apps")),
    ("/settings/export", N_("Export")),
    ("/settings/import", N_("Import")),
    ("/settings/aliases", N_("Account aliases")),
    ("/settings/migration", N_("Move to another account")),
    ("/settings/supporters", N_("Supporters")),
    ("/settings/groups", N_("Groups")),
    ("/settings/insights", N_("Insights")),
)
_NAV_KEY = "redfed.settings_nav"


def _has_page(path: str) -> bool:
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return False
    return True


def sections() -> list[tuple[str, str]]:
    """The settings sections this app serves, found once per app from its routes."""
    found = current_app.extensions.get(_NAV_KEY)
    if found is None:
        found = current_app.extensions[_NAV_KEY] = [(path, label) for path, label in SECTIONS if _has_page(path)]
    return found


async def settings_page(template: str, section: str, status: int = 200, **context):
    """A settings page with the sub-navigation, `section` marked current. The success message
    shows after a redirect with `?saved=1`, unless the page says it no longer applies (`still_saved`)."""
    nav = [(path, _(label), path == section) for path, label in sections()]
    saved = request.args.get("saved") == "1" and status == 200 and context.pop("still_saved", True)
    return await page(template, status, settings_nav=nav, saved=saved, errors=context.pop("errors", {}), **context)


async def posted_form():
    """(visit, viewer, fields) of a settings form, after its CSRF token is checked."""
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    return current, viewer, fields


def saved(path: str):
    return see_other(f"{path}?saved=1")


@blueprint.get("/settings")
async def settings_home():
    await signed_in()
    return see_other("/settings/profile")
