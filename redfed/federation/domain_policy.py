"""Which remote domains this instance refuses or limits (layer 3), held in memory.

Every inbox POST, outbound fetch and delivery asks, so the answer must not cost a database round
trip (STYLE: one await is 85-210 µs). The admin's domain blocks (table `domain_blocks`) and
`federation.blocked_domains` from the config (a suspension that cannot be lifted from the admin
pages) are read once at start and replaced right after a change made in this process. Changes
made by another process (`redfed domain block`, another web process) bump a version in the
database (store.cache_versions): `reload`, which the workers call each round and web processes
every second or when PostgreSQL notifies them, reads the blocks again only when it moved.
"""

from ..config import Config
from ..db.api import Connection
from ..models import DomainBlock
from ..protocol.domains import authority_of, parents
from ..store import cache_versions
from ..store.moderation import domain_blocks as store

CACHE = "domain_blocks"

SUSPEND = "suspend"
SILENCE = "silence"


class DomainPolicy:
    def __init__(self, config: Config, blocks: list[DomainBlock] = ()):
        self._configured = frozenset(d.lower().rstrip(".") for d in config.federation.blocked_domains)
        self._blocks: dict[str, DomainBlock] = {}
        self._generation = 0
        self._version: int | None = None  # of the blocks last read from the database
        self.replace(blocks)

    def replace(self, blocks: list[DomainBlock]) -> None:
        self._blocks = {block.domain: block for block in blocks}
        self._generation += 1

    async def reload(self, conn: Connection) -> None:
        """Read the blocks again if they changed since last read (a cheap check otherwise)."""
        version = await cache_versions.version(conn, CACHE)
        if version == self._version:
            return
        started = self._generation
        blocks = await store.list_all(conn)
        # A change made here while the read was under way is newer than what the read saw.
        if self._generation == started:
            self.replace(blocks)
            self._version = version

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
