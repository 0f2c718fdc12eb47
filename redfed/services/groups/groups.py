"""Local groups: create, edit, look up, and who moderates them (layer 4).

A group is a local actor of type Group with no user behind it, so WebFinger, its actor document,
inbox, outbox and followers collection are those of any local actor. Its members are its
followers: an open group accepts a Follow at once, an approval-only one
(`manuallyApprovesFollowers`) keeps it pending until a moderator decides. Moderators are local
accounts; the one who creates a group is its first moderator and first member.
"""

from dataclasses import dataclass

from ...errors import Forbidden, NotFound, Unprocessable
from ...federation import groups as group_ap
from ...models import Actor
from ...store import actors as actor_store
from ...store.groups import groups as store
from ...store.groups.groups import GroupRow
from ...store.social import follows as follow_store
from ..accounts import accounts, profiles
from ..context import Context

MAX_RULES = 5_000
MEMBERS_PAGE = 40


@dataclass(frozen=True)
class Group:
    actor: Actor
    rules: str
    members_visible: bool
    moderator_ids: tuple[int, ...]
    members_count: int

    @property
    def approval_required(self) -> bool:
        return self.actor.manually_approves_followers


async def create(
    ctx: Context, creator: Actor, username: str, *, display_name: str = "", description: str = "",
    rules: str = "", approval_required: bool = False, members_visible: bool = True,
) -> Group:
    """A new group named `username` (the handle's first part, shared with accounts)."""
    _check_rules(rules)
    if len(display_name) > profiles.MAX_DISPLAY_NAME or len(description) > profiles.MAX_BIO:
        raise Unprocessable(
            f"a group's name is at most {profiles.MAX_DISPLAY_NAME} characters, its description {profiles.MAX_BIO}"
        )
    now = ctx.now_ms()

    async def founded(conn, actor: Actor) -> None:
        await store.insert(conn, GroupRow(actor.id, rules.strip(), members_visible, creator.id, now))
        await store.add_moderator(conn, actor.id, creator.id, now)
        await follow_store.insert_follow(conn, ctx.urls.activity(actor.id) + "/founded", creator.id, actor.id, "accepted", now)

    actor = await accounts.create_actor(
        ctx.db, ctx.config, username, "Group", then=founded, display_name=display_name.strip(),
        summary=profiles.render_bio(ctx, description), summary_source=description,
        manually_approves_followers=approval_required,
    )
    return await get(ctx, actor.id)


async def edit(
    ctx: Context, moderator: Actor, group: Group, *, display_name: str | None = None, description: str | None = None,
    rules: str | None = None, approval_required: bool | None = None, members_visible: bool | None = None,
) -> Group:
    """Change what is given; the profile part federates as the group's Update."""
    check_moderator(group, moderator)
    if rules is not None:
        _check_rules(rules)
    if rules is not None or members_visible is not None:
        async with ctx.db.transaction() as conn:
            await store.update(
                conn, group.actor.id, group.rules if rules is None else rules.strip(),
                group.members_visible if members_visible is None else members_visible,
            )
    if display_name is not None or description is not None or approval_required is not None:
        await profiles.update_profile(ctx, group.actor, display_name=display_name, bio=description, locked=approval_required)
    return await get(ctx, group.actor.id)


async def get(ctx: Context, actor_id: int) -> Group:
    """A local group by its actor's id; 404 for anything else."""
    row = await store.get(ctx.db.reader, actor_id)
    actor = row and await actor_store.get_actor(ctx.db.reader, actor_id)
    if not row or not actor or actor.suspended_at is not None:
        raise NotFound("Record not found")
    return await _group(ctx, actor, row)


async def find(ctx: Context, actor: Actor) -> Group | None:
    """The group `actor` is, if it is one of ours."""
    row = await store.get(ctx.db.reader, actor.id) if actor.is_local and actor.type == "Group" else None
    return await _group(ctx, actor, row) if row else None


async def moderated_by(ctx: Context, account: Actor) -> list[Group]:
    return [await get(ctx, group_id) for group_id in await store.moderated_by(ctx.db.reader, account.id)]


async def add_moderator(ctx: Context, moderator: Actor, group: Group, account: Actor) -> Group:
    """Moderators are local accounts, and members."""
    check_moderator(group, moderator)
    if not account.is_local or account.type == "Group" or not await store.is_member(ctx.db.reader, group.actor.id, account.id):
        raise Unprocessable("a moderator must be a local member of the group")
    async with ctx.db.transaction() as conn:
        await store.add_moderator(conn, group.actor.id, account.id, ctx.now_ms())
    return await get(ctx, group.actor.id)


async def remove_moderator(ctx: Context, moderator: Actor, group: Group, account: Actor) -> Group:
    """A group always keeps one moderator."""
    check_moderator(group, moderator)
    if group.moderator_ids == (account.id,):
        raise Unprocessable("a group needs at least one moderator")
    async with ctx.db.transaction() as conn:
        await store.remove_moderator(conn, group.actor.id, account.id)
    return await get(ctx, group.actor.id)


async def moderators(ctx: Context, group: Group) -> list[Actor]:
    found = [await actor_store.get_actor(ctx.db.reader, actor_id) for actor_id in group.moderator_ids]
    return [actor for actor in found if actor is not None]


async def moderators_collection(ctx: Context, username: str) -> dict:
    """The group's moderators as the collection its `attributedTo` names (Lemmy's)."""
    group = await find(ctx, await accounts.find_local_actor(ctx.db, ctx.config, username))
    if group is None:
        raise NotFound("no such group")
    return group_ap.moderators_collection(group.actor, [actor.uri for actor in await moderators(ctx, group)])


async def members_hidden(ctx: Context, actor: Actor) -> bool:
    """Whether the group keeps its member list to itself (the count stays public)."""
    group = await find(ctx, actor)
    return group is not None and not group.members_visible


def check_moderator(group: Group, account: Actor) -> None:
    if account.id not in group.moderator_ids:
        raise Forbidden("only the group's moderators may do this")


def _check_rules(rules: str) -> None:
    if len(rules) > MAX_RULES:
        raise Unprocessable(f"a group's rules are at most {MAX_RULES} characters")


async def _group(ctx: Context, actor: Actor, row: GroupRow) -> Group:
    moderator_ids = tuple(await store.moderator_ids(ctx.db.reader, actor.id))
    members = await follow_store.count_follows(ctx.db.reader, actor.id, "followers")
    return Group(actor, row.rules, row.members_visible, moderator_ids, members)


async def members(ctx: Context, viewer: Actor | None, group: Group, page: int) -> list[Actor]:
    """One page (from 1) of the members, the newest first: to anyone when the list is visible,
    else to moderators only."""
    if not group.members_visible and (viewer is None or viewer.id not in group.moderator_ids):
        raise Forbidden("this group keeps its member list to its moderators")
    offset = (max(page, 1) - 1) * MEMBERS_PAGE
    uris = await follow_store.list_follow_uris_at(ctx.db.reader, group.actor.id, "followers", MEMBERS_PAGE, offset)
    found = {actor.uri: actor for actor in await actor_store.find_actors_by_uris(ctx.db.reader, uris)}
    return [found[uri] for uri in uris if uri in found]


async def membership_of(ctx: Context, viewer: Actor | None, group: Group) -> str | None:
    """"member", "pending" (asked, not let in yet) or None."""
    follow = viewer and await follow_store.find_follow(ctx.db.reader, viewer.id, group.actor.id)
    if not follow:
        return None
    return "member" if follow.state == "accepted" else "pending"
