"""masto.js, the client library of Elk and Phanpy, through a day of use: it signs in, opens the
`direct` stream over WebSocket and gets the conversation a private message starts, then posts and
reads home, grouped notifications, the notification policy, suggestions, search and markers."""

import json
import os
import queue
import subprocess
import threading
from pathlib import Path

from redfed.services.social import follows, posts

from ..support import api
from ..support.fedify_peer import NODE

CLIENT = Path(__file__).resolve().parent.parent / "peers" / "mastojs" / "client.mjs"


class Lines:
    """The JSON lines a child process prints, each awaited with a deadline."""

    def __init__(self, process: subprocess.Popen):
        self.process, self.lines = process, queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in process.stdout], daemon=True).start()

    def next(self, timeout: float = 30) -> dict:
        try:
            return json.loads(self.lines.get(timeout=timeout))
        except queue.Empty:
            self.process.kill()
            raise AssertionError(f"masto.js said nothing in {timeout} s: {self.process.stderr.read()}") from None


def test_masto_js__a_day_of_an_app(instance):
    alice, bob, carol = (instance.create_user(n).actor for n in ("alice", "bob", "carol"))
    instance.run(follows.follow(instance.ctx, alice, bob))
    instance.run(follows.follow(instance.ctx, bob, carol))
    earlier = instance.run(posts.create_local_post(instance.ctx, bob, "morning bread"))
    env = {**os.environ, "URL": instance.base_url, "TOKEN": api.token_for(instance, "alice")}
    process = subprocess.Popen([str(NODE), str(CLIENT)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = Lines(process)
        ready = lines.next()["ready"]
        assert ready["username"] == "alice" and ready["version"].startswith("4.")

        api.client(instance, "bob").status_post("@alice psst, the secret is rye", visibility="direct")
        event = lines.next()["event"]
        assert event["kind"] == "conversation" and "the secret is rye" in event["lastStatus"]

        day = lines.next()["day"]
        assert "hello from masto.js" in day["posted"]
        assert str(earlier.id) in day["home"] and len(day["home"]) == 3  # hers, bob's message and his bread
        assert "mention" in day["groups"]
        assert day["policy"] == "filter"
        assert day["suggestions"] == ["carol"]
        assert day["hashtags"] == ["mastojs"]
        assert day["homeReadUpTo"] == day["home"][0]
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
