"""One server flooding the inbox is slowed with 429 and Retry-After before anything is stored;
other servers are not, and a forger cannot spend another server's share (CHECKLIST 42)."""

from redfed.inbox.throttle import BURST_MS, HostThrottle, burst_allowance
from redfed.services import rate_limits
from redfed.store import inbox as inbox_store

from ..support.hostile import PUBLIC, sign_post


def test_inbox__a_flooding_host_gets_429_with_retry_after(start_instance, start_remote):
    instance = start_instance("a", federation={"inbox_per_host_per_minute": 5})
    flooder, other = start_remote(), start_remote()
    mallory, fern = flooder.add_actor("mallory"), other.add_actor("fern")
    replies = [
        sign_post(instance.url("/inbox"), mallory.create(mallory.note(f"spam {n}")), mallory.signing_key, instance.clock()).send()
        for n in range(8)
    ]
    assert [r.status for r in replies] == [202] * 5 + [429] * 3
    assert int(replies[-1].headers["Retry-After"]) >= 1
    assert replies[-1].json() == {"error": "too many requests from your server"}
    assert instance.run(inbox_store.item_states(instance.runtime.db.reader)) == {"pending": 5}
    # Another server is not held back by the first one's flood.
    polite = sign_post(instance.url("/inbox"), fern.create(fern.note("hello", to=[PUBLIC])), fern.signing_key, instance.clock())
    assert polite.send().status == 202


def test_throttle__lets_a_host_through_again_once_the_minute_has_passed(instance, clock):
    throttle = HostThrottle(instance.runtime.db, per_minute=5, clock=clock)
    assert [instance.run(throttle.take("a.example")) for _ in range(5)] == [None] * 5
    wait = instance.run(throttle.take("a.example"))
    assert 0 < wait <= 60 / rate_limits.SLICES
    assert instance.run(throttle.take("b.example")) is None  # each host has its own share
    clock.advance(61)
    assert instance.run(throttle.take("a.example")) is None


def test_throttle__spreads_a_minutes_share_over_the_minute(instance, clock):
    throttle = HostThrottle(instance.runtime.db, per_minute=600, clock=clock)

    def take(count: int) -> list:
        return [instance.run(throttle.take("a.example")) for _ in range(count)]

    # Ten seconds' worth at once goes through; the rest of the minute's share does not.
    assert burst_allowance(600) == 100
    assert take(100) == [None] * 100
    wait = take(1)[0]
    assert 0 < wait <= BURST_MS / 1000 / rate_limits.SLICES
    # Ten seconds later as much again goes through, but for the requests this process had not
    # written yet (at most a batch), which count from when they are written.
    clock.advance(BURST_MS / 1000)
    assert 100 - throttle.batch <= take(100).count(None) < 100


def test_inbox__forged_activities_do_not_spend_the_claimed_servers_share(start_instance, start_remote):
    instance = start_instance("a", federation={"inbox_per_host_per_minute": 3})
    victim_server, forger_server = start_remote(), start_remote()
    victim, forger = victim_server.add_actor("victim"), forger_server.add_actor("forger")
    for n in range(5):  # claims to be the victim, signs with its own key: refused, not counted
        forged = sign_post(instance.url("/inbox"), victim.create(victim.note(f"fake {n}")), forger.signing_key, instance.clock())
        assert forged.send().status == 401
    genuine = sign_post(instance.url("/inbox"), victim.create(victim.note("real")), victim.signing_key, instance.clock())
    assert genuine.send().status == 202
