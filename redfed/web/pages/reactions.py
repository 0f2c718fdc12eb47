"""Reacting from the pages (layer 6): the reaction bar's buttons under a post, each a small form
(no script needed), answered by going back where the reader was."""

from ...services.responses import reactions
from ...services.social import statuses
from ..context import runtime
from ..inputs import record_id
from .common import blueprint, check_csrf, form, safe_next, see_other, signed_in


@blueprint.post("/posts/<post_id>/<any(react, unreact):action>")
async def react(post_id: str, action: str):
    rt = runtime()
    current, viewer = await signed_in()
    fields = await form()
    check_csrf(current, fields.get("csrf_token"))
    post = await statuses.visible_post(rt.services, record_id(post_id), viewer)
    chosen = await reactions.chosen(rt.services, post, str(fields.get("emoji", ""))[:100])
    await (reactions.react if action == "react" else reactions.unreact)(rt.services, viewer, post, chosen)
    return see_other(safe_next(fields.get("next"), "/home"))
