"""Scopes decide what a token may do: 401 without a valid token, 403 outside its scopes, 422 for an
app-only token on an account endpoint, with Mastodon's words."""

import re

import pytest
from mastodon import Mastodon, MastodonAPIError, MastodonUnauthorizedError

from ..support import api
from ..support.http import request

INVALID = {"error": "The access token is invalid"}
OUTSIDE = {"error": "This action is outside the authorized scopes"}
PASSWORD = "correct horse battery"

# Endpoints known to need a token; the generic tests below find every such route by itself, and
# this table checks that the finding still works (extend it as endpoints arrive).
KNOWN = {
    ("GET", "/api/v1/accounts/verify_credentials"),
    ("PATCH", "/api/v1/accounts/update_credentials"),
    ("GET", "/api/v1/follow_requests"),
    ("GET", "/api/v1/timelines/home"),
    ("POST", "/api/v1/statuses"),
}


@pytest.fixture
def alice(instance):
    return instance.create_user("alice")


def get(instance, path: str, token: str | None = None, method: str = "GET"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return request(method, instance.url(path), headers=headers)


def test_read_token__cannot_write(instance, alice):
    reader = api.client(instance, "alice", scopes="read")
    assert reader.account_verify_credentials()["username"] == "alice"
    with pytest.raises(MastodonAPIError) as raised:
        reader.account_update_credentials(note="changed")
    assert raised.value.args[1] == 403 and OUTSIDE["error"] in str(raised.value)
    writer = api.client(instance, "alice", scopes="write:accounts")
    assert writer.account_update_credentials(note="changed")["source"]["note"] == "changed"


def test_no_token__is_401(instance, alice):
    reply = get(instance, "/api/v1/accounts/verify_credentials")
    assert reply.status == 401 and reply.json() == INVALID
    reply = request("GET", instance.url("/api/v1/accounts/verify_credentials"), headers={"Authorization": "Basic abc"})
    assert reply.status == 401 and reply.json() == INVALID
    assert get(instance, "/api/v1/instance").status == 200  # public


def test_profile_scope__reaches_verify_credentials_only(instance, alice):
    token = api.token_for(instance, "alice", "profile")
    assert get(instance, "/api/v1/accounts/verify_credentials", token).json()["username"] == "alice"
    for path in ("/api/v1/timelines/home", "/api/v1/follow_requests"):
        reply = get(instance, path, token)
        assert reply.status == 403 and reply.json() == OUTSIDE


def test_deprecated_follow_scope__covers_follow_reads(instance, alice):
    token = api.token_for(instance, "alice", "follow")
    assert get(instance, "/api/v1/follow_requests", token).status == 200
    assert get(instance, "/api/v1/timelines/home", token).status == 403


def _app_credentials(instance, scopes=("read", "write")) -> tuple[str, str]:
    return Mastodon.create_app("scope tests", scopes=list(scopes), api_base_url=instance.base_url)


def test_app_only_token__is_not_a_user(instance):
    client_id, secret = _app_credentials(instance)
    reply = request(
        "POST", instance.url("/oauth/token"), headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=f"grant_type=client_credentials&client_id={client_id}&client_secret={secret}&scope=read".encode(),
    )
    token = reply.json()["access_token"]
    reply = get(instance, "/api/v1/accounts/verify_credentials", token)
    assert reply.status == 422 and reply.json() == {"error": "This method requires an authenticated user"}
    assert get(instance, "/api/v1/apps/verify_credentials", token).json()["name"] == "scope tests"


def test_revoked_token__is_401(instance, alice):
    client_id, secret = _app_credentials(instance)
    mastodon = Mastodon(client_id=client_id, client_secret=secret, api_base_url=instance.base_url)
    token = mastodon.log_in("alice", PASSWORD, scopes=["read"], allow_http=True)
    assert get(instance, "/api/v1/accounts/verify_credentials", token).status == 200
    mastodon.revoke_access_token(allow_http=True)
    reply = get(instance, "/api/v1/accounts/verify_credentials", token)
    assert reply.status == 401 and reply.json() == INVALID
    with pytest.raises(MastodonUnauthorizedError):
        api.client(instance, token=token).account_verify_credentials()


def _guarded_routes(instance) -> dict[tuple[str, str], str]:
    """(method, path) → required scope, for every API route behind `@scope(...)`; found from the
    closure the decorator leaves on the view (its `required` argument)."""
    app = instance.app
    found = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        names = getattr(getattr(view, "__code__", None), "co_freevars", ())
        if not rule.rule.startswith("/api/") or getattr(rule, "websocket", False) or "required" not in names:
            continue
        required = dict(zip(names, (cell.cell_contents for cell in view.__closure__)))["required"]
        path = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule.rule)  # the first of its names
        path = re.sub(r"<[^>]+>", "1", path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found[(method, path)] = required
    return found


def test_every_guarded_route__refuses_a_missing_or_narrow_token(instance, alice):
    routes = _guarded_routes(instance)
    assert KNOWN <= set(routes), sorted(KNOWN - set(routes))
    push_only = api.token_for(instance, "alice", "push")
    for (method, path), required in sorted(routes.items()):
        reply = get(instance, path, method=method)
        assert (reply.status, reply.json()) == (401, INVALID), f"{method} {path}"
        if required != "push":
            reply = get(instance, path, push_only, method=method)
            assert (reply.status, reply.json()) == (403, OUTSIDE), f"{method} {path} needs {required}"
