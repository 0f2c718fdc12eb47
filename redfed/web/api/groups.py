"""Groups (layer 6): redfed's client API extension for FEP-1b12 groups (docs/groups.md).

A group is also an account (`"group": true`): people join and leave it with Mastodon's own
/api/v1/accounts/:id/follow and /unfollow, and see its posts as its boosts. These routes create and
run one; all but reading are for its moderators (403 for anyone else).

  GET/POST          /api/v1/redfed/groups                                 groups one moderates / a new one
  GET/PATCH         /api/v1/redfed/groups/:id                             display_name, description, rules,
                                                                          approval_required, members_visible
  GET               /api/v1/redfed/groups/:id/members?page=N              members (moderators only when hidden)
  DELETE            /api/v1/redfed/groups/:id/members/:account_id         remove a member
  GET               /api/v1/redfed/groups/:id/requests                    pending members
  POST              /api/v1/redfed/groups/:id/requests/:account_id/authorize | /reject
  POST/DELETE       /api/v1/redfed/groups/:id/bans[/:account_id]          ban (account_id) / lift a ban
  POST/DELETE       /api/v1/redfed/groups/:id/moderators[/:account_id]    add (account_id) / remove a moderator
  GET               /api/v1/redfed/groups/:id/statuses                    the posts the group shared
  DELETE            /api/v1/redfed/groups/:id/statuses/:status_id         remove a post from the group
"""

from quart import Blueprint, request

from ...services import views
from ...services.groups import groups, membership, sharing
from ...services.groups.groups import Group
from ...services.social import relationships, statuses
from ..context import runtime
from ..inputs import record_id
from . import entities
from .auth import caller, optional_token, scope, viewer
from .params import Params
from .timelines import render

blueprint = Blueprint("api_groups", __name__)

ROOT = "/api/v1/redfed/groups"
SHOWN = 40  # posts a group's statuses show at once


async def group_entity(group: Group) -> dict:
    rt = runtime()
    moderators = await views.account_views(rt.db, await groups.moderators(rt.services, group))
    return {
        "id": str(group.actor.id),
        "account": entities.account(await views.account_view(rt.db, group.actor), rt.urls),
        "rules": group.rules,
        "approval_required": group.approval_required,
        "members_visible": group.members_visible,
        "members_count": group.members_count,
        "moderators": [entities.account(view, rt.urls) for view in moderators],
    }


async def _accounts(actors) -> list[dict]:
    rt = runtime()
    return [entities.account(view, rt.urls) for view in await views.account_views(rt.db, actors)]


async def _group(group_id: str) -> Group:
    return await groups.get(runtime().services, record_id(group_id))


async def _account(account_id) -> object:
    return await relationships.account(runtime().services, record_id(str(account_id)))


@blueprint.get(ROOT)
@scope("read:accounts")
async def index():
    return [await group_entity(g) for g in await groups.moderated_by(runtime().services, caller().actor)]


@blueprint.post(ROOT)
@scope("write:accounts")
async def create():
    params = await Params.read()
    group = await groups.create(
        runtime().services, caller().actor, params.text("username", "", max_length=100),
        display_name=params.text("display_name", "", max_length=1_000),
        description=params.text("description", "", max_length=10_000),
        rules=params.text("rules", "", max_length=100_000),
        approval_required=bool(params.flag("approval_required", False)),
        members_visible=bool(params.flag("members_visible", True)),
    )
    return await group_entity(group)


@blueprint.get(f"{ROOT}/<group_id>")
@optional_token
async def show(group_id: str):
    return await group_entity(await _group(group_id))


@blueprint.patch(f"{ROOT}/<group_id>")
@scope("write:accounts")
async def edit(group_id: str):
    params = await Params.read()
    group = await groups.edit(
        runtime().services, caller().actor, await _group(group_id),
        display_name=params.text("display_name", max_length=1_000),
        description=params.text("description", max_length=10_000), rules=params.text("rules", max_length=100_000),
        approval_required=params.flag("approval_required"), members_visible=params.flag("members_visible"),
    )
    return await group_entity(group)


@blueprint.get(f"{ROOT}/<group_id>/members")
@optional_token
async def members(group_id: str):
    page = request.args.get("page", "1")
    number = int(page) if page.isdigit() and len(page) < 7 else 1
    return await _accounts(await groups.members(runtime().services, viewer(), await _group(group_id), number))


@blueprint.delete(f"{ROOT}/<group_id>/members/<account_id>")
@scope("write:accounts")
async def remove_member(group_id: str, account_id: str):
    await membership.turn_away(runtime().services, caller().actor, await _group(group_id), await _account(account_id))
    return {}


@blueprint.get(f"{ROOT}/<group_id>/requests")
@scope("read:accounts")
async def requests(group_id: str):
    pending = await membership.pending(runtime().services, caller().actor, await _group(group_id))
    return await _accounts(await relationships.accounts(runtime().services, [f.follower_id for f in pending]))


@blueprint.post(f"{ROOT}/<group_id>/requests/<account_id>/<any(authorize, reject):answer>")
@scope("write:accounts")
async def answer_request(group_id: str, account_id: str, answer: str):
    decide = membership.approve if answer == "authorize" else membership.turn_away
    await decide(runtime().services, caller().actor, await _group(group_id), await _account(account_id))
    return {}


@blueprint.post(f"{ROOT}/<group_id>/bans")
@scope("write:accounts")
async def ban(group_id: str):
    params = await Params.read()
    member = await _account(params.record("account_id") or 0)
    await membership.ban(runtime().services, caller().actor, await _group(group_id), member)
    return {}


@blueprint.delete(f"{ROOT}/<group_id>/bans/<account_id>")
@scope("write:accounts")
async def unban(group_id: str, account_id: str):
    await membership.unban(runtime().services, caller().actor, await _group(group_id), await _account(account_id))
    return {}


@blueprint.post(f"{ROOT}/<group_id>/moderators")
@scope("write:accounts")
async def add_moderator(group_id: str):
    params = await Params.read()
    account = await _account(params.record("account_id") or 0)
    return await group_entity(await groups.add_moderator(runtime().services, caller().actor, await _group(group_id), account))


@blueprint.delete(f"{ROOT}/<group_id>/moderators/<account_id>")
@scope("write:accounts")
async def remove_moderator(group_id: str, account_id: str):
    group, account = await _group(group_id), await _account(account_id)
    return await group_entity(await groups.remove_moderator(runtime().services, caller().actor, group, account))


@blueprint.get(f"{ROOT}/<group_id>/statuses")
@optional_token
async def shared(group_id: str):
    shown, _, _ = await render(await sharing.shared_posts(runtime().services, await _group(group_id), SHOWN))
    return shown


@blueprint.delete(f"{ROOT}/<group_id>/statuses/<status_id>")
@scope("write:accounts")
async def remove_status(group_id: str, status_id: str):
    rt, me = runtime(), caller().actor
    group = await _group(group_id)
    post = await statuses.visible_post(rt.services, record_id(status_id), me)
    await sharing.remove_post(rt.services, me, group, post)
    return {}
