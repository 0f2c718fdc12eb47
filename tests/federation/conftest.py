"""Fixtures for federation tests: the independent Fedify peer (tests/peers/fedify), and hostile
remotes of the tests' own making (tests/support/hostile.py).

A peer starts in about half a second, so each test gets fresh ones: no activity, follow or
remembered signature style leaks from one test into the next.
"""

import pytest

from ..support.fedify_peer import RFC9421, FedifyPeer
from ..support.hostile import HostileServer


@pytest.fixture
def start_fedify_peer(tmp_path):
    """Start Fedify peers: `start_fedify_peer(first_knock=CAVAGE)`; all are stopped after the test."""
    started = []

    def start(name: str = "fedify", first_knock: str = RFC9421) -> FedifyPeer:
        peer = FedifyPeer.start(tmp_path / name, first_knock=first_knock)
        started.append(peer)
        return peer

    yield start
    for peer in started:
        peer.stop()


@pytest.fixture
def fedify_peer(start_fedify_peer) -> FedifyPeer:
    """A Fedify peer that signs with RFC 9421 first, as Fedify does by default."""
    return start_fedify_peer()


@pytest.fixture
def hostile():
    """A hostile remote server on loopback (tests/support/hostile.py), stopped after the test."""
    server = HostileServer().start()
    yield server
    server.stop()
