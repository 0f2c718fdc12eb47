"""Running the app under hypercorn (layer 7), for `redfed serve` and for the tests' live instances."""

import logging
from collections.abc import Awaitable, Callable

from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config as HypercornConfig

from . import logs
from .app import create_app
from .config import Config, ServerConfig


def hypercorn_config(config: Config, *, access_log: bool = False, bind: list[str] | None = None) -> HypercornConfig:
    host, port = config.listen_address
    hconfig = HypercornConfig()
    hconfig.bind = bind or [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"]
    hconfig.accesslog = logging.getLogger("redfed.access") if access_log else None
    hconfig.errorlog = logging.getLogger("hypercorn.error")
    _apply_limits(hconfig, config.server)
    return hconfig


def _apply_limits(hconfig: HypercornConfig, server: ServerConfig) -> None:
    """What a slow or vanished client may hold (instance.example.toml says why each value)."""
    # hypercorn's one idle timer runs from a connection's start (or its previous response) until a
    # request's headers are complete: it closes idle keep-alive connections and slow-loris ones.
    hconfig.keep_alive_timeout = server.idle_timeout_seconds
    # The largest request line and headers h11 buffers; bodies have their own limits per route.
    hconfig.h11_max_incomplete_size = server.max_header_bytes
    hconfig.graceful_timeout = server.graceful_timeout_seconds
    hconfig.backlog = server.backlog
    # read_timeout stays unset on purpose: it bounds every read, and a streaming client
    # (/api/v1/streaming) sends nothing for hours. Quart's BODY_TIMEOUT bounds slow bodies instead,
    # and web/limits.py how many may trickle in at once.
    hconfig.read_timeout = None


async def serve(
    config: Config, *, access_log: bool = False, bind: list[str] | None = None,
    shutdown_trigger: Callable[[], Awaitable] | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM (or `shutdown_trigger` returns)."""
    logs.configure(config.operations.json_logs)
    app = create_app(config)
    await hypercorn_serve(app, hypercorn_config(config, access_log=access_log, bind=bind), shutdown_trigger=shutdown_trigger)
