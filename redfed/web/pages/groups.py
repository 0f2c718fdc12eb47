"""A group's page (layer 6): what it shared as a photo grid, its rules, moderators and members
(the members only when the group shows them, or to its moderators), and a join button. It is the
group's profile URL, `/@name`, so public.py hands a group's visit here."""

from ...errors import Forbidden
from ...services import views
from ...services.groups import groups, sharing
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
    return await page(
        "group.html", group=group, actor=group.actor,
        cards=cards(await views.status_views(rt.db, shared, current.viewer), rt.urls),
        moderators=await groups.moderators(rt.services, group), members=members,
        membership=await groups.membership_of(rt.services, current.viewer, group),
    )
