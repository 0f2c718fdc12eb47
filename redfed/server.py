"""Running the app under hypercorn (layer 7), for `redfed serve` and for the tests' live instances."""

import logging
from collections.abc import Awaitable, Callable

from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config as HypercornConfig

from .app import create_app
from .config import Config

# On SIGTERM, requests in flight get this long to finish before the server stops.
GRACEFUL_TIMEOUT_SECONDS = 10.0


def hypercorn_config(config: Config, *, access_log: bool = False, bind: list[str] | None = None) -> HypercornConfig:
    host, port = config.listen_address
    hconfig = HypercornConfig()
    hconfig.bind = bind or [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"]
    hconfig.graceful_timeout = GRACEFUL_TIMEOUT_SECONDS
    hconfig.accesslog = logging.getLogger("redfed.access") if access_log else None
    hconfig.errorlog = logging.getLogger("hypercorn.error")
    # The app enforces its own body limits per route; this is only the outer bound.
    hconfig.h11_max_incomplete_size = 64 * 1024
    return hconfig


async def serve(
    config: Config, *, access_log: bool = False, bind: list[str] | None = None,
    shutdown_trigger: Callable[[], Awaitable] | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM (or `shutdown_trigger` returns)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(config)
    await hypercorn_serve(app, hypercorn_config(config, access_log=access_log, bind=bind), shutdown_trigger=shutdown_trigger)
