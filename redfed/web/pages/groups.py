"""A group's page (layer 6): what it shared as a photo grid, its rules, moderators and members
(the members only when the group shows them, or to its moderators), and a join button; its
moderators also find the people asking to join there. It is the group's profile URL, `/@name`, so
public.py hands a group's visit here."""

from ...errors import Forbidden
from ...services import views
from ...services.groups import groups, membership, sharing
from ...services.social import relationships
from ...services.groups.groups import Group
from ..context import runtime
from .cards import cards
from .common import Visit, page

SHOWN = 60  # shared posts on the page


async def group_page(group: Group, current: Visit):
    rt = runtime()
    shared = await sharing.shared_posts(rt.services, group, SHOWN)
    try:
        members = await groups.members(rt.services, current.viewer, group, 1)
    except Forbidden:
        members = None  # a hidden list: the page shows only the count
    moderating = current.viewer is not None and current.viewer.id in group.moderator_ids
    pending = await membership.pending(rt.services, current.viewer, group) if moderating else []
    return await page(
        "group.html", moderating=moderating,
        asking=await relationships.accounts(rt.services, [request.follower_id for request in pending]), group=group, actor=group.actor,
        cards=cards(await views.status_views(rt.db, shared, current.viewer), rt.urls),
        moderators=await groups.moderators(rt.services, group), members=members,
        membership=await groups.membership_of(rt.services, current.viewer, group),
    )
