"""The instance's announcements on the pages (layer 6): dismissing one from the home page."""

from ...services.announcements import announcements
from ..context import runtime
from .common import blueprint, check_csrf, form, see_other, signed_in

MAX_ROW_ID = 2**63 - 1


@blueprint.post(f"/announcements/<int(max={MAX_ROW_ID}):announcement_id>/dismiss")
async def dismiss_announcement(announcement_id: int):
    rt = runtime()
    current, viewer = await signed_in()
    check_csrf(current, (await form()).get("csrf_token"))
    await announcements.dismiss(rt.db, viewer, announcement_id, rt.services.now_ms())
    return see_other("/home")
