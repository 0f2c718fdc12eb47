"""SIGKILL in the middle of exports and imports, round after round: after the next start the jobs
finish and the files agree with the rows, with nothing left that no job names (issue 28).

The instance is `redfed serve` in a process of its own, killed with SIGKILL at a random moment
after a job is asked for; the random moments come from a fixed seed so that a failure replays.
"""

import json
import random
import time

import pytest

from .imports.archives import mastodon_archive
from .imports.support import multipart
from .support.waiting import wait_until
from .support.served import Server

ROUNDS = 4


@pytest.fixture
def server(tmp_path):
    server = Server(tmp_path).start()
    yield server
    server.stop()


def test_sigkill_during_exports_and_imports__jobs_finish_and_files_agree_with_rows(server):
    chance = random.Random(28)
    for n in range(20):
        assert server.api("POST", "/api/v1/statuses", json.dumps({"status": f"post {n}"}).encode()).status == 200
    archive, content_type = multipart({"type": "archive"}, {"data": ("archive.zip", mastodon_archive())})
    for round_ in range(ROUNDS):
        if round_ == 0:  # one archive a week: the first export job is the one every restart resumes
            assert server.api("POST", "/api/v1/exports", b"{}").status in (200, 202)
        try:
            server.api("POST", "/api/v1/imports", archive, content_type)
        except OSError:
            pass  # killed while answering
        time.sleep(chance.uniform(0, 0.3))
        server.kill()
        server.start()
    wait_until(lambda: not server.rows("SELECT 1 FROM exports WHERE state IN ('queued', 'running')"), "the export")
    wait_until(lambda: not server.rows("SELECT 1 FROM imports WHERE state IN ('queued', 'running')"), "the imports")
    [(state, key)] = server.rows("SELECT state, file_key FROM exports")
    assert state == "done"
    assert server.files("exports") == [key]
    # Every import that was recorded finished; its uploaded archive went with it, and none unrecorded stayed.
    assert {state for (state,) in server.rows("SELECT state FROM imports")} <= {"done"}
    assert server.files("imports") == []
    assert "Traceback" not in (server.folder / "serve.log").read_text()
