"""What a stream holds about each viewer it serves (layer 4): the sets the timelines' SQL checks
(blocks either way, mutes, blocked domains, exclusive lists) and the viewer's filters, so that
deciding whether an event reaches a subscriber asks the database nothing.

The hub re-reads them for every viewer it serves before each round of events, in five queries
whatever the number of viewers; a block, mute or filter committed before a post is therefore in
force when that post is streamed, in whichever process it was made."""

from dataclasses import dataclass, field

from ....db.api import Database
from ....models import Actor
from ....store.social import filters as filter_store
from ....store.social import stream_audience as store
from ...views import StatusView
from ..filters import CompiledFilter, compile_filters, results_for


@dataclass
class Viewer:
    id: int
    blocks: set[int] = field(default_factory=set)  # accounts it blocks or that block it
    mutes: dict[int, int | None] = field(default_factory=dict)  # muted account → when the mute ends
    domains: set[str] = field(default_factory=set)  # domains it blocks
    exclusive: set[int] = field(default_factory=set)  # members of its exclusive lists
    filters: list[CompiledFilter] = field(default_factory=list)  # expired ones too

    def hides(self, actor: Actor, now: int) -> bool:
        """Whether the timelines keep `actor`'s posts from this viewer (blocks, mutes, domains)."""
        return actor.id in self.blocks or actor.domain in self.domains or self.muting(actor.id, now)

    def muting(self, actor_id: int, now: int) -> bool:
        if actor_id not in self.mutes:
            return False
        ends = self.mutes[actor_id]
        return ends is None or ends > now

    def filter_results(self, context: str, view: StatusView, now: int) -> list[dict]:
        """Mastodon's `filtered` for `view` on a stream of `context`: the active filters it matches."""
        active = [(f, patterns) for f, patterns in self.filters
                  if context in f.context and (f.expires_at is None or f.expires_at > now)]
        return results_for(active, view) if active else []


async def load(db: Database, ids: list[int], now: int) -> dict[int, Viewer]:
    """The current state of every viewer in `ids`."""
    viewers = {i: Viewer(i) for i in ids}
    if not ids:
        return viewers
    reader = db.reader
    for blocker, blocked in await store.blocks_touching(reader, ids):
        for one, other in ((blocker, blocked), (blocked, blocker)):
            if one in viewers:
                viewers[one].blocks.add(other)
    for muter, muted, ends in await store.mutes_of(reader, ids, now):
        viewers[muter].mutes[muted] = ends
    for owner, domain in await store.domain_blocks_of(reader, ids):
        viewers[owner].domains.add(domain)
    for owner, member in await store.exclusive_members_of(reader, ids):
        viewers[owner].exclusive.add(member)
    for compiled in compile_filters(await filter_store.filters_of_owners(reader, ids)):
        viewers[compiled[0].owner_id].filters.append(compiled)
    return viewers
