"""Loopback ports for test servers that cannot be stolen between choosing and serving.

A socket bound to port 0 and not yet listening holds its port loosely: with SO_REUSEADDR another
socket may bind it too, and an outgoing connection may already use it, so `listen()` later fails
with "Address already in use" (it did, once, in CI). Servers in this process therefore listen at
once. Servers in child processes are given a port below the kernel's ephemeral range, which
outgoing connections never use, checked free by listening on it.
"""

import random
import socket

_SPARE_PORTS = range(20000, 32000)  # below Linux's ephemeral range (32768–60999)


def listening_socket(port: int = 0) -> socket.socket:
    """A socket already listening on 127.0.0.1:`port` (0: a free one), to hand to a server."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if port:  # coming back on an earlier port, past its old connections' TIME_WAIT
        _reuse_address(sock)
    # Port 0 is chosen without SO_REUSEADDR: with it, the kernel may hand out a port another
    # reusing socket holds. Set afterwards, the connections it accepts inherit it, so a later
    # server may take the port back.
    sock.bind(("127.0.0.1", port))
    _reuse_address(sock)
    sock.listen(128)
    return sock


def port_for_child() -> int:
    """A port for a server another process will open; no outgoing connection will take it meanwhile."""
    for port in random.sample(_SPARE_PORTS, 200):
        try:
            with listening_socket(port):
                return port
        except OSError:
            continue
    raise RuntimeError("no free loopback port between 20000 and 32000")


def _reuse_address(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
