"""A database another process holds locked makes writes answer 503 with Retry-After; nothing is
half-written, and the instance carries on once the lock is gone (CHECKLIST 41)."""

import sqlite3

from ..support import api
from ..support.http import request


def test_write_while_the_database_is_locked__503_with_retry_after_then_works(instance):
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    # Another process (say a `redfed worker`) holds the write lock longer than the busy timeout.
    other = sqlite3.connect(instance.config.database_path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        reply = request("POST", instance.url("/api/v1/statuses"), headers=headers, body=b'{"status": "hello"}', timeout=30)
        assert reply.status == 503
        assert reply.headers["Retry-After"] == "5"
        assert "busy" in reply.json()["error"]
    finally:
        other.execute("ROLLBACK")
        other.close()
    retried = request("POST", instance.url("/api/v1/statuses"), headers=headers, body=b'{"status": "hello"}')
    assert retried.status == 200
    assert api.client(instance, token=token).account_verify_credentials()["statuses_count"] == 1
