"""The common ground of the stand-in servers tests talk to: an aiohttp application on an ephemeral
127.0.0.1 port, served from a thread and event loop of its own, so a synchronous test can start it,
point an instance at `base_url`, and stop it. A subclass adds its routes in `add_routes`.
"""

import asyncio
import threading

from aiohttp import web

from .ports import listening_socket


class LoopbackServer:
    name = "loopback"
    client_max_size = 1024 * 1024

    def __init__(self):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=self.name, daemon=True)
        self._runner: web.AppRunner | None = None
        self._socket = listening_socket()
        self.base_url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def add_routes(self, router: web.UrlDispatcher) -> None:
        raise NotImplementedError

    def start(self):
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    async def _serve(self) -> None:
        app = web.Application(client_max_size=self.client_max_size)
        self.add_routes(app.router)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, self._socket).start()

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        self._socket.close()
