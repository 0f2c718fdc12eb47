"""Store a verified activity before the inbox answers 202 (layer 5; STYLE §1.1)."""

import json

from ..federation.audience import host_of
from ..models import Actor
from ..services.context import Context
from ..store import deliveries as delivery_store
from ..store import inbox as inbox_store
from ..store.social import interactions as interaction_store
from .verify import Dropped, VerifiedActivity


async def store_activity(ctx: Context, verified: VerifiedActivity, recipient: Actor | None) -> bool:
    """True when stored now, False for a replay of an id already stored (a no-op, still 202)."""
    activity, actor = verified.activity, verified.actor
    # Only the recipient's own block drops: a sender that blocks the recipient still speaks to it
    # (its Undo of that Block, for one). An Offer (FEP-0837 deal) is kept so that the seller's
    # server answers it with a Reject: the buyer's deal ends instead of waiting forever, and no
    # deal is stored here (services/shop/deals.receive_offer).
    blocks = recipient is not None and await interaction_store.find_block(ctx.db.reader, recipient.id, actor.id)
    if blocks and activity.get("type") != "Offer":
        raise Dropped("the recipient blocks the sender")
    async with ctx.db.transaction() as conn:
        stored = await inbox_store.insert_item(
            conn, activity["id"], activity["type"], actor.uri, recipient.id if recipient else None,
            json.dumps(activity, ensure_ascii=False), ctx.now_ms(),
        )
        # A host that talks to us is alive: deliveries to it resume (Mastodon clears the mark too).
        await delivery_store.mark_host_available(conn, host_of(actor.uri))
    return stored
