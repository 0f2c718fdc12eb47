"""Reports across servers: a report forwarded as a Flag, signed by the instance actor, reaches the
reported account's server (another redfed, or Fedify, which verifies it) and is filed there as a
report from that server, naming no reporter; a Flag that names nothing local files nothing."""

import pytest

from redfed.services.moderation import moderating
from redfed.services.moderation.reports import ReportForm, file_report
from redfed.services.social import posts

from ..support import api
from .test_posts import _settle, _stored


@pytest.fixture
def pair(start_instance):
    """alice on A reports bob on B; ada moderates B."""
    a, b = start_instance("a"), start_instance("b")
    a.create_user("alice")
    b.create_user("bob")
    b.create_user("ada", is_admin=True)
    return a, b


def _queue(instance, resolved=False):
    admin = instance.actor("ada")
    return instance.run(moderating.list_reports(instance.ctx, admin, resolved, None, 40))


def _report(instance, reporter, target, post_ids=(), forward=True, comment="spam, twice"):
    form = ReportForm(target.id, list(post_ids), comment=comment, category="spam", forward=forward)
    return instance.run(file_report(instance.ctx, instance.actor(reporter), form)).report


def test_forwarded_report__arrives_as_a_flag_from_the_reporting_server(pair):
    a, b = pair
    post = b.run(posts.create_local_post(b.ctx, b.actor("bob"), "cheap watches"))
    bob_on_a = a.resolve(b.url("/users/bob"))
    post_on_a = a.run(posts.fetch_post(a.ctx, post.uri))

    filed = _report(a, "alice", bob_on_a, [post_on_a.id])
    _settle(a, b)

    assert filed.forwarded and filed.uri
    [view] = _queue(b)
    assert view.report.uri == filed.uri and view.report.comment == "spam, twice"
    assert view.target.actor.uri == b.actor("bob").uri
    assert [s.post.uri for s in view.statuses] == [post.uri]
    # Filed by A's instance actor: the server that sent it, not alice, whom A does not name.
    assert view.reporter.actor.uri == a.url("/actor") and view.reporter.actor.domain == a.domain
    assert "alice" not in repr(view.reporter.actor)
    notified = api.client(b, "ada").notifications(types=["admin.report"])
    assert [n["account"]["acct"] for n in notified] == [view.reporter.actor.handle]


def test_report_not_forwarded__stays_on_the_reporters_server(pair):
    a, b = pair
    a.create_user("ada", is_admin=True)
    _report(a, "alice", a.resolve(b.url("/users/bob")), forward=False)
    _settle(a, b)
    assert _queue(b) == []
    [view] = _queue(a)
    assert view.report.forwarded is False and view.report.uri is None


def test_replayed_flag__files_one_report(pair):
    a, b = pair
    filed = _report(a, "alice", a.resolve(b.url("/users/bob")))
    _settle(a, b)
    b.run(_requeue(b, filed.uri))
    _settle(a, b)
    assert len(_queue(b)) == 1


async def _requeue(instance, activity_id):
    """Run a stored inbox item again, as a replay of the same Flag would."""
    async with instance.runtime.db.transaction() as conn:
        await conn.execute("UPDATE inbox_items SET state = 'pending', next_attempt_at = 0 WHERE activity_id = ?", (activity_id,))


def test_fedify_flag__becomes_a_report_naming_the_post(instance, start_fedify_peer):
    peer = start_fedify_peer()
    peer.create_actor("fern")
    instance.create_user("bob")
    instance.create_user("ada", is_admin=True)
    post = instance.run(posts.create_local_post(instance.ctx, instance.actor("bob"), "hello"))

    peer.flag("fern", instance.url("/users/bob"), [post.uri], content="harassment")
    instance.drain()

    [view] = _queue(instance)
    assert view.reporter.actor.uri == peer.actor_uri("fern") and view.report.comment == "harassment"
    assert [s.post.id for s in view.statuses] == [post.id]


def test_redfed_forwarded_report__reaches_fedify_verified(instance, start_fedify_peer):
    peer = start_fedify_peer()
    peer.create_actor("fern")
    instance.create_user("alice")
    fern = instance.resolve(peer.actor_uri("fern"))

    filed = _report(instance, "alice", fern, comment="bot spam")
    instance.drain()

    [flag] = [r for r in peer.received() if r["type"] == "Flag"]
    assert flag["verified"] and flag["id"] == filed.uri
    assert flag["actor"] == instance.url("/actor") and flag["json"]["content"] == "bot spam"
    assert peer.actor_uri("fern") in str(flag["json"]["object"])
