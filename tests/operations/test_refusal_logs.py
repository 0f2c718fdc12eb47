"""Why a delivery never arrives, said on both sides: an instance that refuses loopback addresses
cannot fetch a lab peer's key. The receiver refuses with the cause, the sender logs the refusal
with the reason the receiver gave, and the next try names the failed fetch rather than only
"fetched a moment ago" (the snag issue 20 reports)."""

import logging

from redfed.services.social import follows, posts

from .scrapes import WITH_TOKEN, scrape


def _errors(instance):
    async def read():
        async with instance.runtime.db.reader.execute("SELECT last_status, last_error FROM deliveries ORDER BY id") as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    return instance.run(read())


def test_refused_key_fetch__both_sides_say_why(start_instance, caplog):
    a = start_instance("a", federation={"allow_private_addresses": False}, **WITH_TOKEN)
    b = start_instance("b")
    a.create_user("alice")
    b.create_user("bob")
    caplog.set_level(logging.INFO)

    # bob@b follows alice@a; a cannot fetch bob's key from a loopback address.
    b.run(follows.follow(b.ctx, b.actor("bob"), b.resolve(a.url("/users/alice"))))
    b.drain()
    [(status, first)] = _errors(b)
    assert status == 401 and first.startswith("inbox answered 401: could not fetch the signing key")

    # The next activity within the refetch window is refused naming the failed fetch.
    b.run(posts.create_local_post(b.ctx, b.actor("bob"), f"@alice@{a.domain} hello?"))
    b.drain()
    second = _errors(b)[-1][1]
    assert "not fetched again so soon, and that fetch failed" in second

    sender_lines = [r.getMessage() for r in caplog.records if r.name == "redfed.federation.delivery"]
    assert any("to be retried: inbox answered 401: could not fetch the signing key" in line for line in sender_lines)
    receiver_lines = [r.getMessage() for r in caplog.records if r.name == "redfed.web.inbox"]
    assert any(b.url("/users/bob") in line and "401 could not fetch the signing key" in line for line in receiver_lines)
    assert scrape(a).value("redfed_inbox_requests_total", outcome="refused", reason="key") == 2
