"""Every API route, called the wrong way, answers with a clear 4xx and a JSON error: never a 5xx.

The routes come from the running app, so an endpoint added later is swept too.
"""

import re

from ..support import api
from ..support.http import request

JSON_ERROR_EXEMPT = ("/oauth/authorize",)  # a page for people, not an API answer


def _routes(instance):
    for rule in instance.app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/oauth/")) and not getattr(rule, "websocket", False):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, re.sub(r"<[^>]+>", "not-an-id", rule.rule)


def _check(instance, headers):
    failures = []
    for method, path in _routes(instance):
        reply = request(method, instance.url(path), headers=headers, body=b"" if method != "GET" else None)
        if reply.status >= 500:
            failures.append((method, path, reply.status, reply.body[:200]))
        elif reply.status >= 400 and not path.startswith(JSON_ERROR_EXEMPT):
            content_type = reply.headers.get("Content-Type", "")
            if not content_type.startswith("application/json") or "error" not in reply.json():
                failures.append((method, path, reply.status, content_type))
    return failures


def test_malformed_ids_and_no_token__never_a_server_error(instance):
    assert _check(instance, {}) == []


def test_read_only_token__every_write_is_refused_cleanly(instance):
    instance.create_user("alice")
    token = api.token_for(instance, "alice", scopes="read")
    assert _check(instance, {"Authorization": f"Bearer {token}"}) == []
    # And writes are refused for scope, not merely for bad ids.
    reply = request("POST", instance.url("/api/v1/statuses"), headers={"Authorization": f"Bearer {token}"}, body=b"status=x")
    assert reply.status == 403
