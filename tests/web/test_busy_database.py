"""A database another process holds locked, or a database server that goes away, makes requests
answer 503 with Retry-After; nothing is half-written, and the instance carries on by itself once
the database is back (CHECKLIST 41)."""

import sqlite3

from ..support import api, databases
from ..support.http import request


@databases.only_on_sqlite("holds SQLite's write lock")
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


@databases.only_on_postgresql
def test_the_database_server_going_away__503_with_retry_after_then_recovers_by_itself(instance):
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    name = instance.config.database.url.rpartition("/")[2]
    # The server drops every connection of the instance's and takes no new ones: a restart, an
    # outage, a failover, as the instance sees it.
    databases.run_on_server(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    databases.run_on_server(
        f"SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = '{name}'"
    )
    try:
        for method, path, body in [("POST", "/api/v1/statuses", b'{"status": "hello"}'), ("GET", "/api/v1/timelines/home", None)]:
            reply = request(method, instance.url(path), headers=headers, body=body, timeout=30)
            assert reply.status == 503, (path, reply.status, reply.body)
            assert int(reply.headers["Retry-After"]) > 0
            assert "database" in reply.json()["error"]
    finally:
        databases.run_on_server(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    retried = request("POST", instance.url("/api/v1/statuses"), headers=headers, body=b'{"status": "hello"}')
    assert retried.status == 200
    assert api.client(instance, token=token).account_verify_credentials()["statuses_count"] == 1
