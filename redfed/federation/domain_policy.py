"""Which remote domains this instance refuses or limits (layer 3), held in memory.

Every inbox POST, outbound fetch and delivery asks, so the answer must not cost a database round
trip (STYLE: one await is 85-210 µs). The admin's domain blocks (table `domain_blocks`) and
`federation.blocked_domains` from the config (a suspension that cannot be lifted from the admin
pages) are read once at start, replaced right after a change made in this process, and reloaded
by the workers each round for changes made by another process (`redfed domain block`).
"""

import aiosqlite

from ..config import Config
from ..models import DomainBlock
from ..protocol.domains import authority_of, parents
from ..store.moderation import domain_blocks as store

SUSPEND = "suspend"
SILENCE = "silence"


class DomainPolicy:
    def __init__(self, config: Config, blocks: list[DomainBlock] = ()):
        self._configured = frozenset(d.lower().rstrip(".") for d in config.federation.blocked_domains)
        self._blocks: dict[str, DomainBlock] = {}
        self._generation = 0
        self.replace(blocks)

    def replace(self, blocks: list[DomainBlock]) -> None:
        self._blocks = {block.domain: block for block in blocks}
        self._generation += 1

    async def reload(self, conn: aiosqlite.Connection) -> None:
        started = self._generation
        blocks = await store.list_all(conn)
        # A change made here while the read was under way is newer than what the read saw.
        if self._generation == started:
            self.replace(blocks)

    def rule_for(self, uri_or_authority: str | None) -> DomainBlock | None:
        """The admin's block covering a URL or host[:port], the most specific one (Mastodon's
        DomainBlock.rule_for)."""
        for name in parents(authority_of(uri_or_authority)) if uri_or_authority else ():
            if name in self._blocks:
                return self._blocks[name]
        return None

    def severity(self, uri_or_authority: str | None) -> str | None:
        """"suspend", "silence" or None; the config's list always suspends."""
        if not uri_or_authority:
            return None
        candidates = parents(authority_of(uri_or_authority))
        if any(name in self._configured or name.partition(":")[0] in self._configured for name in candidates):
            return SUSPEND
        rule = self.rule_for(uri_or_authority)
        return rule.severity if rule else None

    def is_suspended(self, uri_or_authority: str | None) -> bool:
        return self.severity(uri_or_authority) == SUSPEND

    def is_silenced(self, uri_or_authority: str | None) -> bool:
        return self.severity(uri_or_authority) == SILENCE
