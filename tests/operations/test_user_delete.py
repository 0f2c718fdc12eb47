"""`redfed user delete NAME`: asks for the name again, then deletes the account for good and
tells the servers that know it with a federated Delete of the actor, which they act on."""

import subprocess
import sys

from redfed.services.accounts import accounts
from redfed.services.social import posts
from redfed.store import actors as actor_store

from ..federation.test_posts import _connect, _settle, _stored
from ..support import api
from ..support.http import AP, get
from ..test_cli import assert_one_line_error


def _delete(config: str, name: str, *, answer: str | None = None, yes: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "redfed", "--config", config, "user", "delete", name, *(["--yes"] if yes else [])]
    return subprocess.run(command, input=answer, capture_output=True, text=True, timeout=60)


def test_user_delete__asks_first_then_every_server_that_knows_the_account_forgets_it(start_instance):
    a, b, c = start_instance("a"), start_instance("b"), start_instance("c")
    a.create_user("alice")
    b.create_user("bob")
    c.create_user("carol")
    _connect(b, a, "bob", "alice")  # bob@b follows alice@a, so b holds alice and her posts
    post = a.run(posts.create_local_post(a.ctx, a.actor("alice"), "soon gone"))
    # carol@c follows no one here, but a mention took alice's reply to c.
    mention = a.run(posts.create_local_post(a.ctx, a.actor("alice"), f"@carol@{c.domain} see you"))
    _settle(a, b, c)
    alice_uri = a.url("/users/alice")
    assert _stored(b, post.uri) is not None and _stored(c, mention.uri) is not None
    token = api.token_for(a, "alice")
    config = str(a.config_file())

    # A wrong answer to the question deletes nothing.
    kept = _delete(config, "alice", answer="alicia\n")
    assert kept.returncode == 1 and "not deleted" in kept.stderr
    assert get(alice_uri, AP).status == 200

    deleted = _delete(config, "alice", answer="alice\n")

    assert deleted.returncode == 0, deleted.stderr
    assert "deleted alice; 2 server(s) will be told" in deleted.stdout
    # Here: no actor, no WebFinger, no post, no token, no sign-in.
    assert get(alice_uri, AP).status == 404
    assert get(a.url(f"/.well-known/webfinger?resource=acct:alice@{a.domain}")).status == 404
    assert _stored(a, post.uri) is None
    gone = get(post.uri, AP)
    assert gone.status == 410 and gone.json()["type"] == "Tombstone"
    assert get(a.url("/api/v1/accounts/verify_credentials"), headers={"Authorization": f"Bearer {token}"}).status == 401
    assert a.run(accounts.authenticate(a.runtime.db, "alice", "correct horse battery")) is None
    # There: the Delete arrives and b forgets alice and what she posted.
    _settle(a, b, c)
    assert b.run(actor_store.find_actor_by_uri(b.runtime.db.reader, alice_uri)) is None
    assert c.run(actor_store.find_actor_by_uri(c.runtime.db.reader, alice_uri)) is None
    assert _stored(b, post.uri) is None and _stored(c, mention.uri) is None
    # The name stays taken, and a second delete finds no one.
    assert_one_line_error(_delete(config, "alice", yes=True), "no local user named 'alice'")
