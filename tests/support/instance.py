"""A real redfed instance served by hypercorn on an ephemeral 127.0.0.1 port, in a thread of its own.

Each instance has its own folder, database and keys. Its event loop runs in a background thread so
that synchronous clients (urllib, Mastodon.py, a browser) and async tests can both talk to it over
real HTTP; `run()` executes a coroutine inside the instance's loop, e.g. to read its database.
"""

import asyncio
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from hypercorn.asyncio import serve

from redfed.app import create_app
from redfed.config import Config, config_from_dict
from redfed.instance import Instance
from redfed.server import hypercorn_config
from redfed.services.accounts import accounts
from redfed.web.context import Runtime

from .clock import Clock
from .databases import database_section
from .http import get
from .ports import listening_socket


def make_config(folder: Path, base_url: str, **sections: dict) -> Config:
    data = {
        "instance": {"base_url": base_url, "name": f"test {folder.name}"},
        "federation": {"allow_private_addresses": True},
        # Tests drive the queues themselves with drain(), deterministically.
        "workers": {"in_process": False},
        "database": database_section(folder),
        # Argon2's cheapest cost: the tests make thousands of accounts and check no hash's strength.
        "security": {"password_hash_memory_kib": 1024, "password_hash_iterations": 1},
    }
    for name, values in sections.items():
        data[name] = {**data.get(name, {}), **values}
    return config_from_dict(data, base_dir=folder)


class LiveInstance:
    def __init__(
        self, folder: Path, clock: Clock | None = None, port: int = 0, *, address_policy=None, host: str = "127.0.0.1",
        **sections: dict,
    ):
        """`port` 0 picks a free one; an earlier instance's port and folder bring it back up.
        `address_policy` (with federation.allow_private_addresses false) lets 127.0.0.1 play a
        public host while other private addresses stay refused. `host` names the instance in its
        URLs ("localhost" where a browser refuses an IP address, as WebAuthn does); it listens
        on 127.0.0.1 either way."""
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self._sections = folder, sections
        self._socket = listening_socket(port)
        self.port = self._socket.getsockname()[1]
        self.base_url = f"http://{host}:{self.port}"
        self.domain = f"{host}:{self.port}"
        self.config = make_config(folder, self.base_url, **sections)
        self.clock = clock or Clock()
        self.node = Instance(self.config, clock=self.clock, address_policy=address_policy)
        self.app = create_app(self.config, self.node)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"redfed-{self.port}", daemon=True)
        self._stop: asyncio.Event | None = None
        self.stopped = False
        self._served: asyncio.Future | None = None

    @property
    def runtime(self) -> Runtime:
        return self.app.extensions["redfed"]

    def start(self) -> "LiveInstance":
        self._thread.start()
        self._served = asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        for _ in range(200):
            if self._served.done():
                self._served.result()  # surfaces a startup error
            try:
                if get(f"{self.base_url}/.well-known/nodeinfo", timeout=1).status == 200:
                    return self
            except OSError:
                pass
            threading.Event().wait(0.05)
        raise RuntimeError(f"instance on {self.base_url} did not start")

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        # hypercorn takes the bound socket over, and closes it when it stops.
        hconfig = hypercorn_config(self.config, bind=[f"fd://{self._socket.detach()}"])
        await serve(self.app, hconfig, shutdown_trigger=self._stop.wait)

    def run(self, coroutine: Coroutine) -> Any:
        """Run `coroutine` in the instance's event loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=60)

    def drain(self) -> int:
        """Run this instance's inbox and delivery queues until nothing is due."""
        return self.run(self.node.drain())

    def create_user(self, username: str, password: str = "correct horse battery", **options) -> accounts.NewUser:
        email = f"{username.lower()}@example.com"
        return self.run(accounts.create_user(self.runtime.db, self.config, username, email, password, **options))

    @property
    def ctx(self):
        """The services context, for driving the instance the way its faces do."""
        return self.node.ctx

    def actor(self, username: str):
        """A local actor of this instance."""
        return self.run(accounts.find_local_actor(self.runtime.db, self.config, username))

    def resolve(self, uri: str):
        """This instance's copy of an actor (fetched over HTTP when remote)."""
        return self.run(self.node.ctx.resolver.actor(uri))

    def config_file(self, more: str = "") -> Path:
        """instance.toml for `redfed` run as a command against this instance: its URL, its
        database, loopback peers allowed, and `more` (TOML) after them."""
        sections = [f'[instance]\nbase_url = "{self.base_url}"', "[federation]\nallow_private_addresses = true"]
        if self.config.database.url:
            sections.append(f'[database]\nurl = "{self.config.database.url}"')
        path = self.folder / "instance.toml"
        path.write_text("\n".join(sections) + "\n" + more, encoding="utf-8")
        return path

    def url(self, path: str) -> str:
        return self.base_url + path

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
            self._served.result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
        self.stopped = True
