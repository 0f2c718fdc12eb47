"""Settings pages for aliases and moving an account (layer 6): /settings/aliases lists the other
accounts this one also is, /settings/migration moves it to a new account and, on the new
account, brings the posts of an old one that moved here (POST /settings/migration/posts queues
the pull and leads to the import page, where its progress shows). Every form checks the
session's CSRF token; a move also asks for the password."""

from quart import request

from ...errors import NotFound, RedfedError
from ...services import views
from ...services.portability import aliases, imports, moves, outbox_import
from ..context import runtime
from .common import N_, _, blueprint, check_csrf, form, see_other, signed_in
from .settings import settings_page

# What the services refuse, worded for people (services.portability.aliases.ChangeRefused.reason).
REFUSALS = {
    "bad_account": N_("Give the account as user@host, or as the address of its profile."),
    "not_found": N_("We could not find that account. Check the address and try again."),
    "unreachable": N_("The server of that account could not be reached. Try again later."),
    "alias_self": N_("An account cannot be an alias of itself."),
    "alias_exists": N_("That account is already an alias."),
    "too_many_aliases": N_("You can list at most %(num)d aliases."),
    "wrong_password": N_("That password is not correct."),
    "move_self": N_("An account cannot move to itself."),
    "moved_there": N_("This account has already moved to that account."),
    "target_moved": N_("That account has moved away itself. Move to its new account instead."),
    "not_aliased": N_(
        "The new account does not list this one as an alias yet. Add this account as an alias on the "
        "new account first, then try again."
    ),
    "cooldown": N_("This account moved less than 30 days ago. It can move again in %(num)d days."),
}
# Why the posts of an old account cannot be brought here (services.portability.outbox_import.PullRefused.reason).
PULL_REFUSALS = {
    "local": N_("That account is on this server: its posts are here already."),
    "not_alias": N_("That account is not an alias of this one. Add it as an alias first."),
    "not_moved": N_("That account has not moved to this one. Move it here from its own server first."),
}
NOTICES = {
    "added": N_("The alias was added."),
    "removed": N_("The alias was removed."),
    "moved": N_("Your account has moved. Your followers are being moved to the new account."),
}


def _refusal(error: RedfedError) -> str:
    if isinstance(error, aliases.ChangeRefused) and error.reason in REFUSALS:
        return _(REFUSALS[error.reason]) % error.values
    if isinstance(error, outbox_import.PullRefused) and error.reason in PULL_REFUSALS:
        return _(PULL_REFUSALS[error.reason])
    if isinstance(error, NotFound):
        return _("That account is not an alias.")
    return error.message


def _notice() -> str | None:
    done = request.args.get("done")
    return _(NOTICES[done]) if done in NOTICES else None


async def _aliases_page(viewer, status: int = 200, *, error: str | None = None, given: str = ""):
    known = {v.actor.uri: v.actor for v in await views.alias_views(runtime().db, viewer)}
    listed = [(uri, known.get(uri)) for uri in viewer.also_known_as]
    return await settings_page(
        "settings_aliases.html", "/settings/aliases", status, aliases=listed, error=error, given=given, notice=None if error else _notice()
    )


@blueprint.get("/settings/aliases")
async def aliases_page():
    _current, viewer = await signed_in()
    return await _aliases_page(viewer)


@blueprint.post("/settings/aliases/<any(add, remove):action>")
async def change_alias(action: str):
    rt = runtime()
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    given = fields.get("acct", "")[: aliases.MAX_INPUT + 1]
    change = aliases.add_alias if action == "add" else aliases.remove_alias
    try:
        await change(rt.services, viewer, given)
    except RedfedError as error:
        if error.status >= 500:
            raise
        return await _aliases_page(viewer, error.status, error=_refusal(error), given=given if action == "add" else "")
    return see_other(f"/settings/aliases?done={'added' if action == 'add' else 'removed'}")


async def _migration_page(viewer, status: int = 200, *, error: str | None = None, given: str = ""):
    rt = runtime()
    home = await moves.new_home(rt.services, viewer)
    known = {v.actor.uri: v.actor for v in await views.alias_views(rt.db, viewer)}
    return await settings_page(
        "settings_migration.html", "/settings/migration", status, error=error, given=given, new_home=home,
        history=await moves.move_history(rt.services, viewer), notice=None if error else _notice(),
        aliases=[(uri, known.get(uri)) for uri in viewer.also_known_as],
    )


@blueprint.get("/settings/migration")
async def migration_page():
    _current, viewer = await signed_in()
    return await _migration_page(viewer)


@blueprint.post("/settings/migration")
async def move():
    rt = runtime()
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    given = fields.get("acct", "")[: aliases.MAX_INPUT + 1]
    try:
        await moves.check_password(rt.services, viewer, fields.get("password", "")[:1024])
        await moves.move_out(rt.services, viewer, given)
    except RedfedError as error:
        if error.status >= 500:
            raise
        return await _migration_page(viewer, error.status, error=_refusal(error), given=given)
    return see_other("/settings/migration?done=moved")


@blueprint.post("/settings/migration/posts")
async def pull_posts():
    """Bring the posts of an old account (one of the aliases) that moved here."""
    rt = runtime()
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    try:
        await imports.request_pull(rt.services, viewer, fields.get("acct", "")[: aliases.MAX_INPUT + 1])
    except RedfedError as error:
        if error.status >= 500:
            raise
        return await _migration_page(viewer, error.status, error=_refusal(error))
    return see_other("/settings/import")
