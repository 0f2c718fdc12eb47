"""The Prometheus endpoint: refused without its token, and its figures move as requests,
inbox refusals and deliveries happen. Scraped over real HTTP and read with the Prometheus text
parser."""

import json
import logging
import re
import socket
from pathlib import Path

from redfed.services.moderation import domain_blocks
from redfed.services.moderation.domain_blocks import BlockFields
from redfed.services.social import posts

from ..federation.test_posts import _connect, _settle
from ..support import api
from ..support.waiting import wait_until
from ..support.http import get, request
from .scrapes import TOKEN, WITH_TOKEN, scrape


def test_metrics__answer_only_their_token_and_are_off_without_one(start_instance):
    watched = start_instance("a", **WITH_TOKEN)
    unwatched = start_instance("b")

    assert get(watched.url("/metrics")).status == 401
    assert get(watched.url("/metrics"), headers={"Authorization": "Bearer not-the-token"}).status == 401
    assert get(unwatched.url("/metrics"), headers={"Authorization": f"Bearer {TOKEN}"}).status == 404
    assert get(unwatched.url("/metrics")).status == 404


def test_metrics__count_requests_by_route_group_with_their_latency(start_instance):
    a = start_instance("a", **WITH_TOKEN)
    before = scrape(a)

    for _ in range(3):
        assert get(a.url("/about")).status == 200
    assert get(a.url("/api/v1/instance")).status == 200
    assert get(a.url("/no-such-page")).status == 404

    after = scrape(a)

    def moved(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    assert moved("redfed_http_requests_total", group="pages", method="GET", status="2xx") == 3
    assert moved("redfed_http_requests_total", group="pages", method="GET", status="4xx") == 1
    assert moved("redfed_http_requests_total", group="api") == 1
    assert moved("redfed_http_request_duration_seconds_count", group="pages") == 4
    assert after.value("redfed_http_request_duration_seconds_sum", group="pages") > 0
    assert after.value("redfed_process_info", role="serve") == 1


def test_metrics__inbox_refusals_are_counted_by_reason_and_logged(start_instance, caplog):
    a = start_instance("a", **WITH_TOKEN)
    caplog.set_level(logging.INFO, logger="redfed.web.inbox")
    activity = b'{"@context": "https://www.w3.org/ns/activitystreams", "id": "https://x.example/1", "type": "Like", ' \
               b'"actor": "https://x.example/users/mallory", "object": "https://x.example/2"}'
    headers = {"Content-Type": "application/activity+json"}

    assert request("POST", a.url("/inbox"), headers=headers, body=activity).status == 401
    assert request("POST", a.url("/inbox"), headers=headers, body=b'{"type": "Like"}').status == 400

    figures = scrape(a)
    assert figures.value("redfed_inbox_requests_total", outcome="refused", reason="no_signature") == 1
    assert figures.value("redfed_inbox_requests_total", outcome="refused", reason="malformed") == 1
    assert figures.value("redfed_inbox_requests_total", outcome="accepted") == 0
    refused = [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused inbox request")]
    assert any("https://x.example/users/mallory" in line and "401 signature required" in line for line in refused)


def test_metrics__deliveries_and_queue_depths_follow_the_work(start_instance, caplog):
    a, b = start_instance("a", **WITH_TOKEN), start_instance("b", **WITH_TOKEN)
    a.create_user("alice")
    b.create_user("bob")
    _connect(b, a, "bob", "alice")  # bob@b follows alice@a: her posts go to b
    accepted_follow = scrape(a).value("redfed_inbox_requests_total", outcome="accepted")
    assert accepted_follow == 1

    # Given a post queued for b, not yet sent.
    a.run(posts.create_local_post(a.ctx, a.actor("alice"), "counted on the way out"))
    queued = scrape(a)
    assert queued.value("redfed_queue_depth", queue="delivery", when="due") == 1
    assert queued.value("redfed_worker_lag_seconds", queue="delivery") >= 0
    assert queued.value("redfed_workers_running") == 0  # nothing runs the queues: the tests drain them
    sent_before = queued.value("redfed_delivery_attempts_total", result="sent")

    _settle(a, b)
    delivered = scrape(a)
    assert delivered.value("redfed_queue_depth", queue="delivery") == 0
    assert delivered.value("redfed_delivery_attempts_total", result="sent") - sent_before == 1
    assert scrape(b).value("redfed_inbox_requests_total", outcome="accepted") >= 1
    assert delivered.value("redfed_users") == 1 and delivered.value("redfed_local_posts") == 1

    # When b suspends a's domain, b's inbox refuses the next post, and a logs why.
    caplog.set_level(logging.INFO, logger="redfed.federation.delivery")
    b.run(domain_blocks.block_domain(b.ctx, a.domain, BlockFields("suspend", "", "", False)))
    a.run(posts.create_local_post(a.ctx, a.actor("alice"), "refused on arrival"))
    a.drain()

    refused = scrape(a)
    assert refused.value("redfed_delivery_attempts_total", result="failed") == 1
    assert scrape(b).value("redfed_inbox_requests_total", outcome="refused", reason="domain_blocked") == 1
    [line] = [r.getMessage() for r in caplog.records if "refused: inbox answered 403" in r.getMessage()]
    assert b.url("/inbox") in line or "/users/bob/inbox" in line
    assert "suspended" in line  # the reason b gave, not only its status


def test_metrics__the_sample_grafana_dashboard_asks_only_for_metrics_we_serve(start_instance):
    a = start_instance("a", **WITH_TOKEN)
    served = scrape(a).families
    dashboard = json.loads((Path(__file__).parents[2] / "docs" / "grafana-dashboard.json").read_text())

    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    # Families are named without the suffixes of their series (_total, _bucket, ...).
    asked = {re.sub(r"_(total|bucket|count|sum)$", "", name) for e in expressions for name in re.findall(r"\b(?:redfed|process)_\w+", e)}

    pool = {"redfed_database_pool_connections"}  # PostgreSQL only: SQLite has no pool
    assert asked - pool <= served, asked - pool - served
    assert len(asked) >= 12


def test_metrics__streaming_connections_and_the_events_they_were_handed(start_instance):
    a = start_instance("a", **WITH_TOKEN)
    a.create_user("alice")
    token = api.token_for(a, "alice")
    assert "redfed_streaming_connections" not in scrape(a).families  # no stream opened yet

    with socket.create_connection(("127.0.0.1", a.port), timeout=10) as stream:
        stream.sendall(f"GET /api/v1/streaming/public HTTP/1.1\r\nHost: {a.domain}\r\n"
                       f"Authorization: Bearer {token}\r\n\r\n".encode())
        assert stream.recv(4096).startswith(b"HTTP/1.1 200")
        wait_until(lambda: scrape(a).value("redfed_streaming_connections") == 1, "the stream to count", 10)
        a.run(posts.create_local_post(a.ctx, a.actor("alice"), "on the stream"))
        wait_until(lambda: scrape(a).value("redfed_streaming_events_delivered_total") == 1, "the post to count", 10)
    wait_until(lambda: scrape(a).value("redfed_streaming_connections") == 0, "the closed stream to count", 10)
    assert scrape(a).value("redfed_streaming_closed_too_slow_total") == 0


