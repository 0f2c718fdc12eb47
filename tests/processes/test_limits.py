"""Inbox limits per sending host, failed sign-ins and sign-up attempts are counted by every process
of an instance together (issue 12): a flooding server or a password guesser gains nothing by
landing on another process behind the load balancer."""

import dataclasses
import json

from redfed.store import inbox as inbox_store

from ..support.hostile import sign_post
from ..support.http import request
from ..support.processes import another_process
from ..support.sign_up import set_mode

PASSWORD = "correct horse battery"


def test_inbox__a_host_flooding_two_processes_in_turn_gets_429_once_their_joint_share_is_spent(start_instance, start_remote):
    limits = {"federation": {"inbox_per_host_per_minute": 5}}
    one = start_instance("one", **limits)
    two = another_process(start_instance, one, "two", **limits)
    mallory = start_remote().add_actor("mallory")
    statuses = []
    for n in range(8):
        # Signed for the instance's address, as a reverse proxy hands it to either process.
        post = sign_post(one.url("/inbox"), mallory.create(mallory.note(f"spam {n}")), mallory.signing_key, one.clock())
        process = (one, two)[n % 2]
        statuses.append(dataclasses.replace(post, url=process.url("/inbox")).send().status)
    assert statuses == [202] * 5 + [429] * 3
    assert one.run(inbox_store.item_states(one.runtime.db.reader)) == {"pending": 5}


def _app(process) -> dict:
    fields = {"client_name": "a client", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write"}
    return request("POST", process.url("/api/v1/apps"), headers={"Content-Type": "application/json"},
                   body=json.dumps(fields).encode()).json()


def _app_token(process) -> str:
    app = _app(process)
    fields = {"grant_type": "client_credentials", "client_id": app["client_id"], "client_secret": app["client_secret"],
              "scope": "read write"}
    return request("POST", process.url("/oauth/token"), headers={"Content-Type": "application/json"},
                   body=json.dumps(fields).encode()).json()["access_token"]


def _password_grant(process, app: dict, password: str):
    fields = {"grant_type": "password", "username": "alice", "password": password, "scope": "read",
              "client_id": app["client_id"], "client_secret": app["client_secret"]}
    return request("POST", process.url("/oauth/token"), headers={"Content-Type": "application/json"},
                   body=json.dumps(fields).encode())


def test_sign_in__failures_on_either_process_count_together(start_instance):
    one = start_instance("one")
    two = another_process(start_instance, one, "two")
    one.create_user("alice", PASSWORD)
    app = _app(one)
    failures = [_password_grant((one, two)[n % 2], app, f"guess {n}").status for n in range(5)]
    assert failures == [400] * 5
    assert _password_grant(one, app, PASSWORD).status == 429
    assert _password_grant(two, app, PASSWORD).status == 429
    one.clock.advance(301)
    assert _password_grant(two, app, PASSWORD).status == 200


def test_sign_up__attempts_from_one_address_count_together_on_every_process(start_instance):
    one = start_instance("one")
    two = another_process(start_instance, one, "two")
    set_mode(one, "open")
    token = _app_token(one)
    answers = []
    for n in range(11):
        process = (one, two)[n % 2]
        fields = {"username": "bad name", "email": f"b{n}@example.com", "password": PASSWORD, "agreement": True}
        answers.append(request("POST", process.url("/api/v1/accounts"), body=json.dumps(fields).encode(),
                               headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"}).status)
    assert answers == [422] * 10 + [429]
