"""Fixtures for inbox tests: hostile remote servers on loopback."""

import pytest

from ..support.hostile import HostileServer


@pytest.fixture
def start_remote():
    """Start hostile remotes: each call is another server, another origin."""
    started = []

    def start() -> HostileServer:
        server = HostileServer().start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def remote(start_remote) -> HostileServer:
    return start_remote()
