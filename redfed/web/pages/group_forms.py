"""Running a group from the pages (layer 6): the groups one runs (a settings section), a form
to make one, the same form for its moderators to change it, and their answers to people asking
to join. The services decide who may (only moderators, 403 for anyone else); these handlers read
the form and show what went wrong."""

from ...errors import Conflict, NotFound, Unprocessable
from ...services.accounts import accounts
from ...services.groups import groups, membership
from ...services.social import relationships
from ..context import runtime
from .common import _, blueprint, check_csrf, form, page, see_other, signed_in
from .settings import settings_page

_ROW_ID = "int(max=9223372036854775807)"


@blueprint.get("/settings/groups")
async def my_groups():
    _current, viewer = await signed_in()
    moderated = await groups.moderated_by(runtime().services, viewer)
    return await settings_page("settings/groups.html", "/settings/groups", moderated=moderated)


@blueprint.get("/groups/new")
async def new_group():
    await signed_in()
    return await _form_page(None, {"members_visible": "1"})


@blueprint.post("/groups/new")
async def create_group():
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    try:
        made = await groups.create(runtime().services, viewer, fields.get("username", "").strip(), **_settings(fields))
    except (Unprocessable, Conflict) as refused:
        return await _form_page(None, fields, refused.message)
    return see_other(f"/@{made.actor.username}")


@blueprint.get("/@<username>/group/edit")
async def edit_group(username: str):
    _current, viewer = await signed_in()
    group = await _group(username)
    groups.check_moderator(group, viewer)
    values = {
        "display_name": group.actor.display_name, "description": group.actor.summary_source, "rules": group.rules,
        "approval_required": "1" if group.approval_required else "", "members_visible": "1" if group.members_visible else "",
    }
    return await _form_page(group, values)


@blueprint.post("/@<username>/group/edit")
async def save_group(username: str):
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    group = await _group(username)
    try:
        await groups.edit(runtime().services, viewer, group, **_settings(fields))
    except Unprocessable as refused:
        return await _form_page(group, fields, refused.message)
    return see_other(f"/@{username}")


@blueprint.post(f"/@<username>/group/requests/<{_ROW_ID}:account_id>/<any(accept, reject):answer>")
async def answer_request(username: str, account_id: int, answer: str):
    current, viewer = await signed_in()
    check_csrf(current, (await form()).get("csrf_token"))
    rt = runtime()
    decide = membership.approve if answer == "accept" else membership.turn_away
    await decide(rt.services, viewer, await _group(username), await relationships.account(rt.services, account_id))
    return see_other(f"/@{username}")


async def _group(username: str) -> groups.Group:
    rt = runtime()
    found = await groups.find(rt.services, await accounts.find_local_actor(rt.db, rt.config, username))
    if found is None:
        raise NotFound(_("There is no such group."))
    return found


def _settings(fields: dict) -> dict:
    return {
        "display_name": fields.get("display_name", ""), "description": fields.get("description", ""),
        "rules": fields.get("rules", ""), "approval_required": fields.get("approval_required") == "1",
        "members_visible": fields.get("members_visible") == "1",
    }


async def _form_page(group, values: dict, problem: str = ""):
    status = 422 if problem else 200
    error = _("Not saved: %(problem)s") % {"problem": problem} if problem else ""
    return await page("group_form.html", status, group=group, values=values, error=error)
