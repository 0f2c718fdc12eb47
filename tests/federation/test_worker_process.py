"""`redfed worker` runs the same queues as `redfed serve`, from a process of its own."""

import signal
import subprocess
import sys
import time

from redfed.services.social import follows
from redfed.store import deliveries as delivery_store


def test_worker_process__delivers_what_the_web_process_queued(start_instance):
    a, b = start_instance("a"), start_instance("b")
    alice = a.create_user("alice").actor
    b.create_user("bob")
    a.run(follows.follow(a.ctx, alice, a.resolve(b.url("/users/bob"))))
    config_file = a.config_file()
    worker = subprocess.Popen(
        [sys.executable, "-m", "redfed", "--config", str(config_file), "worker"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while a.run(delivery_store.delivery_states(a.runtime.db.reader)).get("sent", 0) < 1:
            assert time.monotonic() < deadline, "the worker process delivered nothing"
            assert worker.poll() is None, worker.stderr.read()
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert "redfed worker running" in out
    b.drain()  # b got the Follow, and answered it with an Accept
    assert b.run(delivery_store.delivery_states(b.runtime.db.reader)) == {"sent": 1}
