"""Fixtures for inbox tests: hostile remote servers on loopback, and fast key generation."""

import itertools

import pytest

from redfed.protocol import keys

from ..support.hostile import HostileServer, rsa_pair


@pytest.fixture(autouse=True)
def pooled_rsa_keys(monkeypatch):
    """Local RSA keys (the instance actor's, each account's) from a pool made once per run.

    Generating an RSA-2048 key takes 0.1-0.4 s here, and every test starts a fresh instance that
    makes at least one; within a test each call still gets a key of its own, and no instance ever
    meets a key of another test's instance.
    """
    counter = itertools.count()
    monkeypatch.setattr(keys, "generate_rsa_keypair", lambda: rsa_pair(f"local {next(counter)}"))


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
