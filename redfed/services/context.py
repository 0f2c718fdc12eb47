"""What federation-aware services need, bundled once per app (layer 4)."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..config import Config
from ..db.api import Database
from ..federation.domain_policy import DomainPolicy
from ..federation.http import HttpClient
from ..federation.resolve import Resolver
from ..objectstore.stores import Stores
from ..protocol.webpush import VapidKey
from ..urls import Urls


@dataclass(frozen=True)
class Context:
    db: Database
    config: Config
    resolver: Resolver
    urls: Urls
    clock: Callable[[], float] = time.time
    # Called after a commit that queued deliveries, so an in-process worker wakes at once.
    wake_delivery: Callable[[], None] = field(default=lambda: None)
    # Where uploaded media and archives are kept: on disk or in a bucket (objectstore.stores).
    files: Stores = field(kw_only=True)
    # The outbound client, for services that speak to a server other than a fediverse peer (a
    # translation provider); None where nothing is fetched (one-off commands).
    http: HttpClient | None = field(default=None, kw_only=True)
    # The instance's Web Push key pair: apps subscribe with its public half (services.push.keys).
    vapid: VapidKey | None = field(default=None, kw_only=True)

    @property
    def domains(self) -> DomainPolicy:
        """The instance's domain blocks (held by the resolver, which refuses fetches with them)."""
        return self.resolver.domains

    def now_ms(self) -> int:
        return int(self.clock() * 1000)
