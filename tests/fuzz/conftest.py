"""One live instance per fuzz module: a local account with a token and a post, a hostile remote
with a signing actor, and the server's log watched for crashes."""

from dataclasses import dataclass

import pytest

from ..support import api
from ..support.clock import Clock
from ..support.hostile import HostileServer, RemoteActor
from ..support.http import request
from ..support.instance import LiveInstance
from .activities import TAG, World
from .oracle import ServerLog


@dataclass
class Target:
    instance: LiveInstance
    remote: HostileServer
    mallory: RemoteActor  # signs everything the remote sends
    token: str  # alice's, with every scope
    post_id: str  # one of alice's posts
    alice_id: str
    log: ServerLog

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def world(self) -> World:
        local_post = self.instance.url(f"/users/alice/statuses/{self.post_id}")
        return World(self.remote.base_url, self.mallory.uri, self.instance.url("/users/alice"), local_post)

    def after_paths(self) -> list[str]:
        """What must still answer 200 once the fuzzing is over."""
        return ["/api/v1/timelines/public", "/api/v1/timelines/public?local=true", f"/api/v1/timelines/tag/{TAG}",
                "/api/v1/timelines/home", "/api/v1/accounts/verify_credentials", f"/api/v1/accounts/{self.alice_id}",
                f"/api/v1/accounts/{self.alice_id}/statuses", "/api/v1/accounts/lookup?acct=alice",
                "/api/v1/accounts/search?q=mallory&resolve=false", "/@alice", f"/tags/{TAG}"]


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    instance = LiveInstance(tmp_path_factory.mktemp("fuzz"), Clock(),
                            federation={"inbox_per_host_per_minute": 1_000_000}).start()
    remote = HostileServer().start()
    with ServerLog() as log:
        try:
            instance.create_user("alice")
            token = api.token_for(instance, "alice")
            reply = request("POST", instance.url("/api/v1/statuses"), body=f"status=first %23{TAG}".encode(),
                            headers={"Authorization": f"Bearer {token}"})
            post = reply.json()
            yield Target(instance, remote, remote.add_actor("mallory"), token, post["id"], post["account"]["id"], log)
        finally:
            remote.stop()
            instance.stop()
