"""SIGKILL with view counts in memory (issue 26): what a graceful stop wrote is kept, what was
counted since is lost - at most one flush interval - and nothing is counted twice."""

import json

import pytest

from .support.http import get
from .support.served import Server


@pytest.fixture
def server(tmp_path):
    server = Server(tmp_path)
    with open(server.config, "a", encoding="utf-8") as config:
        config.write("\n[insights]\nflush_seconds = 600\n")  # no flush by the clock during the test
    yield server.start()
    server.stop()


def _read_tag_page(server: Server, readers: range) -> None:
    for n in readers:
        assert get(server.base + "/tags/harbour", headers={"User-Agent": f"reader-{n}"}).status == 200


def _views(server: Server) -> int:
    return server.rows("SELECT coalesce(sum(views), 0) FROM insight_views")[0][0]


def test_sigkill__loses_only_the_views_since_the_last_flush(server):
    assert server.api("POST", "/api/v1/statuses", json.dumps({"status": "Ferry at dawn #harbour"}).encode()).status == 200
    _read_tag_page(server, range(2))
    server.stop()  # a graceful stop writes the two views
    server.start()
    assert _views(server) == 2

    _read_tag_page(server, range(2, 5))
    server.kill()
    server.start()
    assert _views(server) == 2
