"""One running redfed instance (layer 7): database, outbound HTTP, resolver, workers.

The web app, `redfed worker` and the tests all drive the same object, so the workers' code is the
same in every mode (STYLE: "the same run_once() code either way"). Tests call `drain()` to run the
queues until idle instead of sleeping.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from .config import Config
from .db.databases import database_for, database_url
from .db.migrate import migrate_database
from .errors import ServiceUnavailable
from .federation.delivery import DeliveryWorker
from .federation.domain_policy import DomainPolicy
from .federation.http import HttpClient
from .federation.push import PushWorker
from .federation.resolve import Resolver
from .inbox.worker import InboxWorker
from .objectstore import stores
from .services.accounts import accounts, passwords, sessions
from .services.context import Context
from .services.emoji import emoji_copies
from .services.media import media_sweep
from .services.media.media_jobs import VideoWorker
from .services.push import keys as push_keys
from .services.operations.heartbeat import HeartbeatWriter
from .services.operations.metrics import Metrics
from .services.social import scheduled
from .store import cache_versions
from .urls import Urls

log = logging.getLogger(__name__)

# When no wake-up comes, the workers still look for due rows (retries, other processes' work).
POLL_SECONDS = 1.0


class Instance:
    def __init__(
        self, config: Config, *, clock: Callable[[], float] = time.time, address_policy=None, role: str = "serve",
    ):
        """`address_policy` is the HTTP client's, for tests whose loopback servers play public hosts;
        `role` (serve or worker) names the process in its metrics and heartbeat."""
        self.config = config
        self.clock = clock
        passwords.configure(config.security)
        self.metrics = Metrics(role)
        self.urls = Urls(config)
        self.db = database_for(database_url(config), pool_size=config.database.pool_size)
        self.http = HttpClient(config, clock=clock, **({"address_policy": address_policy} if address_policy else {}))
        self.domains = DomainPolicy(config)
        self.files = stores.open_stores(config)
        self._wake = asyncio.Event()
        self._not_listening: set[str] = set()
        self.ctx: Context | None = None
        self.delivery: DeliveryWorker | None = None
        self.inbox: InboxWorker | None = None
        self.push: PushWorker | None = None
        self.heartbeat: HeartbeatWriter | None = None
        self.video: VideoWorker | None = None

    async def start(self, *, recover: bool = True) -> "Instance":
        """Open everything; with `recover`, also fail uploads a stop left half-processed - which
        only the serving process may do (a one-off command must not touch a live server's work)."""
        applied = await migrate_database(database_url(self.config))
        if applied:
            log.info("applied migrations %s", ", ".join(f"{m.version:04d}_{m.name}" for m in applied))
        await self.files.media.check()
        await self.db.open()
        await self.http.start()
        await self.domains.reload(self.db.reader)
        await sessions.share_secret_key(self.db, self.config.secret_key_path)
        signer = await accounts.instance_signing_key(self.db, self.config)
        resolver = Resolver(self.db, self.http, self.config, signer, clock=self.clock, domains=self.domains)
        vapid = await push_keys.instance_vapid_key(self.db)
        self.ctx = Context(
            self.db, self.config, resolver, self.urls, clock=self.clock, wake_delivery=self._wake.set,
            files=self.files, http=self.http, vapid=vapid,
        )
        self.delivery = DeliveryWorker(
            self.db, self.http, self.config, clock=self.clock, domains=self.domains, observe=self.metrics.delivery_result,
        )
        self.heartbeat = HeartbeatWriter(self.db, self.metrics.role, self.clock)
        self.push = PushWorker(self.db, self.http, self.config, vapid, clock=self.clock)
        self.inbox = InboxWorker(self.ctx, clock=self.clock)
        self.video = VideoWorker(self.ctx)
        if recover:
            await media_sweep.recover_interrupted(self.ctx)
        return self

    async def close(self) -> None:
        await self.http.close()
        await self.db.close()
        await self.files.close()

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        """One batch of each queue, and the scheduled posts that are due; how many were handled."""
        # Domain blocks may have changed in another process (`redfed domain block`).
        await self.domains.reload(self.db.reader)
        handled = await self.inbox.run_once() + await scheduled.publish_due(self.ctx) + await self.delivery.run_once()
        return handled + await self.push.run_once() + await emoji_copies.copy_due(self.ctx)

    async def drain(self, max_rounds: int = 100, *, videos: bool = True) -> int:
        """Run the queues until none has anything due; the total handled. With `videos`, the
        video transcodes too (which `run_workers` runs beside the others, not between them)."""
        total = 0
        for _ in range(max_rounds):
            handled = await self.run_once() + (await self.video.run_once() if videos else 0)
            total += handled
            if handled == 0:
                return total
        raise RuntimeError("queues did not drain")

    async def follow_domain_blocks(self) -> None:
        """Until cancelled, reload the domain blocks when they changed, looking every POLL_SECONDS
        and whenever PostgreSQL says they did: for a web process whose workers run elsewhere, so
        that `redfed domain block` and the other processes' admins reach its inbox too."""
        changed = asyncio.Event()
        while True:
            await self._listen(cache_versions.CHANNEL, changed.set)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), POLL_SECONDS)
            changed.clear()
            try:
                await self.domains.reload(self.db.reader)
            except Exception:
                log.exception("reloading domain blocks failed")

    async def _listen(self, channel: str, wake: Callable[[], None]) -> None:
        # Called before every wait: a database that is away is said once, and its return once.
        try:
            await self.db.listen(channel, wake)
        except Exception as error:  # looking every POLL_SECONDS goes on without the wake-ups
            if channel not in self._not_listening:
                log.warning("cannot listen for %s, looking every %g s instead: %s", channel, POLL_SECONDS, error)
            self._not_listening.add(channel)
        else:
            if channel in self._not_listening:
                log.info("listening for %s again", channel)
            self._not_listening.discard(channel)

    async def run_workers(self) -> None:
        """Work until cancelled: whenever woken, and every POLL_SECONDS regardless. Videos are
        transcoded beside the other queues, which a transcode's minutes must not hold up."""
        transcoding = asyncio.create_task(self._run_video_worker(), name="redfed-video")
        try:
            await self._run_queues()
        finally:
            transcoding.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await transcoding

    async def _run_video_worker(self) -> None:
        while True:
            try:
                if await self.video.run_once():
                    continue
            except ServiceUnavailable:
                pass  # a busy or full store, warned about where it was met; the next round retries
            except Exception:
                log.exception("video worker round failed")
            await asyncio.sleep(POLL_SECONDS)

    async def _run_queues(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.heartbeat.beat()
                await self.drain(max_rounds=10, videos=False)
            except RuntimeError:
                continue  # more work is due right away
            except ServiceUnavailable:
                pass  # a busy or full store, warned about where it was met; the next round retries
            except Exception:
                log.exception("worker round failed")
            # A domain block changed in another process: the round that follows reloads it.
            await self._listen(cache_versions.CHANNEL, self._wake.set)
            try:
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            except TimeoutError:
                pass
